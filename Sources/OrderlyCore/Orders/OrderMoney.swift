import Foundation

/// A price reduction in minor units: on one line, or on the whole order (then spread over the
/// lines by `Money.spread`).
public struct Discount: Sendable, Equatable, Codable {
    public var code: String?
    public var name: String
    public var amount: Int64
    public init(code: String? = nil, name: String, amount: Int64) {
        self.code = code
        self.name = name
        self.amount = amount
    }
}

/// A tax rate as an exact fraction in millionths: 21 % is `210_000`. Never a floating point
/// number inside Orderly; the API's decimal (`0.21`) is converted once, at the edge.
public struct TaxRate: Sendable, Equatable, Hashable, Comparable, Codable {
    public var millionths: Int64
    public init(millionths: Int64) { self.millionths = millionths }

    /// The rate written as a decimal fraction (`0.21`), when it is between 0 and 1 and exact to a
    /// millionth; nil otherwise.
    public init?(fraction: Double) {
        guard fraction.isFinite, (0...1).contains(fraction) else { return nil }
        let scaled = fraction * 1_000_000
        let rounded = scaled.rounded()
        guard abs(scaled - rounded) < 0.001 else { return nil }
        millionths = Int64(rounded)
    }

    /// The rate a person types as a percentage (`21`, `7.25`), exact to a millionth (four
    /// decimals of a percent); nil when it is not a plain number from 0 to 100.
    public init?(percent text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let whole = Int64(parts[0])
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 4, parts.count == 1 || !fraction.isEmpty else { return nil }
        let millionths = whole * 10_000 + (Int64(fraction + String(repeating: "0", count: 4 - fraction.count)) ?? 0)
        guard millionths <= 1_000_000 else { return nil }
        self.millionths = millionths
    }

    /// The rate for people: `21%`, `7.25%`.
    public var percent: String { "\(Decimal(millionths) / 10_000)%" }

    /// The decimal fraction the API shows (`0.21`).
    public var fraction: Double { Double(millionths) / 1_000_000 }

    /// The tax on an amount that does not include it, rounded half up to the minor unit.
    public func tax(excludedFrom amount: Int64) -> Int64 {
        Money.scale(max(0, amount), by: millionths, over: 1_000_000, rounding: .halfUp)
    }

    /// The tax contained in an amount that includes it (`amount × rate / (1 + rate)`), rounded
    /// half up to the minor unit.
    public func tax(includedIn amount: Int64) -> Int64 {
        Money.scale(max(0, amount), by: millionths, over: 1_000_000 + millionths, rounding: .halfUp)
    }

    public static func < (a: TaxRate, b: TaxRate) -> Bool { a.millionths < b.millionths }

    /// Stored as its millionths, one integer.
    public init(from decoder: any Decoder) throws { millionths = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millionths)
    }
}

/// A tax on a line or a shipping charge. `included` taxes are part of the price already (VAT
/// in European prices); the others are added to it (US sales tax).
public struct Tax: Sendable, Equatable, Codable {
    public var name: String
    public var rate: TaxRate
    public var amount: Int64
    public var included: Bool
    public init(name: String, rate: TaxRate, amount: Int64, included: Bool) {
        self.name = name
        self.rate = rate
        self.amount = amount
        self.included = included
    }
}

extension [Tax] {
    /// The taxes added on top of the price.
    public var excluded: Int64 { reduce(0) { $0 + ($1.included ? 0 : $1.amount) } }
    /// The taxes that are part of the price.
    public var included: Int64 { reduce(0) { $0 + ($1.included ? $1.amount : 0) } }
    /// Every tax, included or not.
    public var total: Int64 { reduce(0) { $0 + $1.amount } }
}

/// A shipping charge of an order: how it is sent, what it costs and the taxes on it.
public struct ShippingLine: Sendable, Equatable, Codable {
    public var method: String
    public var carrier: String?
    public var price: Int64
    public var taxes: [Tax]
    public init(method: String, carrier: String? = nil, price: Int64, taxes: [Tax] = []) {
        self.method = method
        self.carrier = carrier
        self.price = price
        self.taxes = taxes
    }

