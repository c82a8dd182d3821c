import Foundation

/// An ISO 4217 currency code such as `EUR`.
public struct CurrencyCode: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Whether this is an active ISO 4217 code.
    public var isKnown: Bool { Self.iso4217.contains(rawValue) }

    /// Digits after the decimal point in ISO 4217 (2 for most; 0 for JPY, 3 for KWD…).
    public var minorUnitDigits: Int {
        if Self.noMinorUnits.contains(rawValue) { return 0 }
        if Self.threeDigitMinorUnits.contains(rawValue) { return 3 }
        return 2
    }

    /// An amount in minor units as a decimal in this currency: `12345` EUR → `123.45`, `500` JPY → `500`.
    public func decimal(_ minor: Int64) -> String {
        let digits = minorUnitDigits
        guard digits > 0 else { return String(minor) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let sign = minor < 0 ? "-" : ""
        let fraction = String(minor.magnitude % scale)
        return "\(sign)\(minor.magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    /// The minor units of an amount a person typed in this currency (`12.5` EUR → 1250,
    /// `1500` JPY → 1500); nil when it is not a plain non-negative decimal or has more decimals
    /// than the currency has minor units.
    public func minorUnits(_ text: String) -> Int64? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 15, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let whole = Int64(parts[0]), whole >= 0
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= minorUnitDigits, fraction.allSatisfy(\.isNumber), parts.count == 1 || !fraction.isEmpty else { return nil }
        var scale: Int64 = 1
        for _ in 0..<minorUnitDigits { scale *= 10 }
        let padded = fraction + String(repeating: "0", count: minorUnitDigits - fraction.count)
        return whole * scale + (Int64(padded) ?? 0)
    }

    /// An amount for people: `EUR 123.45`.
    public func format(_ minor: Int64) -> String { "\(rawValue) \(decimal(minor))" }

    static let noMinorUnits: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    ]
    static let threeDigitMinorUnits: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    static let iso4217: Set<String> = Set(
        """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
        CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
        HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
        MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
        RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
        USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}

/// An amount of money in integer minor units (cents) of one currency. Never floating point.
public struct Money: Sendable, Equatable, Hashable, Codable {
    public var minorUnits: Int64
    public var currency: CurrencyCode
    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// The largest unit price accepted (1 billion major units), so that price × quantity fits in 64 bits.
    public static let maxUnitPrice: Int64 = 100_000_000_000
}
