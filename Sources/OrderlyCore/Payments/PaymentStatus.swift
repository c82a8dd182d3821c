/// Where an order's money stands, derived from its succeeded transactions and never stored out
/// of step with them.
public enum PaymentStatus: String, Sendable, Codable, CaseIterable {
    case unpaid
    case authorized
    case partiallyPaid = "partially_paid"
    case paid
    case partiallyRefunded = "partially_refunded"
    case refunded
    case voided
}

/// The sums of an order's succeeded transactions.
public struct PaymentTotals: Sendable, Equatable, Codable {
    /// Held by authorizations (and taken by sales, which hold and take at once).
    public var authorized: Int64 = 0
    /// Taken: captures and sales.
    public var captured: Int64 = 0
    /// Released by voids.
    public var voided: Int64 = 0
    /// Given back.
    public var refunded: Int64 = 0

    public init(authorized: Int64 = 0, captured: Int64 = 0, voided: Int64 = 0, refunded: Int64 = 0) {
        self.authorized = authorized
        self.captured = captured
        self.voided = voided
        self.refunded = refunded
    }

    /// The sums of `transactions` (pending and failed ones count for nothing).
    public init(_ transactions: [PaymentTransaction]) {
        for t in transactions where t.status == .succeeded {
            switch t.kind {
            case .authorization: authorized += t.amount
            case .capture: captured += t.amount
            case .sale:
                authorized += t.amount
                captured += t.amount
            case .void: voided += t.amount
            case .refund: refunded += t.amount
            }
        }
    }

    /// Held and neither captured nor released: what a capture may still take.
    public var capturable: Int64 { max(0, authorized - captured - voided) }
    /// Taken and not given back: what a refund may still return.
    public var refundable: Int64 { max(0, captured - refunded) }

    /// The status of an order worth `total` that owes `due` for what was not cancelled: paid
    /// once captures cover what is owed, refunded once everything taken went back; an order
    /// worth nothing (an exchange) is paid without a transaction.
    public func status(total: Int64, due: Int64) -> PaymentStatus {
        if captured > 0 {
            if refunded >= captured { return .refunded }
            if refunded > 0 { return .partiallyRefunded }
            return captured >= due ? .paid : .partiallyPaid
        }
        if capturable > 0 { return .authorized }
        if authorized > 0 { return .voided }
        return total == 0 ? .paid : .unpaid
    }
}
