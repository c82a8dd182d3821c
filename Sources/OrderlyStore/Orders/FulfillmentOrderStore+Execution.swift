import Foundation
import OrderlyCore
import SQLKit

extension FulfillmentOrderStore {
    /// Runs `change` on a fulfillment order and its order, both locked (order first, as every
    /// order use case does, so that staff actions and cancellations cannot deadlock).
    private func withLocked<T: Sendable>(
        _ id: FulfillmentOrderID, _ change: @escaping @Sendable (Transaction, inout FulfillmentOrder, inout Order, Date) async throws -> T
    ) async throws -> T {
        let now = time.now
        return try await database.transaction { db in
            guard let peek = try await Self.fetch(db, id) else { throw OrderlyError.notFound("Fulfillment order", id) }
            guard var order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true),
                var fo = try await Self.fetch(db, id, forUpdate: true)
            else { throw OrderlyError.notFound("Fulfillment order", id) }
            return try await change(db, &fo, &order, now)
        }
    }

    public func accept(_ id: FulfillmentOrderID, actor: String?) async throws -> FulfillmentOrder {
        try await withLocked(id) { db, fo, order, now in
            try fo.accept()
            try await Self.saveStatus(db, fo, at: now)
            try EventLog.append(db, .fulfillmentAccepted(fo), actor: actor, at: now)
            return fo
        }
    }

    /// Ships some or all open units: stock leaves the location through the ledger (reason
    /// `shipment`), the order lines count them as fulfilled.
    public func ship(
        _ id: FulfillmentOrderID, lines shipped: [(orderLine: Int, quantity: Int64)], carrier: String?, trackingNumber: String?, actor: String?
    ) async throws -> FulfillmentOrder {
        var v = Validator()
        if let carrier { v.check(carrier.count <= 100, "carrier", "must be at most 100 characters") }
        if let trackingNumber { v.check(trackingNumber.count <= 200, "trackingNumber", "must be at most 200 characters") }
        try v.validate()
        let items = shipped
        return try await withLocked(id) { db, fo, order, now in
            try fo.ship(items)
            let shipment = Shipment(
                id: "shp_" + Token.random(bytes: 10), carrier: carrier, trackingNumber: trackingNumber,
                lines: items.map { item in
                    Shipment.Line(
                        orderLine: item.orderLine, sku: fo.lines.first { $0.orderLine == item.orderLine }?.sku ?? SKU(""), quantity: item.quantity)
                },
                createdAt: now)
            try await Self.fulfil(db, fo: fo, order: &order, units: shipment.lines, reference: shipment.id, actor: actor, at: now)
            try await db.raw(
                """
                INSERT INTO shipments (id, fulfillment_order_id, carrier, tracking_number, created_at)
                VALUES (\(bind: shipment.id), \(bind: fo.id.rawValue), \(bind: carrier), \(bind: trackingNumber), \(bind: now.stored))
                """
            ).run()
            for line in shipment.lines {
                try await db.raw(
                    """
                    INSERT INTO shipment_lines (shipment_id, order_line_no, sku, quantity)
                    VALUES (\(bind: shipment.id), \(bind: Int64(line.orderLine)), \(bind: line.sku.rawValue), \(bind: line.quantity))
                    """
                ).run()
            }
            fo.shipments.append(shipment)
            try await Self.saveStatus(db, fo, at: now)
            try EventLog.append(db, .fulfillmentShipped(fo, shipment), actor: actor, at: now)
            return fo
        }
    }

    /// Records the carrier's delivery confirmation of a shipment (once; repeating changes nothing).
    public func confirmDelivery(_ id: FulfillmentOrderID, shipment shipmentId: String, actor: String?) async throws -> FulfillmentOrder {
        try await withLocked(id) { db, fo, order, now in
            guard let index = fo.shipments.firstIndex(where: { $0.id == shipmentId }) else { throw OrderlyError.notFound("Shipment", shipmentId) }
            guard fo.shipments[index].deliveredAt == nil else { return fo }
            fo.shipments[index].deliveredAt = now
            try await db.raw("UPDATE shipments SET delivered_at = \(bind: now.stored) WHERE id = \(bind: shipmentId)").run()
            try EventLog.append(db, .fulfillmentDelivered(fo, shipmentId: shipmentId), actor: actor, at: now)
            return fo
        }
    }

    /// Everything a packer needs for one fulfillment order.
    public func packingSlip(_ id: FulfillmentOrderID) async throws -> PackingSlip {
        try await database.read { db in
            guard let fo = try await Self.fetch(db, id), let order = try await OrderRows.fetch(db, fo.orderId) else {
                throw OrderlyError.notFound("Fulfillment order", id)
            }
            let products = try await ProductStore.fetch(db, skus: fo.lines.map(\.sku))
            let customer = try await db.raw("SELECT name FROM customers WHERE id = \(bind: order.customerId.rawValue)").first()
            return PackingSlip(
                fulfillmentOrder: fo, order: order, customerName: try customer?.optionalString("name"),
                names: products.mapValues(\.name))
        }
    }

    /// Marks a pickup as ready and issues its pickup code.
    public func readyForPickup(_ id: FulfillmentOrderID, actor: String?) async throws -> FulfillmentOrder {
        try await withLocked(id) { db, fo, order, now in
            try fo.readyForPickup()
            var generator = SystemRandomNumberGenerator()
            // About 40 bits: a clash is rare, but a code must never be reused, so draw again on one.
            repeat {
                fo.pickupCode = FulfillmentOrder.pickupCode(using: &generator)
            } while try await db.raw("SELECT id FROM fulfillment_orders WHERE pickup_code = \(bind: fo.pickupCode)").first() != nil
            try await db.raw(
                """
                UPDATE fulfillment_orders SET status = \(bind: fo.status.rawValue), pickup_code = \(bind: fo.pickupCode), ready_at = \(bind: now.stored),
                    updated_at = \(bind: now.stored)
                WHERE id = \(bind: fo.id.rawValue)
                """
            ).run()
            try EventLog.append(db, .fulfillmentReadyForPickup(fo), actor: actor, at: now)
            return fo
        }
    }

    /// Hands a pickup over against its code. A wrong code changes nothing but is recorded on the timeline.
    /// With `taking`, the customer takes only those units: the rest is declined and cancelled
    /// on the order in the same transaction (its reservation released here, refunded as a
    /// cancellation is).
    public func pickUp(
        _ id: FulfillmentOrderID, code: String, taking: [(orderLine: Int, quantity: Int64)]? = nil, actor: String?
    ) async throws -> FulfillmentOrder {
        do {
            return try await withLocked(id) { db, fo, order, now in
                let before = fo
                let declined = try fo.pickUp(code: code, issued: fo.pickupCode, taking: taking)
                if !declined.isEmpty {
                    order = try await OrderStore.cancel(
                        db, order, lines: declined.map { OrderCancellation(line: $0.orderLine, quantity: $0.quantity) },
                        reason: "declined at pickup", actor: actor, at: now, within: before)
                }
                let units = fo.lines.map { line in
                    let open = before.lines.first { $0.orderLine == line.orderLine }.map { $0.quantity - $0.fulfilledQuantity } ?? 0
                    let declinedUnits = declined.first { $0.orderLine == line.orderLine }?.quantity ?? 0
                    return Shipment.Line(orderLine: line.orderLine, sku: line.sku, quantity: open - declinedUnits)
                }
                try await Self.fulfil(db, fo: fo, order: &order, units: units, reference: fo.id.rawValue, actor: actor, at: now)
                try await Self.saveStatus(db, fo, at: now)
                try EventLog.append(db, .fulfillmentPickedUp(fo), actor: actor, at: now)
                return fo
            }
        } catch let error as OrderlyError where error.fieldErrors.first?.field == "pickupCode" {
            let now = time.now
            try await database.transaction { db in
                guard let fo = try await Self.fetch(db, id) else { return }
                try EventLog.append(db, .pickupRefused(fo, reason: "wrong pickup code"), actor: actor, at: now)
            }
            throw error
        }
    }

    /// Units leave: stock at the location, allocations and the order lines move to fulfilled.
    static func fulfil(
        _ db: Transaction, fo: FulfillmentOrder, order: inout Order, units: [Shipment.Line], reference: String, actor: String?, at now: Date
    ) async throws {
        let policy = try await ChannelStore.fetch(db, order.channel)?.payments ?? PaymentPolicy()
        // The channel may ask the provider to capture what these units owe.
        if let amount = policy.capture(fulfilling: units.map { ($0.orderLine, $0.quantity) }, of: order) {
            try EventLog.append(
                db, .captureRequested(order, amount: amount, reason: "shipment", fulfillmentOrder: fo.id, reference: reference), actor: actor,
                at: now)
        }
        // The invoice for what these units (and, first of all, the shipping) cost.
        if policy.invoicing == .perShipment,
            let draft = Invoicing.invoice(
                fulfilling: units.map { ($0.orderLine, $0.quantity) }, of: order, fulfillmentOrder: fo.id,
                buyerEmail: try await CustomerStore.fetch(db, order.customerId)?.email, id: InvoiceStore.newID(), at: now,
                names: try await InvoiceStore.names(db, order))
        {
            _ = try await InvoiceStore.issue(db, draft, actor: actor)
        }
        for unit in units.sorted(by: { ($0.sku, $0.orderLine) < ($1.sku, $1.orderLine) }) where unit.quantity > 0 {
            try await StockLedger.consumeReserved(
                db, sku: unit.sku, location: fo.locationId, quantity: unit.quantity, reason: .shipment, reference: reference, actor: actor, at: now)
            try await db.raw(
                """
                UPDATE fulfillment_order_lines SET fulfilled_quantity = fulfilled_quantity + \(bind: unit.quantity)
                WHERE fulfillment_order_id = \(bind: fo.id.rawValue) AND order_line_no = \(bind: Int64(unit.orderLine))
                """
            ).run()
            try await Self.shrinkAllocation(db, order.id, line: unit.orderLine, location: fo.locationId, type: fo.type, units: unit.quantity)
            guard let index = order.lines.firstIndex(where: { $0.number == unit.orderLine }) else { continue }
            order.lines[index].fulfilledQuantity += unit.quantity
            order.lines[index].allocatedQuantity -= unit.quantity
        }
        try await OrderRows.saveProgress(db, order, at: now)
        if policy.invoicing == .perOrder { try await InvoiceStore.issueForOrder(db, order, actor: actor, at: now) }
    }

    static func shrinkAllocation(
        _ db: any SQLDatabase, _ order: OrderID, line: Int, location: LocationID, type: FulfillmentType, units: Int64
    ) async throws {
        try await db.raw(
            """
            UPDATE order_allocations SET quantity = quantity - \(bind: units), released = released - \(bind: units)
            WHERE order_id = \(bind: order.rawValue) AND line_no = \(bind: Int64(line)) AND location_id = \(bind: location.rawValue) AND type = \(bind: type.rawValue)
            """
        ).run()
    }

    static func saveStatus(_ db: any SQLDatabase, _ fo: FulfillmentOrder, at now: Date) async throws {
        try await db.raw(
            "UPDATE fulfillment_orders SET status = \(bind: fo.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: fo.id.rawValue)"
        ).run()
    }
}

/// What goes in a parcel (or on the pickup shelf) and where it goes.
public struct PackingSlip: Sendable {
    public var fulfillmentOrder: FulfillmentOrder
    public var order: Order
    public var customerName: String?
    /// Product names by sku.
    public var names: [SKU: String]
}
