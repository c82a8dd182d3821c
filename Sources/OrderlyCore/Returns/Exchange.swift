import Foundation

/// An exchange: the customer sends units back (a return) and gets others instead (a linked
/// replacement order). The rule for the money, decided here:
/// - Without prices on its lines the replacement is sent at no charge, and the return is
///   refunded like any other (a replacement under warranty, a gesture).
/// - With prices (every line priced: a mix is refused), the replacement is priced like any
///   order (its taxes from the tax rates), and the return's value pays it first: the
///   `credit` is the smaller of the two, and never more than the original order has captured
///   and may still give back. What the replacement costs beyond the credit is `charge`, still
///   owed on it (its channel's payment policy applies to that part); what the return is worth
///   beyond the credit is refunded as usual.
public enum Exchange {
    /// An exchange line as a caller sends it.
    public struct Item: Sendable, Equatable {
        public var sku: SKU
        public var quantity: Int64
        public var unitPrice: Int64?
        public init(sku: SKU, quantity: Int64, unitPrice: Int64? = nil) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    /// How the return's value and the replacement's total settle.
    public struct Settlement: Sendable, Equatable {
        /// The part of the return's value that pays the replacement: recorded as a `sale` by
        /// the `exchange` provider on the replacement when it is placed, and as a `refund` by
        /// the same provider on the original order when the return is received.
        public var credit: Int64
        /// What the customer still pays on the replacement.
        public var charge: Int64
        /// What goes back to the customer for the return (its `refundAmount`).
        public var refund: Int64
        public init(credit: Int64, charge: Int64, refund: Int64) {
            self.credit = credit
            self.charge = charge
            self.refund = refund
        }
    }

    /// The provider name of the credit's two transactions.
    public static let provider = "exchange"

    /// The replacement's lines: priced as sent, or at no charge when no line has a price.
    /// Refuses a mix of priced and unpriced lines, naming the first unpriced one.
    public static func lines(_ items: [Item]) throws(OrderlyError) -> [OrderDraft.Line] {
        let priced = items.filter { $0.unitPrice != nil }.count
        if priced > 0 && priced < items.count, let i = items.firstIndex(where: { $0.unitPrice == nil }) {
            throw OrderlyError.invalid(
                "exchange[\(i)].unitPrice", "give every exchange line a unitPrice, or none for a replacement at no charge")
        }
        return items.map { OrderDraft.Line(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice ?? 0) }
    }

    /// Settles a return worth `returnValue` against a replacement that costs `replacementTotal`,
    /// on an original `order` (what it may still give back bounds the credit).
    public static func settle(returnValue: Int64, replacementTotal: Int64, order: Order) -> Settlement {
        let credit = max(0, min(returnValue, replacementTotal, RefundRequest.askable(order)))
        return Settlement(credit: credit, charge: replacementTotal - credit, refund: returnValue - credit)
    }

    /// The credit as the replacement receives it: a `sale` by the `exchange` provider.
    public static func creditIn(_ credit: Int64, returnId: ReturnID, currency: CurrencyCode) -> PaymentRecording.Report {
        PaymentRecording.Report(
            kind: .sale, amount: credit, currency: currency, provider: provider, method: "return_credit", reference: "in:\(returnId)",
            note: "credit from return \(returnId)")
    }

    /// The credit as the original order gives it, once the return is received: a `refund` by
    /// the `exchange` provider, never beyond what the order may still give back. Nil when
    /// nothing is left to give.
    public static func creditOut(_ ret: Return, order: Order) -> PaymentRecording.Report? {
        let amount = min(ret.exchangeCredit, order.payments.refundable)
        guard amount > 0, let replacement = ret.exchangeOrderId else { return nil }
        return PaymentRecording.Report(
            kind: .refund, amount: amount, currency: order.currency, provider: provider, method: "return_credit", reference: "out:\(ret.id)",
            note: "credit for return \(ret.id), paid to exchange order \(replacement)")
    }
}
