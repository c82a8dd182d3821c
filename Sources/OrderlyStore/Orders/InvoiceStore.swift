import Foundation
import OrderlyCore
import SQLKit

/// Invoices and credit notes: issued inside the transaction of the shipment or return they
/// are for, numbered without gaps per series, read by order or in pages for accounting.
public struct InvoiceStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Numbers and stores `draft` (its `number` empty) in the caller's transaction. The number
    /// comes from the series' row, updated in this transaction: concurrent issues in one series
    /// wait for each other, and a rollback gives the number back, so the series has no gaps.
    static func issue(_ db: Transaction, _ draft: Invoice, actor: String?) async throws -> Invoice {
        var invoice = draft
        let series = Invoice.series(invoice.kind, at: invoice.issuedAt)
        guard
            let sequence = try await db.raw(
                """
                INSERT INTO number_series (series, last) VALUES (\(bind: series), 1)
                ON CONFLICT (series) DO UPDATE SET last = number_series.last + 1 RETURNING last
                """
            ).first()?.int64("last")
        else { throw OrderlyError.conflict("No number was drawn in series \(series)") }
        invoice.number = Invoice.number(series: series, sequence: sequence)
        try await db.raw(
            """
            INSERT INTO invoices (id, number, series, sequence, kind, order_id, fulfillment_order_id, return_id, currency, total, tax_total,
                document, issued_at)
            VALUES (\(bind: invoice.id.rawValue), \(bind: invoice.number), \(bind: series), \(bind: sequence), \(bind: invoice.kind.rawValue),
                \(bind: invoice.orderId.rawValue), \(bind: invoice.fulfillmentOrderId?.rawValue), \(bind: invoice.returnId?.rawValue),
                \(bind: invoice.currency.rawValue), \(bind: invoice.total), \(bind: invoice.taxTotal), \(bind: try StoredJSON.encode(invoice)),
                \(bind: invoice.issuedAt.stored))
            """
        ).run()
        try EventLog.append(db, .invoiceIssued(invoice), actor: actor, at: invoice.issuedAt)
        return invoice
    }

    static func newID() -> InvoiceID { InvoiceID("inv_" + Token.random(bytes: 10)) }

    /// Every invoice and credit note of an order, as issued.
    static func documents(_ db: any SQLDatabase, of orderId: OrderID) async throws -> [Invoice] {
        try await db.raw("SELECT document FROM invoices WHERE order_id = \(bind: orderId.rawValue) ORDER BY issued_at, id").all().map {
            try StoredJSON.decode(Invoice.self, from: try $0.string("document"))
        }
    }

    /// The product names of an order's skus, for its documents' lines.
    static func names(_ db: any SQLDatabase, _ order: Order) async throws -> [SKU: String] {
        try await ProductStore.fetch(db, skus: order.lines.map(\.sku)).mapValues(\.name)
    }

    /// Issues the one invoice of an order its channel invoices whole, once nothing of it is
    /// left to fulfil (`Invoicing.orderInvoice`); nothing before, or when it is issued.
    static func issueForOrder(_ db: Transaction, _ order: Order, actor: String?, at now: Date) async throws {
        guard !order.hasOpenUnits else { return }
        if let draft = Invoicing.orderInvoice(
            order, documents: try await documents(db, of: order.id), buyerEmail: try await CustomerStore.fetch(db, order.customerId)?.email,
            id: newID(), at: now, names: try await names(db, order))
        {
            _ = try await issue(db, draft, actor: actor)
        }
    }

    public func get(_ id: InvoiceID) async throws -> Invoice {
        guard
            let text = try await database.read({ db in
                try await db.raw("SELECT document FROM invoices WHERE id = \(bind: id.rawValue)").first()?.string("document")
            })
        else { throw OrderlyError.notFound("Invoice", id) }
        return try StoredJSON.decode(Invoice.self, from: text)
    }

    /// Invoices and credit notes, oldest first; of one order, or issued since a moment.
    public func list(orderId: OrderID?, since: Date? = nil, after cursor: String?, limit: Int?) async throws -> Page<Invoice> {
        let size = try pageSize(limit)
        let rows = try await database.read { db in
            var query = SQLQueryString("SELECT id, document FROM invoices WHERE id > \(bind: cursor ?? "")")
            if let orderId { query.appendInterpolation(SQLQueryString(" AND order_id = \(bind: orderId.rawValue)")) }
            if let since { query.appendInterpolation(SQLQueryString(" AND issued_at >= \(bind: since.stored)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let items = try rows.prefix(size).map { try StoredJSON.decode(Invoice.self, from: try $0.string("document")) }
        return Page(items: items, nextCursor: rows.count > size ? items.last?.id.rawValue : nil)
    }

    /// Every document issued in `[since, until)`, by number within series, in batches.
    public func export(since: Date, until: Date?, _ batch: ([Invoice]) throws -> Void) async throws {
        var after = (issued: since.stored - 1, id: "")
        while true {
            let from = after
            let rows = try await database.read { db in
                try await db.raw(
                    """
                    SELECT id, issued_at, document FROM invoices
                    WHERE (issued_at > \(bind: from.issued) OR (issued_at = \(bind: from.issued) AND id > \(bind: from.id)))
                        AND issued_at >= \(bind: since.stored) AND issued_at < \(bind: (until ?? .distantFuture).stored)
                    ORDER BY issued_at, id LIMIT 500
                    """
                ).all()
            }
            guard let last = rows.last else { return }
            after = (try last.int64("issued_at"), try last.string("id"))
            try batch(try rows.map { try StoredJSON.decode(Invoice.self, from: try $0.string("document")) })
        }
    }

    /// The sales report of the documents issued in `[from, to)` (`SalesReport`).
    public func sales(from: Date, to: Date, by grouping: SalesReport.Grouping) async throws -> SalesReport {
        var v = Validator()
        v.check(from < to, "from", "must be before to")
        v.check(to.timeIntervalSince(from) <= 366 * 86_400, "to", "a report covers at most 366 days")
        try v.validate()
        let documents = try await database.read { db in
            try await db.raw(
                """
                SELECT i.document, o.channel_id, COALESCE(f.location_id, r.location_id) AS location_id
                FROM invoices i JOIN orders o ON o.id = i.order_id
                LEFT JOIN fulfillment_orders f ON f.id = i.fulfillment_order_id LEFT JOIN returns r ON r.id = i.return_id
                WHERE i.issued_at >= \(bind: from.stored) AND i.issued_at < \(bind: to.stored)
                """
            ).all().map { row in
                SalesReport.Document(
                    invoice: try StoredJSON.decode(Invoice.self, from: try row.string("document")), channel: ChannelID(try row.string("channel_id")),
                    location: try row.optionalString("location_id").map(LocationID.init))
            }
        }
        return SalesReport(documents, by: grouping)
    }
}
