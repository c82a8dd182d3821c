import Foundation
import OrderlyCore
import SQLKit

extension OrderStore {
    /// What `GET /v1/orders` filters by; every given filter must match.
    public struct Search: Sendable {
        public var q: String?
        public var channel: ChannelID?
        public var status: OrderStatus?
        public var customerId: CustomerID?
        public var sku: SKU?
        public var createdFrom: Date?
        public var createdTo: Date?
        public init(
            q: String? = nil, channel: ChannelID? = nil, status: OrderStatus? = nil, customerId: CustomerID? = nil, sku: SKU? = nil,
            createdFrom: Date? = nil, createdTo: Date? = nil
        ) {
            self.q = q
            self.channel = channel
            self.status = status
            self.customerId = customerId
            self.sku = sku
            self.createdFrom = createdFrom
            self.createdTo = createdTo
        }
    }

    public func get(_ id: OrderID) async throws -> Order {
        guard let order = try await database.read({ db in try await OrderRows.fetch(db, id) }) else {
            throw OrderlyError.notFound("Order", id)
        }
        return order
    }

    /// The order a channel sent under its own id.
    public func get(channel: ChannelID, externalId: String) async throws -> Order {
        guard let order = try await database.read({ db in try await OrderRows.fetch(db, channel: channel, externalId: externalId) }) else {
            throw OrderlyError.notFound("Order", "\(channel)/\(externalId)")
        }
        return order
    }

    /// An order with its fulfillment orders and its refunds.
    public struct Detail: Sendable {
        public var order: Order
        public var fulfillmentOrders: [FulfillmentOrder]
        public var refundPending: Int64
        public var refunded: Int64
        /// Incoming supply promised to its waiting units.
        public var promises: [SupplyPromise] = []
    }

    public func detail(_ id: OrderID) async throws -> Detail {
        try await database.read { db in
            guard let order = try await OrderRows.fetch(db, id) else { throw OrderlyError.notFound("Order", id) }
            let refunds = try await ReturnStore.refundTotals(db, id)
            let waits = order.lines.contains { $0.backorderedQuantity > 0 }
            return Detail(
                order: order, fulfillmentOrders: try await FulfillmentOrderStore.forOrder(db, id), refundPending: refunds.pending,
                refunded: refunds.refunded, promises: waits ? try await SupplyStore.promises(db, of: id) : [])
        }
    }

