import Foundation
import OrderlyCore
import SQLKit

extension FulfillmentOrderStore {
    /// A location gives a fulfillment order back: its reservation is released, its stock is
    /// corrected when the reason says the units are not there, and the units are routed again
    /// with the order's rules, never to a location that already rejected this order. What no
    /// location can take waits for stock; on a channel that rejects shortages the order is
    /// also held for a person to decide.
    public func reject(
        _ id: FulfillmentOrderID, reason: FulfillmentOrder.RejectionReason, note: String?, actor: String?
    ) async throws -> FulfillmentOrder {
        if let note {
            var v = Validator()
            v.check(note.count <= 500, "note", "must be at most 500 characters")
            try v.validate()
        }
        let rejected = try await Replanning.untilStockSettles {
            try await database.transaction { [time] db in
                try await Self.reject(db, id, reason: reason, note: note, actor: actor, at: time.now)
            }
        }
        if let rejected { return rejected }
        throw OrderlyError.conflict("Stock kept changing while the order was re-routed; retry the rejection")
    }

    /// Reads what a rejection decides from, decides it in Core (`FulfillmentOrder.rejecting`)
    /// and writes it.
    private static func reject(
        _ db: Transaction, _ id: FulfillmentOrderID, reason: FulfillmentOrder.RejectionReason, note: String?, actor: String?, at now: Date
    ) async throws -> FulfillmentOrder {
        guard let peek = try await fetch(db, id) else { throw OrderlyError.notFound("Fulfillment order", id) }
        guard let order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true), let fo = try await fetch(db, id, forUpdate: true),
            let channel = try await ChannelStore.fetch(db, order.channel)
        else { throw OrderlyError.notFound("Fulfillment order", id) }
        // Never again to a location that already rejected this order (this one included).
        let excluded = try await rejectedLocations(db, order.id).union([fo.locationId])
        let skus = fo.lines.map(\.sku)
        var stock = try await OrderStore.snapshot(db, channel: channel, skus: skus, destination: order.coordinates, excluded: excluded, at: now)
        stock.strategy = try await OrderStore.strategy(db, routed: order)
        let plan = try fo.rejecting(
            reason: reason, note: note, order: order, products: try await ProductStore.fetch(db, skus: skus), stock: stock,
            holdID: "reroute-\(Token.random(bytes: 4))")

