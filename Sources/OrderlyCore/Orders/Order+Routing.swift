extension Order {
    /// Counts a routing plan on the order's lines: its allocations as allocated units, its
    /// backorders as backordered units.
    public mutating func apply(_ plan: RoutingPlanner.Plan) {
        for allocation in plan.allocations {
            lines[allocation.lineIndex].allocatedQuantity += allocation.quantity
        }
        for backorder in plan.backorders {
            lines[backorder.lineIndex].backorderedQuantity += backorder.quantity
        }
    }
}
