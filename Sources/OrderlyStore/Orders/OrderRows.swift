import Foundation
import OrderlyCore
import SQLKit

/// Reading and writing an order's rows: the order, its lines and its holds. The order's
/// status column is always written from `Order.status` (Core), in the same statement that
/// changes what it is derived from.
enum OrderRows {
    static func fetch(_ db: any SQLDatabase, _ id: OrderID, forUpdate: Bool = false) async throws -> Order? {
        guard let row = try await db.raw("SELECT \(Self.columns) FROM orders WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")").first()
        else {
            return nil
        }
        return try await decode(db, row)
    }

    static func fetch(_ db: any SQLDatabase, channel: ChannelID, externalId: String) async throws -> Order? {
        guard
            let row = try await db.raw(
                "SELECT \(Self.columns) FROM orders WHERE channel_id = \(bind: channel.rawValue) AND external_id = \(bind: externalId)"
            ).first()
        else { return nil }
        return try await decode(db, row)
    }

    static func fetch(_ db: any SQLDatabase, requestKey: String) async throws -> Order? {
        guard let row = try await db.raw("SELECT \(Self.columns) FROM orders WHERE request_key = \(bind: requestKey)").first() else { return nil }
        return try await decode(db, row)
    }

    /// The columns of `orders` that `decode` reads.
    static let columns: SQLQueryString = """
        id, number, channel_id, external_id, customer_id, currency, subtotal, shipping, discount, shipping_address, latitude, \
        longitude, tags, created_at
        """
    /// The columns of `order_lines` that `line(_:)` reads.
    static let lineColumns: [String] = [
        "line_no", "sku", "quantity", "unit_price", "pickup_location_id", "carry_out", "allocated", "backordered", "fulfilled", "cancelled",
        "returned",
    ]

    /// One order line from a row with `lineColumns`.
    static func line(_ row: any SQLRow) throws -> OrderLine {
        var line = OrderLine(
            number: Int(try row.int64("line_no")), sku: SKU(try row.string("sku")), quantity: try row.int64("quantity"),
            unitPrice: try row.int64("unit_price"),
            delivery: try row.optionalString("pickup_location_id").map {
                try row.bool("carry_out") ? .carryOut(LocationID($0)) : .pickup(LocationID($0))
            } ?? .ship)
        line.allocatedQuantity = try row.int64("allocated")
        line.backorderedQuantity = try row.int64("backordered")
        line.fulfilledQuantity = try row.int64("fulfilled")
        line.cancelledQuantity = try row.int64("cancelled")
        line.returnedQuantity = try row.int64("returned")
        return line
    }

