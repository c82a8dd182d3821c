import Foundation

/// The languages Orderly speaks to people: English and Dutch (the demo business is Dutch).
/// The back office in a person's language, customer messages in their channel's.
public enum Language: String, Sendable, Codable, CaseIterable {
    case en, nl

    /// An amount for a customer in this language's way: `€12.50` in English, `€ 12,50` in Dutch
    /// (other currencies by code: `USD 12.50`).
    public func money(_ minor: Int64, _ currency: CurrencyCode) -> String {
        let decimal = currency.decimal(minor)
        let symbol = currency.rawValue == "EUR" ? "€" : currency.rawValue + " "
        switch self {
        case .en: return symbol + decimal
        case .nl: return (currency.rawValue == "EUR" ? "€ " : symbol) + decimal.replacingOccurrences(of: ".", with: ",")
        }
    }
}
