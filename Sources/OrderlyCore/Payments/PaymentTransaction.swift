import Foundation

/// A server-assigned payment transaction id (`pay_…`).
public struct PaymentTransactionID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// One step of a payment as the provider reports it (Saleor's and Shopify's transaction
/// kinds): money held, taken, released or given back.
public struct PaymentTransaction: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Money held on the customer's card or account, not yet taken.
        case authorization
        /// Held money taken.
        case capture
        /// Money taken at once, with no authorization before it.
        case sale
        /// What is still held and not captured released.
        case void
        /// Taken money given back.
        case refund
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, succeeded, failed
    }

    public var id: PaymentTransactionID
    public var orderId: OrderID
    public var kind: Kind
    public var amount: Int64
    public var currency: CurrencyCode
    /// Who moved the money (`adyen`, `stripe`, `cash`, `gift_card`, `manual`).
    public var provider: String
    /// How the customer paid (`card`, `ideal`, `cash`…).
    public var method: String?
    /// The provider's own id of this step: unique per provider, so a step reported twice is
    /// recorded once.
    public var reference: String
    public var status: Status
    /// When the provider says it happened.
    public var at: Date
    /// Why a person recorded it by hand (a manual refund, a goodwill credit).
    public var note: String?

    public init(
        id: PaymentTransactionID, orderId: OrderID, kind: Kind, amount: Int64, currency: CurrencyCode, provider: String, method: String? = nil,
        reference: String, status: Status = .succeeded, at: Date, note: String? = nil
    ) {
        self.id = id
        self.orderId = orderId
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
}
