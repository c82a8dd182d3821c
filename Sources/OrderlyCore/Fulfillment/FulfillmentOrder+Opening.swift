import Foundation

extension FulfillmentOrder {
    /// Allocated units of one order line not yet in a fulfillment order.
    public struct Pending: Sendable, Equatable {
        public var orderLine: Int
        public var locationId: LocationID
        public var type: FulfillmentType
        public var quantity: Int64
        public init(orderLine: Int, locationId: LocationID, type: FulfillmentType, quantity: Int64) {
            self.orderLine = orderLine
            self.locationId = locationId
            self.type = type
            self.quantity = quantity
        }
    }

    /// The fulfillment orders that release `pending` units of `order`: one per location and
    /// type, ordered by location, then type, with lines in order-line order — whatever order
    /// the units come in. Units of nothing are left out. `id` names each new one.
    public static func opening(
        _ pending: [Pending], of order: Order, at now: Date, id: () -> FulfillmentOrderID
    ) -> [FulfillmentOrder] {
        var groups: [String: (location: LocationID, type: FulfillmentType, lines: [Line])] = [:]
        var keys: [String] = []
        let sorted = pending.filter { $0.quantity > 0 }.sorted {
            ($0.locationId.rawValue, $0.type.rawValue, $0.orderLine) < ($1.locationId.rawValue, $1.type.rawValue, $1.orderLine)
        }
        for unit in sorted {
            let sku = order.lines.first { $0.number == unit.orderLine }?.sku ?? SKU("")
            let key = "\(unit.locationId)|\(unit.type)"
            if groups[key] == nil { keys.append(key) }
            groups[key, default: (unit.locationId, unit.type, [])].lines.append(.init(orderLine: unit.orderLine, sku: sku, quantity: unit.quantity))
        }
        return keys.compactMap { groups[$0] }.map { group in
            FulfillmentOrder(
                id: id(), orderId: order.id, locationId: group.location, type: group.type, status: .open, lines: group.lines, createdAt: now)
        }
    }
}

extension FulfillmentOrder {
    /// Allocated units going to fulfillment: the fulfillment orders opened for them
    /// (`opening`), the counter sales among them handed over at once, and the events.
    public struct Release: Sendable {
        /// As inserted (status `open`).
        public var opened: [FulfillmentOrder]
        /// Counter sales, handed over: their units leave through the ledger now.
        public var handedOver: [FulfillmentOrder]
        /// `fulfillment.created` for each, and `fulfillment.carried_out` after a counter sale's.
        public var events: [DomainEvent]

        /// Every fulfillment order as it stands once written, by id.
        public var current: [FulfillmentOrder] {
            let handed = Dictionary(uniqueKeysWithValues: handedOver.map { ($0.id, $0) })
            return opened.map { handed[$0.id] ?? $0 }.sorted { $0.id.rawValue < $1.id.rawValue }
        }
    }

    /// Releases `pending` units of `order` into fulfillment orders (nothing while the order is
    /// not releasable).
    public static func release(
        _ pending: [Pending], of order: Order, at now: Date, id: () -> FulfillmentOrderID
    ) throws(OrderlyError) -> Release {
        guard order.isReleasable else { return Release(opened: [], handedOver: [], events: []) }
        let opened = opening(pending, of: order, at: now, id: id)
        var release = Release(opened: opened, handedOver: [], events: [])
        for fo in opened {
            release.events.append(.fulfillmentCreated(fo))
            guard fo.type == .carryOut else { continue }
            // A counter sale leaves with the customer now.
            var sale = fo
            try sale.handOverAtCounter()
            release.handedOver.append(sale)
            release.events.append(.fulfillmentCarriedOut(sale))
        }
        return release
    }
}