        try await db.raw(
            """
            UPDATE fulfillment_orders SET status = \(bind: plan.fulfillmentOrder.status.rawValue), rejection_reason = \(bind: reason.rawValue),
                updated_at = \(bind: now.stored)
            WHERE id = \(bind: id.rawValue)
            """
        ).run()
        // Give the reservation back, then correct the shelf when the units are not there.
        try await ReservationStore.unreserve(db, plan.returned.map { ($0.sku, fo.locationId, $0.quantity) })
        for unit in plan.returned {
            try await shrinkAllocation(db, order.id, line: unit.orderLine, location: fo.locationId, type: fo.type, units: unit.quantity)
        }
        if let ledgerReason = reason.stockCorrection, !plan.corrections.isEmpty {
            let keys = plan.corrections.keys.map { StockLedger.Key(sku: $0, locationId: fo.locationId) }
            let levels = try await StockLedger.lock(db, keys, at: now)
            let changes = keys.sorted().compactMap { key -> StockLedger.Change? in
                guard let level = levels[key], let quantity = plan.corrections[key.sku] else { return nil }
                return .init(
                    level: level, newOnHand: FulfillmentOrder.RejectionReason.correctedOnHand(level, removing: quantity),
                    newSafetyStock: level.safetyStock, reason: ledgerReason, reference: "rejected \(id)")
            }
            try await StockLedger.apply(db, changes, actor: actor, at: now)
        }
        var rerouted = plan.order
        if let hold = plan.hold { try await OrderRows.insertHold(db, order.id, hold, at: now) }
        try await Allocations.reserve(db, plan.routing)
        try await Allocations.record(db, order.id, plan.routing.allocations(of: rerouted))
        try await OrderRows.saveProgress(db, rerouted, at: now)
        if rerouted.lines.contains(where: { $0.backorderedQuantity > 0 }) {
            try await SupplyStore.settle(db, rerouted, channel: channel, at: now)
        }
        for event in plan.events { try EventLog.append(db, event, actor: actor, at: now) }
        try await Allocations.release(db, &rerouted, actor: actor, at: now)
        return plan.fulfillmentOrder
    }

    /// The locations whose fulfillment orders of `order` were rejected.
    private static func rejectedLocations(_ db: any SQLDatabase, _ order: OrderID) async throws -> Set<LocationID> {
        Set(
            try await db.raw(
                """
                SELECT location_id FROM fulfillment_orders
                WHERE order_id = \(bind: order.rawValue) AND status = \(bind: FulfillmentOrder.Status.rejected.rawValue)
                """
            ).all().map { LocationID(try $0.string("location_id")) })
    }

    /// What to pick now at a location: open units of its open or accepted fulfillment orders, by sku.
    public func pickList(_ location: LocationID) async throws -> [PickListItem] {
        try await database.read { db in
            guard try await LocationStore.fetch(db, location) != nil else { throw OrderlyError.notFound("Location", location) }
            let rows = try await db.raw(
                """
                SELECT fl.sku, fl.quantity - fl.fulfilled_quantity AS open, f.id, f.type, o.id AS order_id, o.number
                FROM fulfillment_order_lines fl JOIN fulfillment_orders f ON f.id = fl.fulfillment_order_id JOIN orders o ON o.id = f.order_id
                WHERE f.location_id = \(bind: location.rawValue) AND f.status IN (\(binds: [FulfillmentOrder.Status.open, .accepted, .partiallyShipped].map(\.rawValue)))
                    AND fl.quantity > fl.fulfilled_quantity
                ORDER BY fl.sku, o.created_at, f.id
                """
            ).all()
            var items: [PickListItem] = []
            for row in rows {
                let sku = SKU(try row.string("sku"))
                let entry = PickListItem.Entry(
                    orderId: OrderID(try row.string("order_id")), orderNumber: try row.string("number"),
                    fulfillmentOrderId: FulfillmentOrderID(try row.string("id")),
                    type: FulfillmentType(rawValue: try row.string("type")) ?? .ship, quantity: try row.int64("open"))
                if items.last?.sku == sku {
                    items[items.count - 1].quantity += entry.quantity
                    items[items.count - 1].orders.append(entry)
                } else {
                    items.append(PickListItem(sku: sku, quantity: entry.quantity, orders: [entry]))
                }
            }
            return items
        }
    }

    /// Cancels pickups ready for longer than `days` and not collected, releasing their stock.
    @discardableResult
    public func expireUncollectedPickups(olderThanDays days: Int, actor: String? = "system") async throws -> Int {
        let cutoff = time.now.addingTimeInterval(-Double(days) * 86400)
        let due = try await database.read { db in
            try await db.raw(
                "SELECT id FROM fulfillment_orders WHERE status = \(bind: FulfillmentOrder.Status.readyForPickup.rawValue) AND ready_at <= \(bind: cutoff.stored) ORDER BY ready_at LIMIT 200"
            ).all().map { FulfillmentOrderID(try $0.string("id")) }
        }
        var expired = 0
        for id in due {
            let fo = try await get(id)
            guard fo.status == .readyForPickup else { continue }
            let lines = fo.lines.filter { $0.quantity > $0.fulfilledQuantity }.map {
                OrderCancellation(line: $0.orderLine, quantity: $0.quantity - $0.fulfilledQuantity)
            }
            _ = try await OrderStore(database: database, time: time).cancel(
                fo.orderId, lines: lines, reason: "pickup not collected within \(days) days at \(fo.locationId)", actor: actor)
            expired += 1
        }
        return expired
    }
}

/// One sku to pick at a location, with the orders it serves.
public struct PickListItem: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var orderId: OrderID
        public var orderNumber: String
        public var fulfillmentOrderId: FulfillmentOrderID
        public var type: FulfillmentType
        public var quantity: Int64
    }
    public var sku: SKU
    public var quantity: Int64
    public var orders: [Entry]
}
