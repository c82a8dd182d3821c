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
    /// Open or accepted with nothing fulfilled: work that may move (a shipment) or merge.
    public var isUntouched: Bool { [.open, .accepted].contains(status) && lines.allSatisfy { $0.fulfilledQuantity == 0 } }

    /// Whether it may be moved by hand (`moving`): a shipment nothing of which has shipped.
    public var isMovable: Bool { type == .ship && isUntouched }

    /// The statuses whose work splits (`splitting`).
    static let splitStatuses: [Status] = [.open, .accepted, .partiallyShipped]

    /// Whether units may split off (`splitting`): open, accepted or partly shipped work with
    /// more than one unit still to fulfil, so that something stays behind.
    public var isSplittable: Bool {
        Self.splitStatuses.contains(status) && lines.reduce(0) { $0 + $1.quantity - $1.fulfilledQuantity } > 1
    }

    /// The earlier fulfillment order among `all` this one could merge into (`merging`): the
    /// same location and kind, both untouched.
    public func mergeTarget(among all: [FulfillmentOrder]) -> FulfillmentOrder? {
        guard isUntouched else { return nil }
        return all.first {
            $0.id != id && $0.orderId == orderId && $0.locationId == locationId && $0.type == type && $0.isUntouched && $0.createdAt <= createdAt
        }
    }

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
        guard isUntouched else {
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

/// A fulfillment order split in two at its location, or two merged into one.
public struct RegroupPlan: Sendable {
    /// The fulfillment orders as they become (the one that keeps or takes the units first).
    public var fulfillmentOrders: [FulfillmentOrder]
    /// Opened by a split; nil for a merge.
    public var opened: FulfillmentOrder?
    /// Emptied by a merge (cancelled); nil for a split.
    public var emptied: FulfillmentOrder?
    public var events: [DomainEvent]
}

extension FulfillmentOrder {
    /// Splits `units` (per order line, not yet fulfilled) off into a new fulfillment order at
    /// the same location, for the same order and kind: the part that goes now, the rest later.
    /// Something must stay behind; a pickup ready at the counter keeps its code and stays whole.
    public func splitting(_ units: [(orderLine: Int, quantity: Int64)], newID: FulfillmentOrderID, at now: Date) throws(OrderlyError) -> RegroupPlan {
        guard Self.splitStatuses.contains(status) else {
            throw OrderlyError.conflict("Fulfillment order \(id) is \(status.rawValue); only open or accepted work splits")
        }
        var v = Validator()
        v.check(!units.isEmpty, "lines", "must name the units to split off")
        var kept = self
        var split = FulfillmentOrder(
            id: newID, orderId: orderId, locationId: locationId, type: type, status: status == .open ? .open : .accepted, lines: [], createdAt: now)
        for (i, unit) in units.enumerated() {
            v.quantity(unit.quantity, "lines[\(i)].quantity")
            guard unit.quantity > 0, let index = kept.lines.firstIndex(where: { $0.orderLine == unit.orderLine }) else { continue }
            let open = kept.lines[index].quantity - kept.lines[index].fulfilledQuantity
            guard unit.quantity <= open else {
                v.add("lines[\(i)].quantity", "only \(open) unit(s) of order line \(unit.orderLine) are still to fulfil here")
                continue
            }
            kept.lines[index].quantity -= unit.quantity
            if let at = split.lines.firstIndex(where: { $0.orderLine == unit.orderLine }) {
                split.lines[at].quantity += unit.quantity
            } else {
                split.lines.append(.init(orderLine: unit.orderLine, sku: kept.lines[index].sku, quantity: unit.quantity))
            }
        }
        try v.validate()
        guard kept.lines.contains(where: { $0.quantity > $0.fulfilledQuantity }) else {
            throw OrderlyError.invalid("lines", "would leave nothing in \(id): split off fewer units")
        }
        return RegroupPlan(
            fulfillmentOrders: [kept, split], opened: split, emptied: nil,
            events: [.fulfillmentSplit(kept, into: split), .fulfillmentCreated(split)])
    }

    /// Takes `other`'s units into this fulfillment order: the same order, location and kind,
    /// both open or accepted, nothing of `other` fulfilled yet. `other` is left empty and
    /// cancelled; the allocations stay as they are (the units stay where they were reserved).
    public func merging(_ other: FulfillmentOrder) throws(OrderlyError) -> RegroupPlan {
        var v = Validator()
        v.check(other.id != id, "fulfillmentOrderId", "names this fulfillment order itself")
        v.check(
            other.orderId == orderId && other.locationId == locationId && other.type == type, "fulfillmentOrderId",
            "\(other.id) is not \(type.rawValue) work of the same order at \(locationId)")
        try v.validate()
        for fo in [self, other] where !fo.isUntouched {
            throw OrderlyError.conflict(
                "Fulfillment order \(fo.id) is \(fo.status.rawValue); only open or accepted work with nothing fulfilled merges")
        }
        var merged = self
        for line in other.lines where line.quantity > 0 {
            if let at = merged.lines.firstIndex(where: { $0.orderLine == line.orderLine }) {
                merged.lines[at].quantity += line.quantity
            } else {
                merged.lines.append(.init(orderLine: line.orderLine, sku: line.sku, quantity: line.quantity))
            }
        }
        var emptied = other
        emptied.status = .cancelled
        emptied.lines = other.lines.map { .init(orderLine: $0.orderLine, sku: $0.sku, quantity: 0) }
        return RegroupPlan(fulfillmentOrders: [merged, emptied], opened: nil, emptied: emptied, events: [.fulfillmentMerged(merged, from: other)])
    }
}
