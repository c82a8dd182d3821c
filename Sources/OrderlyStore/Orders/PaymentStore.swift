import Foundation
import OrderlyCore
import SQLKit

/// An order's payment transactions. Recording one locks the order's row, reads its
/// transactions, lets Core decide (`PaymentRecording`) and writes the transaction, the order's
/// sums and status and the event in one transaction: two captures at the same time cannot
/// both take the same authorized money.
public struct PaymentStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Records a transaction reported for an order: `.record` a new one, `.replay` the same step
    /// reported again (nothing changes), `.settle` a pending one now succeeded or failed.
    public func record(
        _ report: PaymentRecording.Report, on orderId: OrderID, actor: String?
    ) async throws -> (outcome: PaymentRecording.Outcome, order: Order) {
        try report.validate()
        do {
            return try await record(report, on: orderId, actor: actor, at: time.now)
        } catch  where database.driver.isUniqueViolation(error) {
            // The same reference went in at the same time for another order: read it and answer as it says.
            return try await record(report, on: orderId, actor: actor, at: time.now)
        }
    }

    private func record(
        _ report: PaymentRecording.Report, on orderId: OrderID, actor: String?, at now: Date
    ) async throws -> (outcome: PaymentRecording.Outcome, order: Order) {
        try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, orderId, forUpdate: true) else { throw OrderlyError.notFound("Order", orderId) }
            let outcome = try await Self.record(db, report, on: &order, actor: actor, at: now)
            return (outcome, order)
        }
    }

    /// Records a transaction inside the caller's transaction, which has `order` locked.
    static func record(
        _ db: Transaction, _ report: PaymentRecording.Report, on order: inout Order, actor: String?, at now: Date
    ) async throws -> PaymentRecording.Outcome {
        let orderId = order.id
        let existing = try await Self.transactions(db, of: orderId)
        let sameReference = try await Self.fetch(db, provider: report.provider, reference: report.reference)
        let outcome = try PaymentRecording.decide(
            report, order: order, existing: existing, sameReference: sameReference,
            id: PaymentTransactionID("pay_" + Token.random(bytes: 10)), now: now)
        switch outcome {
        case .replay:
            return outcome
        case .record(let t):
            try await db.raw(
                """
                INSERT INTO payment_transactions (id, order_id, kind, amount, currency, provider, method, reference, status, at, note,
                    created_at, updated_at)
                VALUES (\(bind: t.id.rawValue), \(bind: t.orderId.rawValue), \(bind: t.kind.rawValue), \(bind: t.amount),
                    \(bind: t.currency.rawValue), \(bind: t.provider), \(bind: t.method), \(bind: t.reference), \(bind: t.status.rawValue),
                    \(bind: t.at.stored), \(bind: t.note), \(bind: now.stored), \(bind: now.stored))
                """
            ).run()
        case .settle(let t):
            try await db.raw(
                "UPDATE payment_transactions SET status = \(bind: t.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: t.id.rawValue)"
            ).run()
        }
        let transaction = outcome.transaction
        order.payments = PaymentTotals(existing.filter { $0.id != transaction.id } + [transaction])
        try await OrderRows.savePayments(db, order, at: now)
        try EventLog.append(db, .paymentRecorded(transaction, order: order), actor: actor, at: now)
        if let note = Invoicing.creditNote(forManual: transaction, order: order, id: InvoiceStore.newID(), at: now) {
            _ = try await InvoiceStore.issue(db, note, actor: actor)
        }
        // The payment the channel waits for ends the standard workflow's payment stage: its hold lifts.
        if order.holds.contains(where: { $0.source == .payment }), let channel = try await ChannelStore.fetch(db, order.channel) {
            for hold in Workflow.standard(for: channel).ended(order, facts: OrderFacts(order, now: now)) where hold.source == .payment {
                try await OrderStore.lift(db, hold, from: &order, actor: actor, at: now)
            }
        }
        // A workflow stage may wait for this payment.
        try await OrderStore.advanceWorkflow(db, &order, .changed, actor: actor, at: now)
        return outcome
    }

    /// Cancels every order its channel's payment timeout has run out for while it waited for
    /// payment (the standard workflow's payment stage timed out), releasing its stock. Each order is claimed with `SKIP
    /// LOCKED` and checked again under its lock, so that several instances never cancel one
    /// twice and a payment that arrives first wins. Returns how many it cancelled.
    public func cancelUnpaid(asOf: Date? = nil, actor: String? = "payment-timeout") async throws -> Int {
        let now = asOf ?? time.now
        let waiting = try await database.read { db in
            try await db.raw(
                """
                SELECT h.order_id, h.created_at, o.channel_id FROM order_holds h
                JOIN orders o ON o.id = h.order_id JOIN channels c ON c.id = o.channel_id
                WHERE h.source = \(bind: Hold.Source.payment.rawValue) AND c.payments LIKE '%"timeout"%'
                    AND o.status <> \(bind: OrderStatus.cancelled.rawValue)
                ORDER BY h.created_at LIMIT 1000
                """
            ).all().map { (OrderID(try $0.string("order_id")), try $0.date("created_at"), ChannelID(try $0.string("channel_id"))) }
        }
        var stages: [ChannelID: Workflow.Stage?] = [:]
        var cancelled = 0
        for (id, since, channelID) in waiting {
            if stages[channelID] == nil {
                let channel = try await database.read { db in try await ChannelStore.fetch(db, channelID) }
                stages[channelID] = channel.flatMap { Workflow.standard(for: $0).stage(holding: Workflow.paymentHoldID) }
            }
            guard let stage = stages[channelID] ?? nil, stage.timedOut(since: since, now: now) else { continue }
            let done = try await database.transaction { db -> Bool in
                guard let order = try await OrderRows.fetch(db, id, lock: db.forUpdateSkipLocked),
                    order.holds.contains(where: { $0.source == .payment }), order.status != .cancelled
                else { return false }
                let reason = "no payment within \(stage.timeout?.description ?? "the timeout")"
                _ = try await OrderStore.cancel(db, order, lines: nil, reason: reason, actor: actor, at: now)
                return true
            }
            if done { cancelled += 1 }
        }
        return cancelled
    }

    /// Asks the provider to give `amount` back on `order` (`refund.requested`), split over
    /// its payments, and raises the order's requested refund level; nothing when `amount` is 0.
    static func requestRefund(
        _ db: Transaction, _ order: inout Order, amount: Int64, reason: String, returnId: ReturnID? = nil, actor: String?, at now: Date
    ) async throws {
        guard amount > 0 else { return }
        let split = RefundRequest.split(amount, over: try await transactions(db, of: order.id))
        order.refundsRequested = max(order.payments.refunded, order.refundsRequested) + amount
        try await db.raw(
            "UPDATE orders SET refunds_requested = \(bind: order.refundsRequested) WHERE id = \(bind: order.id.rawValue)"
        ).run()
        try EventLog.append(db, .refundRequested(order, amount: amount, reason: reason, returnId: returnId, split: split), actor: actor, at: now)
    }

    /// The order's transactions, oldest first.
    public func list(_ orderId: OrderID) async throws -> [PaymentTransaction] {
        try await database.read { db in
            guard try await OrderRows.fetch(db, orderId) != nil else { throw OrderlyError.notFound("Order", orderId) }
            return try await Self.transactions(db, of: orderId)
        }
    }

    static let columns: SQLQueryString = "id, order_id, kind, amount, currency, provider, method, reference, status, at, note"

    static func transactions(_ db: any SQLDatabase, of orderId: OrderID) async throws -> [PaymentTransaction] {
        try await db.raw(
            "SELECT \(columns) FROM payment_transactions WHERE order_id = \(bind: orderId.rawValue) ORDER BY created_at, id"
        ).all().map(decode)
    }

    static func fetch(_ db: any SQLDatabase, provider: String, reference: String) async throws -> PaymentTransaction? {
        try await db.raw(
            "SELECT \(columns) FROM payment_transactions WHERE provider = \(bind: provider) AND reference = \(bind: reference)"
        ).first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> PaymentTransaction {
        guard let kind = PaymentTransaction.Kind(rawValue: try row.string("kind")),
            let status = PaymentTransaction.Status(rawValue: try row.string("status"))
        else { throw OrderlyError.conflict("A stored payment transaction has an unknown kind or status") }
        return PaymentTransaction(
            id: PaymentTransactionID(try row.string("id")), orderId: OrderID(try row.string("order_id")), kind: kind,
            amount: try row.int64("amount"), currency: CurrencyCode(try row.string("currency")), provider: try row.string("provider"),
            method: try row.optionalString("method"), reference: try row.string("reference"), status: status, at: try row.date("at"),
            note: try row.optionalString("note"))
    }
}