    static func decode(_ db: any SQLDatabase, _ row: any SQLRow) async throws -> Order {
        let id = OrderID(try row.string("id"))
        let lines = try await db.raw(
            "SELECT \(SQLQueryString.columns(lineColumns)) FROM order_lines WHERE order_id = \(bind: id.rawValue) ORDER BY line_no"
        ).all().map(line)
        let holds = try await db.raw(
            "SELECT hold_id, reason, source FROM order_holds WHERE order_id = \(bind: id.rawValue) ORDER BY created_at, hold_id"
        ).all().map {
            row in
            Hold(id: try row.string("hold_id"), reason: try row.string("reason"), source: Hold.Source(rawValue: try row.string("source")) ?? .manual)
        }
        let latitude = try row.decode(column: "latitude", as: Double?.self)
        let longitude = try row.decode(column: "longitude", as: Double?.self)
        return Order(
            id: id, number: try row.string("number"), channel: ChannelID(try row.string("channel_id")),
            externalId: try row.optionalString("external_id"), customerId: CustomerID(try row.string("customer_id")),
            currency: CurrencyCode(try row.string("currency")),
            totals: OrderTotals(subtotal: try row.int64("subtotal"), shipping: try row.int64("shipping"), discount: try row.int64("discount")),
            shippingAddress: try row.optionalString("shipping_address").map { try StoredJSON.decode(Address.self, from: $0) },
            coordinates: latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } },
            lines: lines, holds: holds, tags: try row.json("tags", as: [String].self), createdAt: try row.date("created_at"))
    }

    /// Inserts a new order with its lines and holds (held back on PostgreSQL: `insertLater`).
    static func insert(_ db: Transaction, _ order: Order, customer: CustomerDetails, requestKey: String?, at now: Date) async throws {
        let search = [order.number, order.externalId, customer.normalizedEmail, customer.name, customer.phone, customer.normalizedPhone]
            .compactMap { $0?.lowercased() }.joined(separator: " ")
        try await db.insertLater(
            into: """
                orders (id, number, channel_id, external_id, customer_id, currency, subtotal, shipping, discount, total,
                    shipping_address, latitude, longitude, tags, status, search, created_at, updated_at, request_key)
                """,
            values: """
                (\(bind: order.id.rawValue), \(bind: order.number), \(bind: order.channel.rawValue), \(bind: order.externalId),
                \(bind: order.customerId.rawValue), \(bind: order.currency.rawValue), \(bind: order.totals.subtotal),
                \(bind: order.totals.shipping), \(bind: order.totals.discount), \(bind: order.totals.total),
                \(bind: try order.shippingAddress.map(StoredJSON.encode)), \(bind: order.coordinates?.latitude),
                \(bind: order.coordinates?.longitude), \(bind: try StoredJSON.encode(order.tags)), \(bind: order.status.rawValue),
                \(bind: search), \(bind: order.createdAt.stored), \(bind: now.stored), \(bind: requestKey))
                """)
        let lines = SQLQueryString.rows(order.lines) { line in
            "\(bind: order.id.rawValue), \(bind: Int64(line.number)), \(bind: line.sku.rawValue), \(bind: line.quantity), \(bind: line.unitPrice), \(bind: line.delivery.storeLocation?.rawValue), \(bind: line.delivery.storeFulfillment == .carryOut), \(bind: line.allocatedQuantity), \(bind: line.backorderedQuantity)"
        }
        try await db.insertLater(
            into: "order_lines (order_id, line_no, sku, quantity, unit_price, pickup_location_id, carry_out, allocated, backordered)", values: lines)
        for hold in order.holds { try await insertHold(db, order.id, hold, at: now) }
    }

    static func insertHold(_ db: Transaction, _ order: OrderID, _ hold: Hold, at now: Date) async throws {
        try await db.insertLater(
            into: "order_holds (order_id, hold_id, reason, source, created_at)",
            values: "(\(bind: order.rawValue), \(bind: hold.id), \(bind: hold.reason), \(bind: hold.source.rawValue), \(bind: now.stored))")
    }

    /// Writes every line's quantities and the order's derived status.
    static func saveProgress(_ db: any SQLDatabase, _ order: Order, at now: Date) async throws {
        let lines = SQLQueryString.rows(order.lines) { line in
            "\(bind: Int64(line.number)), \(bind: line.allocatedQuantity), \(bind: line.backorderedQuantity), \(bind: line.fulfilledQuantity), \(bind: line.cancelledQuantity), \(bind: line.returnedQuantity)"
        }
        try await db.raw(
            """
            UPDATE order_lines SET allocated = v.column2, backordered = v.column3, fulfilled = v.column4, cancelled = v.column5, returned = v.column6
            FROM (VALUES \(lines)) AS v WHERE order_lines.order_id = \(bind: order.id.rawValue) AND order_lines.line_no = v.column1
            """
        ).run()
        try await saveStatus(db, order, at: now)
    }

    static func saveStatus(_ db: any SQLDatabase, _ order: Order, at now: Date) async throws {
        try await db.raw(
            "UPDATE orders SET status = \(bind: order.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: order.id.rawValue)"
        ).run()
    }

    /// The next human order number: a sequence on PostgreSQL (no hot row), a counter row under
    /// SQLite's single writer.
    static func nextNumber(_ db: any SQLDatabase) async throws -> String {
        guard let number = try await nextNumbers(db, count: 1).first else { throw OrderlyError.conflict("No order number was drawn") }
        return number
    }

    /// `count` new order numbers, ascending, with one statement.
    static func nextNumbers(_ db: any SQLDatabase, count: Int) async throws -> [String] {
        guard count > 0 else { return [] }
        if db.engine == .postgres {
            let rows = try await db.raw("SELECT nextval('order_number_seq') AS n FROM generate_series(1, \(bind: Int64(count)))").all()
            return try rows.map { try $0.int64("n") }.sorted().map(Order.number)
        }
        let row = try await db.raw(
            """
            INSERT INTO counters (name, value) VALUES ('order_number', \(bind: Int64(count)))
            ON CONFLICT (name) DO UPDATE SET value = counters.value + \(bind: Int64(count)) RETURNING value
            """
        ).first()
        let last = try row?.int64("value") ?? 0
        return (last - Int64(count) + 1...last).map(Order.number)
    }
}
