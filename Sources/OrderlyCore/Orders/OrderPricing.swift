/// An order's lines and charges with every amount decided: line discounts, each line's share of
/// the order-level discounts, taxes, shipping and the totals they add up to.
public struct PricedOrder: Sendable, Equatable {
    /// Numbered lines (1-based) with their discounts, discount shares and taxes.
    public var lines: [OrderLine]
    public var discounts: [Discount]
    public var shippingLines: [ShippingLine]
    public var totals: OrderTotals
}

/// How an order is priced, in one place. The rules:
/// - a line is worth quantity × unit price (`subtotal` adds them up), less its own discounts,
///   which may not exceed it;
/// - order-level discounts (at most what the lines are worth after their own discounts) are
///   spread over the lines in proportion to that value, rounded to the minor unit so that the
///   shares add up to exactly the discount (`Money.spread`);
/// - taxes are the channel's when it sends them (an empty list is "no taxes"); a line or
///   shipping line sent without any is taxed from the tax rates (`TaxRates.taxes`), on the
///   line's net price after every discount; included taxes are part of the net price and may
///   not exceed it, the others are added on top;
/// - shipping lines add their price and the taxes not included in it;
/// - `total = subtotal − discountTotal + taxes not included + shippingTotal`, and every total a
///   channel states must equal the computed one.
public enum OrderPricing {
    /// The most one line, discount, tax or charge may be worth (10¹⁵ minor units), so that an
    /// order of 500 lines with their taxes and charges adds up within 64 bits.
    public static let maxAmount: Int64 = 1_000_000_000_000_000
    static let maxDiscounts = 20
    static let maxTaxes = 5
    static let maxShippingLines = 10

    /// Checks what needs no prices from elsewhere: amounts in range, discounts within their
    /// line, names present, shorthand and list not both. `price` relies on it.
    static func check(_ draft: OrderDraft, into v: inout Validator) {
        for (i, input) in draft.lines.enumerated() {
            let (gross, overflow) = input.quantity.multipliedReportingOverflow(by: input.unitPrice)
            guard !overflow, gross <= maxAmount else {
                v.add("lines[\(i)]", "quantity × unitPrice must be at most \(maxAmount)")
                continue
            }
            check(input.discounts, "lines[\(i)].discounts", into: &v)
            let own = input.discounts.reduce(Int64(0)) { $0 + min(maxAmount, max(0, $1.amount)) }
            v.check(own <= gross, "lines[\(i)].discounts", "must not exceed the line's price \(gross)")
            if let taxes = input.taxes { check(taxes, "lines[\(i)].taxes", into: &v) }
        }
        check(draft.discounts, "discounts", into: &v)
        v.check(draft.shippingPrice == 0 || draft.shippingLines.isEmpty, "shippingPrice", "goes with no shippingLines: send one or the other")
        v.check(draft.discount == 0 || draft.discounts.isEmpty, "discount", "goes with no discounts: send one or the other")
        v.check(draft.shippingLines.count <= maxShippingLines, "shippingLines", "may hold at most \(maxShippingLines) lines")
        for (i, shipping) in draft.shippingLines.enumerated() {
            v.text(shipping.method, "shippingLines[\(i)].method", max: 100)
            if let carrier = shipping.carrier { v.text(carrier, "shippingLines[\(i)].carrier", max: 100) }
            v.check((0...maxAmount).contains(shipping.price), "shippingLines[\(i)].price", "must be between 0 and \(maxAmount)")
            guard let taxes = shipping.taxes else { continue }
            check(taxes, "shippingLines[\(i)].taxes", into: &v)
            let included = taxes.reduce(Int64(0)) { $0 + ($1.included ? min(maxAmount, max(0, $1.amount)) : 0) }
            v.check(
                included <= shipping.price, "shippingLines[\(i)].taxes",
                "included taxes must not exceed the price they are part of, \(shipping.price)")
        }
    }

