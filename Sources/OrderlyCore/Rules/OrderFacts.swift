import Foundation

/// The facts of an order (`Fact.catalog`, order scope) as conditions see them, from the
/// order and what the caller read beside it. A fact the order does not have is left out, so
/// that every comparison with it is false (`Condition`).
public struct OrderFacts: Sendable, Equatable {
    /// What is known of the customer beyond the order.
    public struct Customer: Sendable, Equatable {
        public var tags: [String]
        /// Orders placed before this one.
        public var orderCount: Int64
        public init(tags: [String] = [], orderCount: Int64 = 0) {
            self.tags = tags
            self.orderCount = orderCount
        }
    }

    public private(set) var values: [String: RuleValue]

    public init(
        _ order: Order, customer: Customer? = nil, productTags: [SKU: [String]] = [:], now: Date
    ) {
        var values: [String: RuleValue] = [
            "order.total": .integer(order.totals.total),
            "order.currency": .string(order.currency.rawValue),
            "order.channel": .string(order.channel.rawValue),
            "order.lineCount": .integer(Int64(order.lines.count)),
            "order.units": .integer(order.lines.reduce(0) { $0 + $1.quantity }),
            "order.tags": .list(order.tags.map(RuleValue.string)),
            "order.paymentStatus": .string(order.paymentStatus.rawValue),
            "order.ageMinutes": .integer(Int64(max(0, now.timeIntervalSince(order.createdAt)) / 60)),
            "lines.skus": .list(Self.distinct(order.lines.map(\.sku.rawValue))),
            "lines.productTags": .list(Self.distinct(order.lines.flatMap { productTags[$0.sku] ?? [] })),
            "lines.deliveryMethods": .list(Self.distinct(order.lines.map(\.delivery.factName))),
        ]
        if let country = order.shippingAddress?.country { values["shipping.country"] = .string(country.uppercased()) }
        if let postalCode = order.shippingAddress?.postalCode { values["shipping.postalCode"] = .string(Self.postalCode(postalCode)) }
        if let customer {
            values["customer.tags"] = .list(customer.tags.map(RuleValue.string))
            values["customer.orderCount"] = .integer(customer.orderCount)
        }
        if let riskScore = order.riskScore { values["order.riskScore"] = .integer(riskScore) }
        for (key, value) in order.attributes { values[Fact.attributePrefix + key] = .string(value) }
        self.values = values
    }

    /// The fact named `name`, nil when the order does not have it.
    public subscript(_ name: String) -> RuleValue? { values[name] }

    /// Whether `condition` holds for this order.
    public func satisfy(_ condition: Condition) -> Bool { condition.holds(values) }

    /// A postal code as conditions compare it: upper case, without spaces (`1012LG`).
    public static func postalCode(_ text: String) -> String { text.uppercased().filter { !$0.isWhitespace } }

    private static func distinct(_ items: [String]) -> [RuleValue] {
        var seen: [String] = []
        for item in items where !seen.contains(item) { seen.append(item) }
        return seen.map(RuleValue.string)
    }
}

extension Delivery {
    /// The delivery method as facts and the API name it: ship, pickup, carryOut.
    var factName: String {
        switch self {
        case .ship: "ship"
        case .pickup: "pickup"
        case .carryOut: "carryOut"
        }
    }
}