    /// What the customer pays for it: the price plus the taxes not included in it.
    public var total: Int64 { price + taxes.excluded }
}

/// What an order is worth, in minor units of its currency, computed by `OrderDraft.price`.
/// `total = subtotal − discountTotal + (taxes not included in prices) + shippingTotal`.
public struct OrderTotals: Sendable, Equatable, Codable {
    /// Σ quantity × unit price, before discounts.
    public var subtotal: Int64
    /// Line discounts plus order-level discounts.
    public var discountTotal: Int64
    /// Every tax of lines and shipping, included in prices or not.
    public var taxTotal: Int64
    /// Σ shipping line prices, before their taxes.
    public var shippingTotal: Int64
    public var total: Int64

    public init(subtotal: Int64, discountTotal: Int64, taxTotal: Int64, shippingTotal: Int64, total: Int64) {
        self.subtotal = subtotal
        self.discountTotal = discountTotal
        self.taxTotal = taxTotal
        self.shippingTotal = shippingTotal
        self.total = total
    }

    /// Totals without taxes.
    public init(subtotal: Int64, shipping: Int64, discount: Int64) {
        self.init(subtotal: subtotal, discountTotal: discount, taxTotal: 0, shippingTotal: shipping, total: subtotal + shipping - discount)
    }

    /// The totals of priced lines and shipping lines.
    public init(lines: [OrderLine], shippingLines: [ShippingLine]) {
        let excludedTax = lines.reduce(0) { $0 + $1.taxes.excluded } + shippingLines.reduce(0) { $0 + $1.taxes.excluded }
        let subtotal = lines.reduce(0) { $0 + $1.gross }
        let discount = lines.reduce(0) { $0 + $1.discountTotal }
        let shipping = shippingLines.reduce(0) { $0 + $1.price }
        self.init(
            subtotal: subtotal, discountTotal: discount,
            taxTotal: lines.reduce(0) { $0 + $1.taxes.total } + shippingLines.reduce(0) { $0 + $1.taxes.total },
            shippingTotal: shipping, total: subtotal - discount + excludedTax + shipping)
    }

    /// The shipping charge (`totals.shipping` in the API, kept from before taxes).
    public var shipping: Int64 { shippingTotal }
    /// All discounts (`totals.discount` in the API, kept from before line discounts).
    public var discount: Int64 { discountTotal }
}

extension OrderLine {
    /// quantity × unit price.
    public var gross: Int64 { quantity * unitPrice }
    /// The line's own discounts plus its share of the order's.
    public var discountTotal: Int64 { discounts.reduce(orderDiscount) { $0 + $1.amount } }
    /// What the line's units are sold for after every discount, before taxes not included.
    public var net: Int64 { gross - discountTotal }
    /// What the customer pays for the line: net plus the taxes not included in it.
    public var total: Int64 { net + taxes.excluded }

    /// What `count` units of the line paid, after `done` units have been counted before (by
    /// earlier returns or refunds): the line's total split exactly over its units.
    public func paid(units count: Int64, after done: Int64) -> Int64 {
        Money.share(of: total, units: count, after: done, of: quantity)
    }
}

extension Order {
    /// What the customer pays for shipping, taxes on it included.
    public var shippingCharge: Int64 { shippingLines.reduce(0) { $0 + $1.total } }
}

extension Order {
    /// What does not add up in the order's stored money, in words (empty when all is well):
    /// totals that are not the sum of the lines and shipping lines, or order-level discounts
    /// whose shares on the lines do not add up to them. `orderly check` reports these.
    public var moneyDiscrepancies: [String] {
        var found: [String] = []
        let computed = OrderTotals(lines: lines, shippingLines: shippingLines)
        if computed != totals { found.append("totals are \(totals) but the lines and shipping add up to \(computed)") }
        let discounts = discounts.reduce(Int64(0)) { $0 + $1.amount }
        let shares = lines.reduce(Int64(0)) { $0 + $1.orderDiscount }
        if discounts != shares { found.append("order discounts of \(discounts) are shared as \(shares) over the lines") }
        return found
    }
}
