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

    /// A moment to the minute as a person reads it, in the business's time zone: `5 Dec 2026 14:05`
    /// in English, `5 dec 2026 14:05` in Dutch.
    public func date(_ date: Date, in zone: TimeZone = .gmt) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
                locale: locale, timeZone: zone, calendar: Calendar(identifier: .gregorian)))
    }

    /// A number with `fractionDigits` decimals: `1.50` in English, `1,50` in Dutch.
    public func number(_ value: Double, fractionDigits: Int) -> String {
        value.formatted(.number.precision(.fractionLength(fractionDigits)).locale(locale))
    }

    var locale: Locale { Locale(identifier: self == .nl ? "nl_NL" : "en_GB") }
}