    /// Orders newest first. The cursor is the last order's (created_at, id).
    public func search(_ search: Search, after cursor: String?, limit: Int?) async throws -> Page<OrderSummary> {
        let size = try pageSize(limit)
        let after = try cursor.map(Self.decodeCursor)
        let text = search.q?.trimmingCharacters(in: .whitespaces).lowercased()
        // Free text is searched unprepared: the best plan for `LIKE '%…%'` depends on the
        // pattern, and a prepared statement may get a generic plan blind to it (at a million
        // orders PostgreSQL's generic plan walked the orders by date instead of asking the
        // trigram index: 0.36 s instead of 3 ms).
        let rows = try await database.read(prepared: (text ?? "").isEmpty) { db in
            var query = SQLQueryString("SELECT \(OrderSummary.columns) FROM orders o WHERE 1 = 1")
            if let q = text, !q.isEmpty {
                query.appendInterpolation(SQLQueryString(" AND \(SQLQueryString.contains("o.search", q))"))
            }
            if let channel = search.channel { query.appendInterpolation(SQLQueryString(" AND o.channel_id = \(bind: channel.rawValue)")) }
            if let status = search.status { query.appendInterpolation(SQLQueryString(" AND o.status = \(bind: status.rawValue)")) }
            if let customer = search.customerId { query.appendInterpolation(SQLQueryString(" AND o.customer_id = \(bind: customer.rawValue)")) }
            if let sku = search.sku {
                query.appendInterpolation(
                    SQLQueryString(
                        " AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku = \(bind: sku.rawValue))"))
            }
            if let from = search.createdFrom { query.appendInterpolation(SQLQueryString(" AND o.created_at >= \(bind: from.stored)")) }
            if let to = search.createdTo { query.appendInterpolation(SQLQueryString(" AND o.created_at < \(bind: to.stored)")) }
            if let after {
                query.appendInterpolation(SQLQueryString(" AND (o.created_at, o.id) < (\(bind: after.createdAt), \(bind: after.id))"))
            }
            query.appendInterpolation(SQLQueryString(" ORDER BY o.created_at DESC, o.id DESC LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let items = try rows.prefix(size).map(OrderSummary.init)
        let next = rows.count > size ? items.last.map { "\($0.createdAt.stored):\($0.id.rawValue)" } : nil
        return Page(items: items, nextCursor: next)
    }

    /// The orders a counter look-up names exactly (`OrderLookup`): by id, number, the channel's
    /// external id, or the email or phone of the customer's profile; newest first, at most `limit`.
    public func lookUp(_ lookup: OrderLookup, limit: Int = 20) async throws -> [OrderSummary] {
        try await database.read { db in
            var query = SQLQueryString(
                "SELECT \(OrderSummary.columns) FROM orders o WHERE (o.id = \(bind: lookup.text) OR o.external_id = \(bind: lookup.text)")
            if let number = lookup.number { query.appendInterpolation(SQLQueryString(" OR o.number = \(bind: number)")) }
            if let email = lookup.email {
                query.appendInterpolation(
                    SQLQueryString(" OR o.customer_id IN (SELECT COALESCE(merged_into, id) FROM customers WHERE email_key = \(bind: email))"))
            }
            if let phone = lookup.phone {
                query.appendInterpolation(
                    SQLQueryString(" OR o.customer_id IN (SELECT COALESCE(merged_into, id) FROM customers WHERE phone_key = \(bind: phone))"))
            }
            query.appendInterpolation(SQLQueryString(") ORDER BY o.created_at DESC, o.id DESC LIMIT \(literal: max(1, min(limit, 100)))"))
            return try await db.raw(query).all().map(OrderSummary.init)
        }
    }

    /// The order's timeline: every event about it, oldest first.
    public func timeline(_ id: OrderID, after: Int64?, limit: Int?) async throws -> Page<StoredEvent> {
        _ = try await get(id)
        return try await EventLog(database: database).list(after: after, limit: limit ?? Limits.maxPageSize, subject: EventSubject.order(id).text)
    }

    private static func decodeCursor(_ cursor: String) throws(OrderlyError) -> (createdAt: Int64, id: String) {
        let parts = cursor.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let createdAt = Int64(parts[0]) else {
            throw OrderlyError.invalid("cursor", "is not a cursor this list returned")
        }
        return (createdAt, String(parts[1]))
    }
}

extension OrderStore {
    /// Every order created in `[since, until)`, oldest first, handed to `emit` a batch at a
    /// time (so an export of any size runs in bounded memory).
    public func export(since: Date, until: Date?, batchSize: Int = 500, _ emit: ([Order]) async throws -> Void) async throws {
        var after: (createdAt: Int64, id: String) = (since.stored, "")
        let end = (until ?? .distantFuture).stored
        while true {
            let position = after
            let batch = try await database.read { db in
                let rows = try await db.raw(
                    """
                    SELECT \(OrderRows.columns) FROM orders
                    WHERE (created_at > \(bind: position.createdAt) OR (created_at = \(bind: position.createdAt) AND id > \(bind: position.id)))
                      AND created_at < \(bind: end)
                    ORDER BY created_at, id LIMIT \(literal: batchSize)
                    """
                ).all()
                var orders: [Order] = []
                for row in rows { orders.append(try await OrderRows.decode(db, row)) }
                return orders
            }
            guard let last = batch.last else { return }
            try await emit(batch)
            after = (last.createdAt.stored, last.id.rawValue)
            if batch.count < batchSize { return }
        }
    }
}

extension OrderStore {
    /// What the back office's dashboard shows: orders since a moment by channel and status,
    /// and how many wait for stock or sit on hold (whenever placed).
    public struct Dashboard: Sendable {
        public var byChannel: [ChannelID: [OrderStatus: Int]]
        public var awaitingStock: Int
        public var onHold: Int
    }

    public func dashboard(since: Date) async throws -> Dashboard {
        try await database.read { db in
            var dashboard = Dashboard(byChannel: [:], awaitingStock: 0, onHold: 0)
            for row in try await db.raw(
                "SELECT channel_id, status, COUNT(*) AS n FROM orders WHERE created_at >= \(bind: since.stored) GROUP BY channel_id, status"
            ).all() {
                guard let status = OrderStatus(rawValue: try row.string("status")) else { continue }
                dashboard.byChannel[ChannelID(try row.string("channel_id")), default: [:]][status] = Int(try row.int64("n"))
            }
            for row in try await db.raw(
                "SELECT status, COUNT(*) AS n FROM orders WHERE status IN (\(binds: [OrderStatus.awaitingStock, OrderStatus.onHold].map(\.rawValue))) GROUP BY status"
            ).all() {
                if try row.string("status") == "awaiting_stock" {
                    dashboard.awaitingStock = Int(try row.int64("n"))
                } else {
                    dashboard.onHold = Int(try row.int64("n"))
                }
            }
            return dashboard
        }
    }
}
