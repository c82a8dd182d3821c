import Foundation

/// What moving a fulfillment order by hand to another location writes: the fulfillment order
/// cancelled, its reservation given back, and all its units allocated at the chosen location
/// (a new fulfillment order opens there when the order is released).
public struct MovePlan: Sendable {
    /// The fulfillment order, cancelled.
    public var fulfillmentOrder: FulfillmentOrder
    /// The units it gives back, per order line.
    public var returned: [(orderLine: Int, sku: SKU, quantity: Int64)]
    /// The order after the units moved.
    public var order: Order
    /// The units at the chosen location: conditional reserves.
    public var routing: RoutingPlanner.Plan
    /// `order.rerouted`, from the old location, each allocation's reason naming who chose it.
    public var events: [DomainEvent]
}

extension FulfillmentOrder {
    /// Decides moving this fulfillment order by hand to `target` (a person overriding routing:
    /// a store that is closed today, a customer who asked). Only a shipment that is open or
    /// accepted with nothing shipped moves; a pickup or counter sale stays at its store (change
    /// the line's delivery instead). The target must be active, ship, belong to the order's
    /// channel and have every unit available (`stock`, the channel's snapshot); otherwise it is
    /// refused naming why, and nothing moves.
    public func moving(
        to target: LocationID, reason: String?, by actor: String?, order: Order, stock: RoutingPlanner.Snapshot
    ) throws(OrderlyError) -> MovePlan {
        guard type == .ship else {
            throw OrderlyError.conflict("Fulfillment order \(id) is a \(type.rawValue) at its store; change the line's delivery instead")
        }
        guard [.open, .accepted].contains(status), lines.allSatisfy({ $0.fulfilledQuantity == 0 }) else {
            throw OrderlyError.conflict("Fulfillment order \(id) is \(status.rawValue); only one open or accepted with nothing shipped can move")
        }
        var v = Validator()
        v.check(target != locationId, "locationId", "is where fulfillment order \(id) is already")
        if let location = stock.locations[target] {
            v.check(location.active, "locationId", "\(target) is not active")
            v.check(location.capabilities.ship, "locationId", "\(target) does not ship")
            v.check(stock.channel.pools(target), "locationId", "\(target) is not a location of channel \(stock.channel.id)")
        } else {
            v.add("locationId", "location '\(target)' does not exist")
        }
        try v.validate()

        let returned = lines.filter { $0.quantity > 0 }.map { (orderLine: $0.orderLine, sku: $0.sku, quantity: $0.quantity) }
        var needed: [SKU: Int64] = [:]
        for unit in returned { needed[unit.sku, default: 0] += unit.quantity }
        let shortages = needed.sorted { $0.key < $1.key }.compactMap { sku, quantity -> OrderlyError.Shortage? in
            let available = stock.stock[sku]?[target] ?? 0
            return available >= quantity ? nil : .init(sku: sku, locationId: target, requested: quantity, available: available)
        }
        guard shortages.isEmpty else { throw OrderlyError.insufficientStock(shortages) }

        var fo = self
        fo.status = .cancelled
        var moved = order
        var routing = RoutingPlanner.Plan()
        let why = "moved by hand from \(locationId)\(actor.map { " by \($0)" } ?? "")\(reason.map { ": \($0)" } ?? "")"
        for unit in returned {
            guard let index = moved.lines.firstIndex(where: { $0.number == unit.orderLine }) else { continue }
            moved.lines[index].allocatedQuantity -= unit.quantity
            routing.allocations.append(
                .init(lineIndex: index, sku: unit.sku, locationId: target, quantity: unit.quantity, type: .ship, reason: why))
        }
        moved.apply(routing)
        return MovePlan(
            fulfillmentOrder: fo, returned: returned, order: moved, routing: routing,
            events: [.orderRerouted(moved, from: locationId, excluded: [], routing)])
    }
}
