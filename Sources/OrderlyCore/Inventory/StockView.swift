/// What orders placed together in one transaction may still take: available units as read
/// when the transaction began, less what the orders before them in it took. Each order is
/// routed from this view instead of its own earlier snapshot, so one order never counts on
/// units another order of the same batch has taken — and an order that the view cannot serve
/// is refused (or backordered) on its own, not by failing the batch's conditional update.
public struct StockView: Sendable, Equatable {
    public private(set) var available: [SKU: [LocationID: Int64]]

    public init(_ levels: [InventoryLevel]) {
        var available: [SKU: [LocationID: Int64]] = [:]
        for level in levels { available[level.sku, default: [:]][level.locationId] = level.available }
        self.available = available
    }

    /// `snapshot` with this view's figures for every level both know (a level only the view
    /// knows is at a location the snapshot left out, such as an inactive one).
    public func applied(to snapshot: RoutingPlanner.Snapshot) -> RoutingPlanner.Snapshot {
        var snapshot = snapshot
        for (sku, levels) in snapshot.stock {
            for location in levels.keys { snapshot.stock[sku]?[location] = available[sku]?[location] ?? 0 }
        }
        return snapshot
    }

    /// Counts the units an order's plan reserves as taken.
    public mutating func take(_ allocations: [RoutingPlanner.Allocation]) {
        for allocation in allocations {
            available[allocation.sku, default: [:]][allocation.locationId, default: 0] -= allocation.quantity
        }
    }
}
