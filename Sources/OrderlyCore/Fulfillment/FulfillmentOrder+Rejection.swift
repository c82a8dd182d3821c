import Foundation

extension FulfillmentOrder.RejectionReason {
    /// How a rejection corrects the shelf: the ledger reason, when the units are not there
    /// (not found, damaged); nil when stock is left as it is.
    public var stockCorrection: LedgerReason? {
        switch self {
        case .notFound: .adjustment
        case .damaged: .damage
        case .noCapacity, .other: nil
        }
    }

    /// The on-hand after taking `quantity` rejected units off a level: never below what other
    /// orders still hold there.
    public static func correctedOnHand(_ level: InventoryLevel, removing quantity: Int64) -> Int64 {
        max(level.reserved, level.onHand - quantity)
    }
}

/// What a location giving a fulfillment order back writes: the rejection, the stock released
/// (and corrected when the units are not there), and the units routed again.
public struct RejectionPlan: Sendable {
    /// The fulfillment order, rejected.
    public var fulfillmentOrder: FulfillmentOrder
    /// The units it gives back, per order line.
    public var returned: [(orderLine: Int, sku: SKU, quantity: Int64)]
    /// Units per sku to take off the rejecting location's on-hand, with the ledger reason
    /// (`FulfillmentOrder.RejectionReason.stockCorrection`); empty when stock stays.
    public var corrections: [SKU: Int64]
    /// The order after the units left the location and were routed again.
    public var order: Order
    /// Routing's decision for the returned units; its allocations are conditional reserves.
    public var routing: RoutingPlanner.Plan
    /// A hold for a person, when the channel refuses shortages and too little stock was found.
    public var hold: Hold?
    /// `fulfillment.rejected`, `order.held` when held, `order.rerouted`.
    public var events: [DomainEvent]
}

extension FulfillmentOrder {
    /// Decides a rejection. `stock` is the snapshot routing plans from, with every location that
    /// rejected this order (this one included) excluded; `holdID` names a hold if one is needed.
    ///
    /// The units are routed again with the order's rules (the strategy version that placed it,
    /// in `stock`, judging the order's facts). What no location can take waits for stock; when
    /// the channel or the rule rejects shortages (the order is already accepted), the channel's
    /// own routing allocates what exists, and the order is held for a person to decide.
    public func rejecting(
        reason: RejectionReason, note: String?, order: Order, products: [SKU: Product], stock: RoutingPlanner.Snapshot,
        holdID: @autoclosure () -> String
    ) throws(OrderlyError) -> RejectionPlan {
        var fo = self
        let returned = try fo.reject()
        fo.rejectionReason = reason
        var order = order
        for unit in returned {
            if let index = order.lines.firstIndex(where: { $0.number == unit.orderLine }) { order.lines[index].allocatedQuantity -= unit.quantity }
        }
        var corrections: [SKU: Int64] = [:]
        if reason.stockCorrection != nil {
            for unit in returned { corrections[unit.sku, default: 0] += unit.quantity }
        }
        var events: [DomainEvent] = [.fulfillmentRejected(fo, reason: reason, note: note)]

        let lines = returned.compactMap { unit -> RoutingPlanner.Line? in
            guard let index = order.lines.firstIndex(where: { $0.number == unit.orderLine }), let product = products[unit.sku] else { return nil }
            return .init(index: index, quantity: unit.quantity, delivery: order.lines[index].delivery, product: product)
        }
        var hold: Hold?
        var routing: RoutingPlanner.Plan
        do {
            routing = try RoutingPlanner.plan(lines, stock, facts: OrderFacts(order, productTags: products.mapValues(\.tags), now: stock.now))
        } catch {
            var partial = stock
            partial.channel.routing.onShortage = .partial
            partial.strategy = nil
            routing = try RoutingPlanner.plan(lines, partial)
            let held = Hold(id: holdID(), reason: "re-routing after \(locationId) rejected found too little stock", source: .rule)
            order.holds.append(held)
            events.append(.orderHeld(order.id, held))
            hold = held
        }
        order.apply(routing)
        events.append(.orderRerouted(order, from: locationId, excluded: stock.excluded, routing))
        return RejectionPlan(
            fulfillmentOrder: fo, returned: returned, corrections: corrections, order: order, routing: routing, hold: hold, events: events)
    }
}
