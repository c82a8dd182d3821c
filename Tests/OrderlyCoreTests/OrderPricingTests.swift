import Foundation
import OrderlyCore
import Testing

@Suite("Order money")
struct OrderPricingTests {
    static let address = Address(line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 LG", country: "NL")
    static let vat21 = TaxRate(millionths: 210_000)

    static func draft(_ lines: [OrderDraft.Line], currency: CurrencyCode = "EUR") -> OrderDraft {
        OrderDraft(channel: "web", externalId: "W-1", customer: .init(email: "a@b.nl"), currency: currency, shippingAddress: address, lines: lines)
    }

    @Test func spreadingGivesTheLeftOverMinorUnitsToTheLargestRemaindersEarlierFirst() {
        #expect(Money.spread(100, over: [1000, 1000, 1000]) == [34, 33, 33], "33.33 each: the one cent left goes to the first line")
        #expect(Money.spread(1, over: [500, 500]) == [1, 0], "one cent between two equal lines: the earlier one")
        // 7 over 2000, 3000, 5000: exactly 1.4, 2.1, 3.5 → 1, 2, 3 and the cent left to the 0.5 remainder.
        #expect(Money.spread(7, over: [2000, 3000, 5000]) == [1, 2, 4])
        #expect(Money.spread(10, over: [3, 3, 4]) == [3, 3, 4], "an exact split stays exact")
        #expect(Money.spread(5, over: [0, 10, 0]) == [0, 5, 0], "a line worth nothing gets no share")
        #expect(Money.spread(0, over: [1, 2]) == [0, 0])
        for amount in [1, 99, 1001, 10_267] as [Int64] {
            let parts = Money.spread(amount, over: [3333, 1, 6666, 250, 0, 17])
            #expect(parts.reduce(0, +) == amount, "the parts add up to \(amount) exactly")
        }
        let huge = Money.spread(OrderPricing.maxAmount, over: [OrderPricing.maxAmount - 1, 1])
        #expect(huge == [OrderPricing.maxAmount - 1, 1], "no overflow: the products are taken in 128 bits")
    }

    @Test func taxesRoundHalfUpToTheMinorUnit() {
        #expect(Self.vat21.tax(excludedFrom: 1000) == 210)
        #expect(Self.vat21.tax(includedIn: 1210) == 210)
        #expect(Self.vat21.tax(includedIn: 1000) == 174, "1000 × 0.21 / 1.21 = 173.55…")
        #expect(TaxRate(millionths: 100_000).tax(excludedFrom: 5) == 1, "0.5 rounds up")
        #expect(TaxRate(millionths: 100_000).tax(excludedFrom: 4) == 0, "0.4 rounds down")
        #expect(TaxRate(millionths: 90_000).tax(includedIn: 109) == 9)
        #expect(TaxRate(fraction: 0.21) == Self.vat21 && TaxRate(fraction: 0.075)?.millionths == 75_000)
        #expect(TaxRate(fraction: 0.2100001) == nil && TaxRate(fraction: 1.5) == nil && TaxRate(fraction: -0.1) == nil)
        #expect(
            TaxRate(percent: "21") == Self.vat21 && TaxRate(percent: "7.25")?.millionths == 72_500 && TaxRate(percent: "100")?.millionths == 1_000_000
        )
        #expect(
            TaxRate(percent: "21,5") == nil && TaxRate(percent: "101") == nil && TaxRate(percent: "1.23456") == nil && TaxRate(percent: "-1") == nil)
        #expect(TaxRate(millionths: 72_500).percent == "7.25%")
    }

    @Test func amountsTypedByPeopleBecomeMinorUnits() {
        #expect(CurrencyCode("EUR").minorUnits("12.5") == 1250 && CurrencyCode("EUR").minorUnits(" 12.50 ") == 1250)
        #expect(CurrencyCode("EUR").minorUnits("12") == 1200 && CurrencyCode("JPY").minorUnits("1500") == 1500)
        #expect(CurrencyCode("BHD").minorUnits("1.005") == 1005)
        for bad in ["12,50", "1.234", "-1", "", ".5", "12.", "1e3", "١٢"] { #expect(CurrencyCode("EUR").minorUnits(bad) == nil, "\(bad)") }
        #expect(CurrencyCode("JPY").minorUnits("1.5") == nil, "yen have no minor units")
    }

    @Test func currenciesKeepTheirISO4217Exponent() {
        #expect(CurrencyCode("JPY").minorUnitDigits == 0 && CurrencyCode("EUR").minorUnitDigits == 2 && CurrencyCode("BHD").minorUnitDigits == 3)
        #expect(CurrencyCode("JPY").decimal(1500) == "1500" && CurrencyCode("EUR").decimal(1500) == "15.00")
        #expect(CurrencyCode("BHD").decimal(1500) == "1.500" && CurrencyCode("EUR").decimal(-5) == "-0.05")
    }

    /// Worked by hand:
    /// - line 1: 2 × 1000 = 2000, line discount 200 → 1800; VAT 21 % included, 312 (1800 − 1800/1.21 = 312.40);
    /// - line 2: 1 × 3000 = 3000, no line discount; US-style tax 5 % excluded, 147 (on 2940 after its share);
    /// - line 3: 3 × 333 = 999; no tax;
    /// - order discount 100 over 1800, 3000, 999 (5799): 31.04, 51.73, 17.23 → 31, 51, 17 and the cent left to line 2's
    ///   0.73 → 31, 52, 17;
    /// - shipping 495 with 21 % VAT excluded (104).
    /// subtotal 5999, discountTotal 300, taxTotal 312 + 147 + 104 = 563, shippingTotal 495,
    /// total 5999 − 300 + 147 + 104 + 495 = 6445.
    @Test func anOrderIsPricedLineByLineAndAddsUpExactly() throws {
        var draft = Self.draft([
            .init(
                sku: "A", quantity: 2, unitPrice: 1000, discounts: [.init(code: "SPRING", name: "Spring", amount: 200)],
                taxes: [.init(name: "VAT", rate: Self.vat21, amount: 312, included: true)]),
            .init(
                sku: "B", quantity: 1, unitPrice: 3000,
                taxes: [.init(name: "Sales tax", rate: TaxRate(millionths: 50_000), amount: 147, included: false)]),
            .init(sku: "C", quantity: 3, unitPrice: 333),
        ])
        draft.discounts = [.init(name: "Welcome", amount: 100)]
        draft.shippingLines = [
            .init(method: "standard", carrier: "PostNL", price: 495, taxes: [.init(name: "VAT", rate: Self.vat21, amount: 104, included: false)])
        ]
        let priced = try draft.priced()
        #expect(priced.lines.map(\.orderDiscount) == [31, 52, 17])
        #expect(priced.lines.map(\.total) == [1769, 3095, 982], "2000 − 200 − 31, 3000 − 52 + 147, 999 − 17")
        #expect(priced.totals == OrderTotals(subtotal: 5999, discountTotal: 300, taxTotal: 563, shippingTotal: 495, total: 6445))
        let linesTotal = priced.lines.reduce(Int64(0)) { $0 + $1.total }
        #expect(linesTotal + 495 + 104 == priced.totals.total, "lines and shipping add up to the total")

        draft.statedTotals = .init(subtotal: 5999, discountTotal: 300, taxTotal: 563, shippingTotal: 495, total: 6445)
        #expect(try draft.priced().totals.total == 6445, "totals that add up are accepted")
        draft.statedTotals = .init(subtotal: 5999, taxTotal: 459, total: 6444)
        let error = #expect(throws: OrderlyError.self) { try draft.priced() }
        #expect(error?.code == .validationFailed)
        #expect(error?.fieldErrors.map(\.field) == ["totals.taxTotal", "totals.total"])
        #expect(error?.fieldErrors.last?.message.contains("6445") == true, "the expected value is named")
    }

    @Test func theShorthandsAreOneDiscountAndOneShippingLine() throws {
        var draft = Self.draft([.init(sku: "A", quantity: 3, unitPrice: 2000)])
        draft.discount = 600
        draft.shippingPrice = 495
        let priced = try draft.priced()
        #expect(priced.discounts == [Discount(name: "Discount", amount: 600)] && priced.lines[0].orderDiscount == 600)
        #expect(priced.shippingLines == [ShippingLine(method: "shipping", price: 495)])
        #expect(priced.totals == OrderTotals(subtotal: 6000, shipping: 495, discount: 600) && priced.totals.total == 5895)
        draft.discounts = [.init(name: "Other", amount: 1)]
        draft.shippingLines = [.init(method: "express", price: 900)]
        let error = #expect(throws: OrderlyError.self) { try draft.priced() }
        #expect(error?.fieldErrors.map(\.field) == ["shippingPrice", "discount"])
    }

    @Test func discountsAndIncludedTaxesMayNotExceedWhatTheyComeOutOf() {
        var draft = Self.draft([
            .init(sku: "A", quantity: 1, unitPrice: 1000, discounts: [.init(name: "Too much", amount: 1001)]),
            .init(sku: "B", quantity: 1, unitPrice: 500, taxes: [.init(name: "VAT", rate: Self.vat21, amount: 501, included: true)]),
            .init(sku: "C", quantity: 1, unitPrice: 500, discounts: [.init(name: "", amount: 0)]),
        ])
        var error = #expect(throws: OrderlyError.self) { try draft.priced() }
        #expect(error?.fieldErrors.map(\.field) == ["lines[0].discounts", "lines[2].discounts[0].name", "lines[2].discounts[0].amount"])
        draft.lines = [.init(sku: "B", quantity: 1, unitPrice: 500, taxes: [.init(name: "VAT", rate: Self.vat21, amount: 501, included: true)])]
        error = #expect(throws: OrderlyError.self) { try draft.priced() }
        #expect(error?.fieldErrors.map(\.field) == ["lines[0].taxes"])
        draft.lines = [.init(sku: "B", quantity: 1, unitPrice: 500, discounts: [.init(name: "Half", amount: 250)])]
        draft.discounts = [.init(name: "More", amount: 251)]
        error = #expect(throws: OrderlyError.self) { try draft.priced() }
        #expect(error?.fieldErrors.map(\.field) == ["discounts"] && error?.detail.contains("250") == true)
        draft.discounts = [.init(name: "Exactly", amount: 250)]
        #expect((try? draft.priced())?.totals.total == 0, "a line may be discounted to nothing")
    }

    @Test func aLineIsRefundedExactlyWhatItPaidUnitByUnit() {
        var line = OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 400, delivery: .ship)
        line.orderDiscount = 200
        #expect(line.total == 1000)
        #expect([line.paid(units: 1, after: 0), line.paid(units: 1, after: 1), line.paid(units: 1, after: 2)] == [333, 333, 334])
        #expect(line.paid(units: 2, after: 0) + line.paid(units: 1, after: 2) == 1000, "in any batches, the whole line and no more")
        #expect(line.paid(units: 5, after: 2) == 334, "never beyond the line's units")
    }

    static let rates = TaxRates(
        rules: [
            .init(id: "nl-std", country: "NL", taxCategory: "standard", name: "BTW", rate: vat21, included: true),
            .init(id: "nl-low", country: "NL", taxCategory: "reduced", name: "BTW laag", rate: TaxRate(millionths: 90_000), included: true),
            .init(id: "nl-ship", country: "NL", taxCategory: "shipping", name: "BTW", rate: vat21, included: false),
            .init(id: "be-std", country: "BE", taxCategory: "standard", name: "TVA", rate: vat21, included: true),
            .init(id: "us-ca", country: "US", taxCategory: "standard", name: "CA state", rate: TaxRate(millionths: 72_500), included: false),
            .init(id: "us-la", country: "US", taxCategory: "standard", name: "LA county", rate: TaxRate(millionths: 22_500), included: false),
            .init(id: "ca-gst", country: "CA", taxCategory: "standard", name: "GST", rate: TaxRate(millionths: 100_000), included: true),
            .init(id: "ca-pst", country: "CA", taxCategory: "standard", name: "PST", rate: TaxRate(millionths: 50_000), included: true),
        ],
        categories: ["BOOK": "reduced"], storeCountries: ["ST-ANT": "BE"])

    @Test func ratesAsDataTaxByCountryAndCategory() {
        let r = Self.rates
        #expect(r.taxes(on: 1210, country: "NL", category: "standard").map(\.amount) == [210])
        #expect(r.taxes(on: 1090, country: "NL", category: "reduced").map(\.amount) == [90])
        // 1000 × 7.25 % = 72.5 → 73 and 1000 × 2.25 % = 22.5 → 23, each rounded half up.
        #expect(r.taxes(on: 1000, country: "US", category: "standard").map(\.amount) == [73, 23])
        // Two included rates share the price: 1150 / 1.15 = 1000 without them, 100 and 50.
        #expect(r.taxes(on: 1150, country: "CA", category: "standard").map(\.amount) == [100, 50])
        #expect(r.taxes(on: 1000, country: "DE", category: "standard").isEmpty && r.taxes(on: 1000, country: nil, category: "standard").isEmpty)
    }

    /// Lines without taxes are taxed on their net price after every discount, by the country
    /// they are delivered in and their product's category; a line sent with `taxes: []` is not.
    /// The 300 discount over 2000, 1000 and 500: 171.43, 85.71, 42.86 → 171, 85, 42 and the two
    /// cents left to the largest remainders → 171, 86, 43.
    /// - A: 2000 − 171 = 1829, 21 % in it: 317.43… → 317.
    /// - BOOK: 1000 − 86 = 914, 9 % in it: 75.46… → 75.
    /// - C: picked up in Antwerp, taxes sent as none; left to the rates, 457 with Belgian 21 % in it: 79.31… → 79.
    /// - shipping 500 with 21 % on top: 105.
    @Test func linesSentWithoutTaxesAreTaxedFromTheRates() throws {
        var draft = Self.draft([
            .init(sku: "A", quantity: 2, unitPrice: 1000),
            .init(sku: "BOOK", quantity: 1, unitPrice: 1000),
            .init(sku: "C", quantity: 1, unitPrice: 500, delivery: .pickup("ST-ANT"), taxes: []),
        ])
        draft.discounts = [.init(name: "Loyalty", amount: 300)]
        draft.shippingLines = [.init(method: "standard", price: 500)]
        var priced = try draft.priced(taxRates: Self.rates)
        #expect(priced.lines.map(\.orderDiscount) == [171, 86, 43])
        #expect(priced.lines[0].taxes == [Tax(name: "BTW", rate: Self.vat21, amount: 317, included: true)])
        #expect(priced.lines[1].taxes.map(\.amount) == [75] && priced.lines[2].taxes.isEmpty)
        #expect(priced.shippingLines[0].taxes.map(\.amount) == [105])
        #expect(priced.totals.taxTotal == 497, "317 + 75 + 105")
        #expect(priced.totals.total == 3500 - 300 + 105 + 500, "included taxes add nothing, the shipping tax does")

        draft.lines[2].taxes = nil
        priced = try draft.priced(taxRates: Self.rates)
        #expect(priced.lines[2].taxes.map(\.name) == ["TVA"] && priced.lines[2].taxes.map(\.amount) == [79], "a pickup is taxed where the store is")
        draft.shippingLines = [.init(method: "standard", price: 500, taxes: [])]
        #expect(try draft.priced(taxRates: Self.rates).shippingLines[0].taxes.isEmpty, "shipping sent untaxed stays untaxed")
    }
}
