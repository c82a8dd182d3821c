import Foundation
import OrderlyCore
import SQLKit

/// Reading and writing an order's rows: the order, its lines and its holds. The order's
/// status column is always written from `Order.status` (Core), in the same statement that
/// changes what it is derived from.
enum OrderRows {
    static func fetch(_ db: any SQLDatabase, _ id: OrderID, forUpdate: Bool = false) async throws -> Order? {
        try await fetch(db, id, lock: forUpdate ? db.forUpdate : "")
    }

    /// The order with its row locked by `lock` (`FOR UPDATE`, `FOR UPDATE SKIP LOCKED`, or
    /// nothing); nil when there is none (or it is locked and skipped).
    static func fetch(_ db: any SQLDatabase, _ id: OrderID, lock: SQLQueryString) async throws -> Order? {
        guard let row = try await db.raw("SELECT \(Self.columns) FROM orders WHERE id = \(bind: id.rawValue)\(lock)").first() else { return nil }
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
        id, number, channel_id, external_id, customer_id, currency, subtotal, shipping, discount, tax_total, total, shipping_address, \
        latitude, longitude, tags, created_at, discounts, shipping_lines, billing_address, authorized_amount, captured_amount, voided_amount, \
        refunded_amount, refunds_requested, attributes, risk_score, workflow, routing_strategy
        """
    /// The columns of `order_lines` that `line(_:)` reads.
    static let lineColumns: [String] = [
        "line_no", "sku", "quantity", "unit_price", "pickup_location_id", "carry_out", "allocated", "backordered", "fulfilled", "cancelled",
        "returned", "discounts", "order_discount", "taxes",
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
        line.discounts = try row.json("discounts", as: [Discount].self)
        line.orderDiscount = try row.int64("order_discount")
        line.taxes = try row.json("taxes", as: [Tax].self)
        return line
    }

    static func decode(_ db: any SQLDatabase, _ row: any SQLRow) async throws -> Order {
        let id = OrderID(try row.string("id"))
        let lines = try await db.raw(
            "SELECT \(SQLQueryString.columns(lineColumns)) FROM order_lines WHERE order_id = \(bind: id.rawValue) ORDER BY line_no"
        ).all().map(line)
        let holds = try await db.raw(
            "SELECT hold_id, reason, source FROM order_holds WHERE order_id = \(bind: id.rawValue) ORDER BY created_at, hold_id"
        ).all().map(hold)
        return try decode(row, lines: lines, holds: holds)
    }

    /// Several orders with three statements in all, not three each (background work that reads
    /// many orders at once).
    static func fetch(_ db: any SQLDatabase, ids: some Collection<OrderID>) async throws -> [OrderID: Order] {
        guard !ids.isEmpty else { return [:] }
        let keys = Set(ids).map(\.rawValue)
        var lines: [String: [OrderLine]] = [:]
        for row in try await db.raw(
            "SELECT order_id, \(SQLQueryString.columns(lineColumns)) FROM order_lines WHERE order_id IN (\(binds: keys)) ORDER BY order_id, line_no"
        ).all() {
            lines[try row.string("order_id"), default: []].append(try line(row))
        }
        var holds: [String: [Hold]] = [:]
        for row in try await db.raw(
            "SELECT order_id, hold_id, reason, source FROM order_holds WHERE order_id IN (\(binds: keys)) ORDER BY order_id, created_at, hold_id"
        ).all() {
            holds[try row.string("order_id"), default: []].append(try hold(row))
        }
        var orders: [OrderID: Order] = [:]
        for row in try await db.raw("SELECT \(Self.columns) FROM orders WHERE id IN (\(binds: keys))").all() {
            let id = try row.string("id")
            orders[OrderID(id)] = try decode(row, lines: lines[id] ?? [], holds: holds[id] ?? [])
        }
        return orders
    }

    static func hold(_ row: any SQLRow) throws -> Hold {
        Hold(id: try row.string("hold_id"), reason: try row.string("reason"), source: Hold.Source(rawValue: try row.string("source")) ?? .manual)
    }

    /// An order from its row, its lines and its holds.
    static func decode(_ row: any SQLRow, lines: [OrderLine], holds: [Hold]) throws -> Order {
        let id = OrderID(try row.string("id"))
        let latitude = try row.decode(column: "latitude", as: Double?.self)
        let longitude = try row.decode(column: "longitude", as: Double?.self)
        var order = Order(
            id: id, number: try row.string("number"), channel: ChannelID(try row.string("channel_id")),
            externalId: try row.optionalString("external_id"), customerId: CustomerID(try row.string("customer_id")),
            currency: CurrencyCode(try row.string("currency")),
            totals: OrderTotals(
                subtotal: try row.int64("subtotal"), discountTotal: try row.int64("discount"), taxTotal: try row.int64("tax_total"),
                shippingTotal: try row.int64("shipping"), total: try row.int64("total")),
            shippingAddress: try row.optionalString("shipping_address").map { try StoredJSON.decode(Address.self, from: $0) },
            coordinates: latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } },
            lines: lines, holds: holds, tags: try row.json("tags", as: [String].self), createdAt: try row.date("created_at"))
        order.discounts = try row.json("discounts", as: [Discount].self)
        order.shippingLines = try row.json("shipping_lines", as: [ShippingLine].self)
        order.billingAddress = try row.optionalString("billing_address").map { try StoredJSON.decode(Address.self, from: $0) }
        order.payments = PaymentTotals(
            authorized: try row.int64("authorized_amount"), captured: try row.int64("captured_amount"), voided: try row.int64("voided_amount"),
            refunded: try row.int64("refunded_amount"))
        order.refundsRequested = try row.int64("refunds_requested")
        let attributes = try row.string("attributes")
        order.attributes = attributes == "{}" ? [:] : try StoredJSON.decode([String: String].self, from: attributes)
        order.riskScore = try row.optionalInt64("risk_score")
        order.routingStrategy = try row.optionalString("routing_strategy")
        order.workflow = try row.optionalString("workflow").map { try StoredJSON.decode(OrderWorkflow.self, from: $0) }
        return order
    }

    /// JSON for a list that is most often empty, without an encoder for the empty case.
    static func json<T: Encodable>(_ list: [T]) throws -> String { list.isEmpty ? "[]" : try StoredJSON.encode(list) }

    /// Spreads the discount of every order placed before order-level discounts had shares over
    /// its lines, by the same rule new orders follow (`Money.spread`, by the lines' value).
    static func spreadDiscountsOfEarlierOrders(_ db: any SQLDatabase) async throws {
        let orders = try await db.raw("SELECT id, discount FROM orders WHERE discount > 0").all()
        for row in orders {
            let id = try row.string("id")
            let lines = try await db.raw(
                "SELECT line_no, quantity, unit_price FROM order_lines WHERE order_id = \(bind: id) ORDER BY line_no"
            ).all().map { (try $0.int64("line_no"), try $0.int64("quantity") * $0.int64("unit_price")) }
            let worth = lines.reduce(0) { $0 + $1.1 }
            let discount = min(try row.int64("discount"), worth)
            for (line, share) in zip(lines, Money.spread(discount, over: lines.map(\.1))) where share > 0 {
                try await db.raw(
                    "UPDATE order_lines SET order_discount = \(bind: share) WHERE order_id = \(bind: id) AND line_no = \(bind: line.0)"
                ).run()
            }
        }
    }

    /// Inserts a new order with its lines and holds (held back on PostgreSQL: `insertLater`).
    static func insert(_ db: Transaction, _ order: Order, customer: CustomerDetails, requestKey: String?, at now: Date) async throws {
        let search = [order.number, order.externalId, customer.normalizedEmail, customer.name, customer.phone, customer.normalizedPhone]
            .compactMap { $0?.lowercased() }.joined(separator: " ")
        try await db.insertLater(
            into: """
                orders (id, number, channel_id, external_id, customer_id, currency, subtotal, shipping, discount, tax_total, total,
                    shipping_address, latitude, longitude, tags, status, search, created_at, updated_at, request_key, discounts,
                    shipping_lines, billing_address, payment_status, attributes, risk_score, workflow, stage_due, workflow_stage,
                    routing_strategy)
                """,
            values: """
                (\(bind: order.id.rawValue), \(bind: order.number), \(bind: order.channel.rawValue), \(bind: order.externalId),
                \(bind: order.customerId.rawValue), \(bind: order.currency.rawValue), \(bind: order.totals.subtotal),
                \(bind: order.totals.shippingTotal), \(bind: order.totals.discountTotal), \(bind: order.totals.taxTotal),
                \(bind: order.totals.total),
                \(bind: try order.shippingAddress.map(StoredJSON.encode)), \(bind: order.coordinates?.latitude),
                \(bind: order.coordinates?.longitude), \(bind: try StoredJSON.encode(order.tags)), \(bind: order.status.rawValue),
                \(bind: search), \(bind: order.createdAt.stored), \(bind: now.stored), \(bind: requestKey),
                \(bind: try json(order.discounts)), \(bind: try json(order.shippingLines)),
                \(bind: try order.billingAddress.map(StoredJSON.encode)), \(bind: order.paymentStatus.rawValue),
                \(bind: order.attributes.isEmpty ? "{}" : try StoredJSON.encode(order.attributes)), \(bind: order.riskScore),
                \(bind: try order.workflow.map(StoredJSON.encode)), \(bind: order.workflow?.due?.stored), \(bind: order.workflow?.stage),
                \(bind: order.routingStrategy))
                """)
        try await insertLines(db, order.id, order.lines)
        for hold in order.holds { try await insertHold(db, order.id, hold, at: now) }
    }

    /// Inserts new lines of an order with their allocated and backordered units.
    static func insertLines(_ db: Transaction, _ order: OrderID, _ lines: [OrderLine]) async throws {
        guard !lines.isEmpty else { return }
        let money = try lines.map { (discounts: try json($0.discounts), taxes: try json($0.taxes)) }
        let rows = SQLQueryString.rows(Array(zip(lines, money))) { line, money in
            "\(bind: order.rawValue), \(bind: Int64(line.number)), \(bind: line.sku.rawValue), \(bind: line.quantity), \(bind: line.unitPrice), \(bind: line.delivery.storeLocation?.rawValue), \(bind: line.delivery.storeFulfillment == .carryOut), \(bind: line.allocatedQuantity), \(bind: line.backorderedQuantity), \(bind: money.discounts), \(bind: line.orderDiscount), \(bind: money.taxes)"
        }
        try await db.insertLater(
            into: """
                order_lines (order_id, line_no, sku, quantity, unit_price, pickup_location_id, carry_out, allocated, backordered, discounts,
                    order_discount, taxes)
                """, values: rows)
    }

    /// Writes lines whose units grew (quantity and taxes) and the order's totals.
    static func saveGrowth(_ db: any SQLDatabase, _ order: Order, lines: [OrderLine], at now: Date) async throws {
        for line in lines {
            try await db.raw(
                """
                UPDATE order_lines SET quantity = \(bind: line.quantity), taxes = \(bind: try json(line.taxes))
                WHERE order_id = \(bind: order.id.rawValue) AND line_no = \(bind: Int64(line.number))
                """
            ).run()
        }
        let totals = order.totals
        try await db.raw(
            """
            UPDATE orders SET subtotal = \(bind: totals.subtotal), shipping = \(bind: totals.shippingTotal), discount = \(bind: totals.discountTotal),
                tax_total = \(bind: totals.taxTotal), total = \(bind: totals.total), updated_at = \(bind: now.stored)
            WHERE id = \(bind: order.id.rawValue)
            """
        ).run()
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

    /// Writes the sums of the order's payment transactions and the statuses derived from them.
    static func savePayments(_ db: any SQLDatabase, _ order: Order, at now: Date) async throws {
        try await db.raw(
            """
            UPDATE orders SET authorized_amount = \(bind: order.payments.authorized), captured_amount = \(bind: order.payments.captured),
                voided_amount = \(bind: order.payments.voided), refunded_amount = \(bind: order.payments.refunded),
                payment_status = \(bind: order.paymentStatus.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: order.id.rawValue)
            """
        ).run()
    }

    static func saveStatus(_ db: any SQLDatabase, _ order: Order, at now: Date) async throws {
        try await db.raw(
            """
            UPDATE orders SET status = \(bind: order.status.rawValue), payment_status = \(bind: order.paymentStatus.rawValue),
                updated_at = \(bind: now.stored) WHERE id = \(bind: order.id.rawValue)
            """
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
