import Foundation

/// One payment a refund goes back to, and how much of it.
public struct RefundShare: Sendable, Equatable, Codable {
    public var transactionId: String
    public var provider: String
    public var reference: String
    public var amount: Int64
}

/// What Orderly asks the provider to give back, decided in one place.
///
/// Orderly keeps the refund level it has asked for (`Order.refundsRequested`); what it may
/// still ask is what was captured beyond that level (or beyond what was refunded, whichever is
/// higher). A cancellation asks back what the cancelled units paid (each line's total split
/// exactly over its units; the shipping charge once everything is cancelled), no more than
/// was captured beyond what the order still owes — so cancelling units that were never
/// captured asks nothing. A received return asks its refund amount, no more than may still
/// be asked. A refund is split over the captures and sales it goes back to: newest first,
/// gift cards last, each at most what it has left after the refunds already recorded.
public enum RefundRequest {
    /// The provider whose payments are refunded last.
    public static let giftCardProvider = "gift_card"

    /// What may still be asked back of `order`.
    public static func askable(_ order: Order) -> Int64 {
        max(0, order.payments.captured - max(order.payments.refunded, order.refundsRequested))
    }

    /// What cancelling took from `before` to `after` asks back.
    public static func forCancellation(before: Order, after: Order) -> Int64 {
        var value: Int64 = 0
        for line in after.lines {
            guard let old = before.lines.first(where: { $0.number == line.number }), line.cancelledQuantity > old.cancelledQuantity else { continue }
            value += line.paid(units: line.cancelledQuantity - old.cancelledQuantity, after: old.cancelledQuantity)
        }
        if after.amountDue == 0 && before.amountDue > 0 { value += after.shippingCharge }
        let beyondDue = askable(before) - after.amountDue
        return max(0, min(value, beyondDue, askable(before)))
    }

    /// What a received return asks back: its refund amount, as far as may still be asked.
    public static func forReturn(_ amount: Int64, order: Order) -> Int64 {
        max(0, min(amount, askable(order)))
    }

    /// `amount` split over `transactions`' succeeded captures and sales by the rule above.
    public static func split(_ amount: Int64, over transactions: [PaymentTransaction]) -> [RefundShare] {
        let succeeded = transactions.filter { $0.status == .succeeded }
        var payments = succeeded.filter { $0.kind == .capture || $0.kind == .sale }.sorted {
            let (a, b) = ($0.provider == giftCardProvider, $1.provider == giftCardProvider)
            if a != b { return !a }
            return ($0.at, $0.id.rawValue) > ($1.at, $1.id.rawValue)
        }.map { (transaction: $0, left: $0.amount) }
        for refund in succeeded where refund.kind == .refund {
            var owed = refund.amount
            for i in payments.indices where payments[i].transaction.provider == refund.provider && owed > 0 {
                let taken = min(owed, payments[i].left)
                payments[i].left -= taken
                owed -= taken
            }
        }
        var shares: [RefundShare] = []
        var rest = amount
        for payment in payments where rest > 0 && payment.left > 0 {
            let share = min(rest, payment.left)
            shares.append(
                RefundShare(
                    transactionId: payment.transaction.id.rawValue, provider: payment.transaction.provider,
                    reference: payment.transaction.reference, amount: share))
            rest -= share
        }
        return shares
    }
}

/// `refund.requested`: Orderly asks the provider to give `amount` back, split over the
/// payments it goes to. The provider's integration confirms with `refund` transactions.
public struct RefundRequestedPayload: EventPayload, Equatable {
    public var amount: Int64
    public var currency: String
    /// `cancellation` or `return`.
    public var reason: String
    public var returnId: String?
    public var split: [RefundShare]
}

extension DomainEvent {
    public static func refundRequested(_ order: Order, amount: Int64, reason: String, returnId: ReturnID? = nil, split: [RefundShare]) -> Self {
        .init(
            .refundRequested, .order(order.id),
            RefundRequestedPayload(amount: amount, currency: order.currency.rawValue, reason: reason, returnId: returnId?.rawValue, split: split))
    }
}