    /// Prices a draft that `OrderDraft.validate` accepted, with the tax rates for lines and
    /// shipping lines sent without taxes.
    public static func price(_ draft: OrderDraft, taxRates: TaxRates) throws(OrderlyError) -> PricedOrder {
        var v = Validator()
        var lines = draft.lines.enumerated().map { i, input in
            var line = OrderLine(number: i + 1, sku: input.sku, quantity: input.quantity, unitPrice: input.unitPrice, delivery: input.delivery)
            line.discounts = input.discounts
            return line
        }
        var orderDiscounts = draft.discounts
        if draft.discount > 0 { orderDiscounts.append(Discount(name: "Discount", amount: draft.discount)) }
        var shippingLines = draft.shippingLines.map {
            ShippingLine(
                method: $0.method, carrier: $0.carrier, price: $0.price,
                taxes: $0.taxes ?? taxRates.taxes(on: $0.price, country: draft.shippingAddress?.country, category: TaxRateRule.shippingCategory))
        }
        // The shorthand is a price without taxes, as it always was.
        if draft.shippingPrice > 0 { shippingLines.append(ShippingLine(method: "shipping", price: draft.shippingPrice)) }

        let values = lines.map { $0.gross - $0.discountTotal }
        let worth = values.reduce(0, +)
        let orderDiscount = orderDiscounts.reduce(Int64(0)) { $0 + $1.amount }
        guard orderDiscount <= worth else {
            let field = draft.discount > 0 ? "discount" : "discounts"
            throw OrderlyError.invalid(field, "must not exceed what the lines are worth after their own discounts, \(worth)")
        }
        for (index, share) in Money.spread(orderDiscount, over: values).enumerated() { lines[index].orderDiscount = share }
        for (i, input) in draft.lines.enumerated() {
            let category = taxRates.categories[input.sku] ?? TaxRateRule.standardCategory
            let taxes =
                input.taxes
                ?? taxRates.taxes(on: lines[i].net, country: taxRates.country(of: input, shippingAddress: draft.shippingAddress), category: category)
            v.check(taxes.included <= lines[i].net, "lines[\(i)].taxes", "included taxes must not exceed the price they are part of, \(lines[i].net)")
            lines[i].taxes = taxes
        }
        try v.validate()

        let totals = OrderTotals(lines: lines, shippingLines: shippingLines)
        if let stated = draft.statedTotals {
            let pairs: [(String, Int64?, Int64)] = [
                ("subtotal", stated.subtotal, totals.subtotal), ("discountTotal", stated.discountTotal, totals.discountTotal),
                ("taxTotal", stated.taxTotal, totals.taxTotal), ("shippingTotal", stated.shippingTotal, totals.shippingTotal),
                ("total", stated.total, totals.total),
            ]
            for (name, sent, computed) in pairs {
                if let sent, sent != computed {
                    v.add("totals.\(name)", "is \(computed) by the order's lines, discounts, taxes and shipping, not \(sent)")
                }
            }
            try v.validate()
        }
        return PricedOrder(lines: lines, discounts: orderDiscounts, shippingLines: shippingLines, totals: totals)
    }

    static func check(_ discounts: [Discount], _ field: String, into v: inout Validator) {
        v.check(discounts.count <= maxDiscounts, field, "may hold at most \(maxDiscounts) discounts")
        for (i, discount) in discounts.enumerated() {
            v.text(discount.name, "\(field)[\(i)].name", max: 100)
            if let code = discount.code { v.text(code, "\(field)[\(i)].code", max: 100) }
            v.check((1...maxAmount).contains(discount.amount), "\(field)[\(i)].amount", "must be between 1 and \(maxAmount)")
        }
    }

    static func check(_ taxes: [Tax], _ field: String, into v: inout Validator) {
        v.check(taxes.count <= maxTaxes, field, "may hold at most \(maxTaxes) taxes")
        for (i, tax) in taxes.enumerated() {
            v.text(tax.name, "\(field)[\(i)].name", max: 100)
            v.check((0...1_000_000).contains(tax.rate.millionths), "\(field)[\(i)].rate", "must be between 0 and 1")
            v.check((0...maxAmount).contains(tax.amount), "\(field)[\(i)].amount", "must be between 0 and \(maxAmount)")
        }
    }
}
