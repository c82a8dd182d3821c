import Foundation
import OrderlyCore
import SQLKit

/// Fulfillment orders: the work lists routing produces for each location.
public struct FulfillmentOrderStore: Sendable {
    let database: Database
    let time: any TimeSource

    public func get(_ id: FulfillmentOrderID) async throws -> FulfillmentOrder {
        guard let fo = try await database.read({ db in try await Self.fetch(db, id) }) else {
            throw OrderlyError.notFound("Fulfillment order", id)
        }
        return fo
    }

    /// Fulfillment orders by id, of one order, one location (or any of `locationIds`) and status.
    public func list(
        orderId: OrderID?, locationId: LocationID?, locationIds: [LocationID]? = nil, status: FulfillmentOrder.Status?, after cursor: String?,
        limit: Int?
    ) async throws -> Page<FulfillmentOrder> {
        let size = try pageSize(limit)
        let items = try await database.read { db in
            var query = SQLQueryString("SELECT id FROM fulfillment_orders WHERE id > \(bind: cursor ?? "")")
            if let orderId { query.appendInterpolation(SQLQueryString(" AND order_id = \(bind: orderId.rawValue)")) }
            if let locationId { query.appendInterpolation(SQLQueryString(" AND location_id = \(bind: locationId.rawValue)")) }
            if let locationIds {
                query.appendInterpolation(
                    locationIds.isEmpty ? " AND 1 = 0" : SQLQueryString(" AND location_id IN (\(binds: locationIds.map(\.rawValue)))"))
            }
            if let status { query.appendInterpolation(SQLQueryString(" AND status = \(bind: status.rawValue)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            var result: [FulfillmentOrder] = []
            for row in try await db.raw(query).all() {
                if let fo = try await Self.fetch(db, FulfillmentOrderID(try row.string("id"))) { result.append(fo) }
            }
            return result
        }
        let page = Array(items.prefix(size))
        return Page(items: page, nextCursor: items.count > size ? page.last?.id.rawValue : nil)
    }

    static func forOrder(_ db: any SQLDatabase, _ order: OrderID) async throws -> [FulfillmentOrder] {
        var result: [FulfillmentOrder] = []
        for row in try await db.raw("SELECT id FROM fulfillment_orders WHERE order_id = \(bind: order.rawValue) ORDER BY created_at, id").all() {
            if let fo = try await fetch(db, FulfillmentOrderID(try row.string("id"))) { result.append(fo) }
        }
        return result
    }

    static func fetch(_ db: any SQLDatabase, _ id: FulfillmentOrderID, forUpdate: Bool = false) async throws -> FulfillmentOrder? {
        guard
            let row = try await db.raw(
                "SELECT order_id, location_id, type, status, created_at, pickup_code, rejection_reason FROM fulfillment_orders WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")"
            ).first()
        else {
            return nil
        }
        let lines = try await db.raw(
            "SELECT order_line_no, sku, quantity, fulfilled_quantity FROM fulfillment_order_lines WHERE fulfillment_order_id = \(bind: id.rawValue) ORDER BY order_line_no"
        ).all().map { row in
            FulfillmentOrder.Line(
                orderLine: Int(try row.int64("order_line_no")), sku: SKU(try row.string("sku")), quantity: try row.int64("quantity"),
                fulfilledQuantity: try row.int64("fulfilled_quantity"))
        }
        var fo = FulfillmentOrder(
            id: id, orderId: OrderID(try row.string("order_id")), locationId: LocationID(try row.string("location_id")),
            type: FulfillmentType(rawValue: try row.string("type")) ?? .ship,
            status: FulfillmentOrder.Status(rawValue: try row.string("status")) ?? .open, lines: lines, createdAt: try row.date("created_at"))
        fo.pickupCode = try row.optionalString("pickup_code")
        fo.rejectionReason = try row.optionalString("rejection_reason").flatMap(FulfillmentOrder.RejectionReason.init(rawValue:))
        fo.shipments = try await shipments(db, id)
        return fo
    }

    static func shipments(_ db: any SQLDatabase, _ id: FulfillmentOrderID) async throws -> [Shipment] {
        var result: [Shipment] = []
        for row in try await db.raw(
            "SELECT id, carrier, tracking_number, created_at, delivered_at FROM shipments WHERE fulfillment_order_id = \(bind: id.rawValue) ORDER BY created_at, id"
        ).all() {
            let shipmentId = try row.string("id")
            let lines = try await db.raw(
                "SELECT order_line_no, sku, quantity FROM shipment_lines WHERE shipment_id = \(bind: shipmentId) ORDER BY order_line_no"
            ).all().map {
                line in
                Shipment.Line(orderLine: Int(try line.int64("order_line_no")), sku: SKU(try line.string("sku")), quantity: try line.int64("quantity"))
            }
            var shipment = Shipment(
                id: shipmentId, carrier: try row.optionalString("carrier"), trackingNumber: try row.optionalString("tracking_number"),
                lines: lines, createdAt: try row.date("created_at"))
            shipment.deliveredAt = try row.optionalDate("delivered_at")
            result.append(shipment)
        }
        return result
    }

    /// Every line of an order's fulfillment orders that can still shrink (`OpenFulfillmentLine.statuses`).
    static func openLines(_ db: any SQLDatabase, _ order: OrderID) async throws -> [OpenFulfillmentLine] {
        try await db.raw(
            """
            SELECT f.id, f.location_id, f.type, f.created_at, fl.order_line_no, fl.quantity, fl.fulfilled_quantity
            FROM fulfillment_order_lines fl JOIN fulfillment_orders f ON f.id = fl.fulfillment_order_id
            WHERE f.order_id = \(bind: order.rawValue) AND f.status IN (\(binds: OpenFulfillmentLine.statuses.map(\.rawValue)))
            ORDER BY f.created_at DESC, f.id, fl.order_line_no
            """
        ).all().map { row in
            OpenFulfillmentLine(
                fulfillmentOrder: FulfillmentOrderID(try row.string("id")), location: LocationID(try row.string("location_id")),
                type: FulfillmentType(rawValue: try row.string("type")) ?? .ship, orderLine: Int(try row.int64("order_line_no")),
                quantity: try row.int64("quantity"), fulfilledQuantity: try row.int64("fulfilled_quantity"), createdAt: try row.date("created_at"))
        }
    }

    /// Takes units off fulfillment order lines, and cancels the fulfillment orders left empty.
    static func shrink(
        _ db: any SQLDatabase, _ lines: [(fulfillmentOrder: FulfillmentOrderID, orderLine: Int, quantity: Int64)],
        cancelling emptied: [FulfillmentOrderID], at now: Date
    ) async throws {
        for line in lines {
            try await db.raw(
                """
                UPDATE fulfillment_order_lines SET quantity = quantity - \(bind: line.quantity)
                WHERE fulfillment_order_id = \(bind: line.fulfillmentOrder.rawValue) AND order_line_no = \(bind: Int64(line.orderLine))
                """
            ).run()
        }
        guard !emptied.isEmpty else { return }
        try await db.raw(
            """
            UPDATE fulfillment_orders SET status = \(bind: FulfillmentOrder.Status.cancelled.rawValue), updated_at = \(bind: now.stored)
            WHERE id IN (\(binds: emptied.map(\.rawValue)))
            """
        ).run()
    }

    /// Inserts fulfillment orders and their lines: two statements however many there are
    /// (held back on PostgreSQL: `insertLater`).
    static func insert(_ db: Transaction, _ fos: [FulfillmentOrder]) async throws {
        guard !fos.isEmpty else { return }
        let orders = SQLQueryString.rows(fos) { fo in
            "\(bind: fo.id.rawValue), \(bind: fo.orderId.rawValue), \(bind: fo.locationId.rawValue), \(bind: fo.type.rawValue), \(bind: fo.status.rawValue), \(bind: fo.createdAt.stored), \(bind: fo.createdAt.stored)"
        }
        try await db.insertLater(into: "fulfillment_orders (id, order_id, location_id, type, status, created_at, updated_at)", values: orders)
        let lines = SQLQueryString.rows(fos.flatMap { fo in fo.lines.map { (fo.id, $0) } }) { id, line in
            "\(bind: id.rawValue), \(bind: Int64(line.orderLine)), \(bind: line.sku.rawValue), \(bind: line.quantity), \(bind: line.fulfilledQuantity)"
        }
        try await db.insertLater(
            into: "fulfillment_order_lines (fulfillment_order_id, order_line_no, sku, quantity, fulfilled_quantity)", values: lines)
    }

}
