import Foundation

extension Order {
    /// What the order still asks to be paid: its total less what its cancelled units paid
    /// (each line's total split over its units), and less shipping once every unit is cancelled.
    public var amountDue: Int64 {
        if lines.allSatisfy({ $0.cancelledQuantity >= $0.quantity }) { return 0 }
        return totals.total - lines.reduce(0) { $0 + $1.paid(units: $1.cancelledQuantity, after: 0) }
    }

    /// Derived from the succeeded transactions (`payments`) and what is owed.
    public var paymentStatus: PaymentStatus { payments.status(total: totals.total, due: amountDue) }
}

/// What recording a payment transaction does, decided in one place. The invariants, checked
/// against the order's succeeded transactions in the same database transaction that records
/// it: a capture or a void takes at most what is authorized and neither captured nor voided;
/// a refund at most what is captured and not refunded; a sale needs no authorization; amounts
/// are positive and in the order's currency. A step the provider reports again (same provider
/// and reference) is the same step: answered as recorded, or settled when it was pending.
public enum PaymentRecording {
    /// A transaction as it is reported, before it has an id.
    public struct Report: Sendable, Equatable {
        public var kind: PaymentTransaction.Kind
        public var amount: Int64
        public var currency: CurrencyCode
        public var provider: String
        public var method: String?
        public var reference: String
        public var status: PaymentTransaction.Status
        public var at: Date?
        public var note: String?

        public init(
            kind: PaymentTransaction.Kind, amount: Int64, currency: CurrencyCode, provider: String, method: String? = nil, reference: String,
            status: PaymentTransaction.Status = .succeeded, at: Date? = nil, note: String? = nil
        ) {
            self.kind = kind
            self.amount = amount
            self.currency = currency
            self.provider = provider
            self.method = method
            self.reference = reference
            self.status = status
            self.at = at
            self.note = note
        }

        public func validate() throws(OrderlyError) {
            var v = Validator()
            v.check((1...OrderPricing.maxAmount).contains(amount), "amount", "must be between 1 and \(OrderPricing.maxAmount)")
            v.identifier(provider, "provider")
            v.text(reference, "reference", max: 200)
            if let method { v.text(method, "method", max: 64) }
            if let note { v.text(note, "note", max: 2000) }
            try v.validate()
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// A new transaction to insert.
        case record(PaymentTransaction)
        /// The same step again: nothing changes, the recorded one is the answer.
        case replay(PaymentTransaction)
        /// A pending transaction the provider now reports succeeded or failed.
        case settle(PaymentTransaction)

        public var transaction: PaymentTransaction {
            switch self {
            case .record(let t), .replay(let t), .settle(let t): t
            }
        }
    }

    /// Decides `report` for `order`, whose transactions are `existing`; `sameReference` is the
    /// transaction already recorded under the report's provider and reference, if any (for
    /// any order).
    public static func decide(
        _ report: Report, order: Order, existing: [PaymentTransaction], sameReference: PaymentTransaction?, id: PaymentTransactionID, now: Date
    ) throws(OrderlyError) -> Outcome {
        try report.validate()
        if report.currency != order.currency {
            throw OrderlyError.invalid("currency", "must be the order's currency, \(order.currency), not \(report.currency)")
        }
        if let known = sameReference {
            guard known.orderId == order.id, known.kind == report.kind, known.amount == report.amount else {
                throw OrderlyError.conflict(
                    "Reference '\(report.reference)' of \(report.provider) is already recorded as a \(known.kind.rawValue) of \(known.amount) on order \(known.orderId)"
                )
            }
            if known.status == report.status { return .replay(known) }
            guard known.status == .pending else {
                throw OrderlyError.conflict(
                    "Transaction '\(report.reference)' already \(known.status.rawValue); it cannot become \(report.status.rawValue)")
            }
            var settled = known
            settled.status = report.status
            if settled.status == .succeeded { try check(settled, against: existing.filter { $0.id != known.id }) }
            return .settle(settled)
        }
        let transaction = PaymentTransaction(
            id: id, orderId: order.id, kind: report.kind, amount: report.amount, currency: report.currency, provider: report.provider,
            method: report.method, reference: report.reference, status: report.status, at: report.at ?? now, note: report.note)
        if transaction.status != .failed { try check(transaction, against: existing) }
        return .record(transaction)
    }

    /// Refuses a step that would take more than is held, or give back more than was taken.
    static func check(_ transaction: PaymentTransaction, against existing: [PaymentTransaction]) throws(OrderlyError) {
        let totals = PaymentTotals(existing)
        let amount = transaction.amount
        switch transaction.kind {
        case .authorization, .sale: return
        case .capture where amount > totals.capturable:
            throw OrderlyError(.paymentRefused, "A capture of \(amount) exceeds the \(totals.capturable) authorized and not yet captured or voided")
        case .void where amount > totals.capturable:
            throw OrderlyError(.paymentRefused, "A void of \(amount) exceeds the \(totals.capturable) authorized and not yet captured or voided")
        case .refund where amount > totals.refundable:
            throw OrderlyError(.paymentRefused, "A refund of \(amount) exceeds the \(totals.refundable) captured and not yet refunded")
        case .capture, .void, .refund: return
        }
    }
}
