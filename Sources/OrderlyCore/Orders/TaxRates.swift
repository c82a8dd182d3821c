/// A tax rate as data: what is charged in a country on products of a tax category
/// (`Product.taxCategory`, `standard` when a product names none; `shipping` for shipping
/// charges). Several rates of one country and category all apply (a federal and a state tax).
public struct TaxRateRule: Sendable, Equatable, Codable {
    /// The tax category of products that name none.
    public static let standardCategory = "standard"
    /// The tax category of shipping charges.
    public static let shippingCategory = "shipping"

    public var id: String
    /// ISO 3166-1 alpha-2, as addresses carry it.
    public var country: String
    public var taxCategory: String
    public var name: String
    public var rate: TaxRate
    /// Whether prices in this country already include the tax (VAT) or have it added (sales tax).
    public var included: Bool

    public init(id: String, country: String, taxCategory: String, name: String, rate: TaxRate, included: Bool) {
        self.id = id
        self.country = country
        self.taxCategory = taxCategory
        self.name = name
        self.rate = rate
        self.included = included
    }

    public func validate() throws(OrderlyError) {
        var v = Validator()
        v.identifier(id, "id")
        v.check(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isUppercase }, "country", "must be an ISO 3166-1 alpha-2 code such as NL")
        v.identifier(taxCategory, "taxCategory")
        v.text(name, "name", max: 100)
        v.check((0...1_000_000).contains(rate.millionths), "rate", "must be between 0 and 1")
        try v.validate()
    }
}

/// The tax rates Orderly computes taxes from, for lines and shipping lines a channel sent
/// without taxes. A line is taxed by the country it is delivered in — the store's for pickup
/// and counter sales, the shipping address's otherwise — and its product's category.
public struct TaxRates: Sendable, Equatable {
    public var rules: [TaxRateRule]
    /// Each sku's tax category (products without one are `standard`).
    public var categories: [SKU: String]
    /// The country of each store a line may be picked up or sold at.
    public var storeCountries: [LocationID: String]

    public init(rules: [TaxRateRule] = [], categories: [SKU: String] = [:], storeCountries: [LocationID: String] = [:]) {
        self.rules = rules
        self.categories = categories
        self.storeCountries = storeCountries
    }

    /// No rates: taxes are only what channels send.
    public static let none = TaxRates()

    /// The taxes on `amount` (a line's net price, or a shipping price) in `country` for
    /// `category`, rounded half up to the minor unit each; empty when no rate applies.
    /// Included taxes share the amount: each is `amount × rate / (1 + Σ included rates)`; taxes
    /// not included are charged on what remains without the included ones.
    public func taxes(on amount: Int64, country: String?, category: String) -> [Tax] {
        guard let country else { return [] }
        let applicable = rules.filter { $0.country == country && $0.taxCategory == category }
        guard !applicable.isEmpty else { return [] }
        let includedRate = applicable.reduce(Int64(0)) { $0 + ($1.included ? $1.rate.millionths : 0) }
        var taxes: [Tax] = []
        var included: Int64 = 0
        for rule in applicable where rule.included {
            let tax = Money.scale(max(0, amount), by: rule.rate.millionths, over: 1_000_000 + includedRate, rounding: .halfUp)
            included += tax
            taxes.append(Tax(name: rule.name, rate: rule.rate, amount: tax, included: true))
        }
        for rule in applicable where !rule.included {
            taxes.append(Tax(name: rule.name, rate: rule.rate, amount: rule.rate.tax(excludedFrom: amount - included), included: false))
        }
        return taxes
    }

    /// The country a line is delivered in.
    func country(of line: OrderDraft.Line, shippingAddress: Address?) -> String? {
        country(of: line.delivery, shippingAddress: shippingAddress)
    }

    /// The country units delivered this way are delivered in.
    func country(of delivery: Delivery, shippingAddress: Address?) -> String? {
        if let store = delivery.storeLocation, let country = storeCountries[store] { return country }
        return shippingAddress?.country
    }
}
