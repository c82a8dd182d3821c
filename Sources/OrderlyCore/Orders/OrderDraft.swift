import Foundation

/// An order as a channel submits it, before it has an id, a customer or an allocation.
public struct OrderDraft: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var sku: SKU
        public var quantity: Int64
        public var unitPrice: Int64
        public var delivery: Delivery
        public var discounts: [Discount]
        /// The taxes as the channel computed them; nil when it sent none, so that Orderly
        /// computes them from its tax rates.
        public var taxes: [Tax]?
        public init(
            sku: SKU, quantity: Int64, unitPrice: Int64, delivery: Delivery = .ship, discounts: [Discount] = [], taxes: [Tax]? = nil
        ) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.delivery = delivery
            self.discounts = discounts
            self.taxes = taxes
        }
    }

    /// A shipping charge as the channel sends it: without taxes (nil), Orderly taxes it from its
    /// rates for the `shipping` category.
    public struct ShippingLine: Sendable, Equatable {
        public var method: String
        public var carrier: String?
        public var price: Int64
        public var taxes: [Tax]?
        public init(method: String, carrier: String? = nil, price: Int64, taxes: [Tax]? = nil) {
            self.method = method
            self.carrier = carrier
            self.price = price
            self.taxes = taxes
        }
    }

    /// Totals a channel sent with the order: each one sent must equal what Orderly computes.
    public struct StatedTotals: Sendable, Equatable {
        public var subtotal: Int64?
        public var discountTotal: Int64?
        public var taxTotal: Int64?
        public var shippingTotal: Int64?
        public var total: Int64?
        public init(subtotal: Int64? = nil, discountTotal: Int64? = nil, taxTotal: Int64? = nil, shippingTotal: Int64? = nil, total: Int64? = nil) {
            self.subtotal = subtotal
            self.discountTotal = discountTotal
            self.taxTotal = taxTotal
            self.shippingTotal = shippingTotal
            self.total = total
        }
    }

    public var channel: ChannelID
    public var externalId: String?
    public var customer: CustomerDetails
    public var currency: CurrencyCode
    public var shippingAddress: Address?
    public var coordinates: Coordinates?
    public var lines: [Line]
    /// One shipping charge without taxes: shorthand for a single `shippingLines` entry.
    public var shippingPrice: Int64
    /// One order-level discount: shorthand for a single `discounts` entry.
    public var discount: Int64
    /// Order-level discounts, spread over the lines pro rata (`Money.spread`).
    public var discounts: [Discount] = []
    public var shippingLines: [OrderDraft.ShippingLine] = []
    public var billingAddress: Address?
    public var statedTotals: StatedTotals?
    public var tags: [String]
    /// Free attributes the channel sends with the order (conditions read them as
    /// `order.attributes.<key>`).
    public var attributes: [String: String] = [:]
    /// 0–100, as the channel's fraud check scored the order.
    public var riskScore: Int64?
    public var note: String?
    public var reservationId: ReservationID?
    /// Payments the order arrives with, recorded with it: succeeded `sale`s only (an
    /// exchange's credit from its return, `Exchange.creditIn`). They count before the payment
    /// gate and the capture at placement look at the order.
    public var prepaid: [PaymentRecording.Report] = []
    /// The `Idempotency-Key` the order was sent with, scoped to the API key that sent it: an
    /// order is placed once per request key, as once per `(channel, externalId)`.
    public var requestKey: String?

    public init(
        channel: ChannelID, externalId: String? = nil, customer: CustomerDetails, currency: CurrencyCode,
        shippingAddress: Address? = nil, coordinates: Coordinates? = nil, lines: [Line], shippingPrice: Int64 = 0,
        discount: Int64 = 0, tags: [String] = [], note: String? = nil, reservationId: ReservationID? = nil
    ) {
        self.channel = channel
        self.externalId = externalId
        self.customer = customer
        self.currency = currency
        self.shippingAddress = shippingAddress
        self.coordinates = coordinates
        self.lines = lines
        self.shippingPrice = shippingPrice
        self.discount = discount
        self.tags = tags
        self.note = note
        self.reservationId = reservationId
    }

    /// A sale at the counter may have no customer details at all (a walk-in); it gets a
    /// customer record of its own. Every other order needs an email or a phone.
    public var isAnonymousCounterSale: Bool {
        customer.normalizedEmail == nil && customer.normalizedPhone == nil && customer.email == nil && customer.phone == nil
            && !lines.isEmpty && lines.allSatisfy { if case .carryOut = $0.delivery { true } else { false } }
    }

    /// Checks everything that needs no database: quantities, prices, currency, addresses, and
    /// the amounts of discounts, taxes and shipping (`OrderPricing.check`). Pricing, with the
    /// tax rates and the totals a channel stated, comes after (`OrderPricing.price`).
    public func validate() throws(OrderlyError) {
        var v = Validator()
        if let externalId { v.check(!externalId.isEmpty && externalId.count <= 200, "externalId", "must be 1 to 200 characters") }
        v.check(currency.isKnown, "currency", "'\(currency)' is not an ISO 4217 currency code")
        v.check(!lines.isEmpty, "lines", "must hold at least one line")
        v.check(lines.count <= 500, "lines", "may hold at most 500 lines")
        if !isAnonymousCounterSale { customer.validate(into: &v) }
        for (i, line) in lines.enumerated() {
            v.identifier(line.sku.rawValue, "lines[\(i)].sku")
            v.quantity(line.quantity, "lines[\(i)].quantity")
            v.check(line.unitPrice >= 0, "lines[\(i)].unitPrice", "must not be negative")
            v.check(line.unitPrice <= Money.maxUnitPrice, "lines[\(i)].unitPrice", "must be at most \(Money.maxUnitPrice)")
            if let location = line.delivery.storeLocation { v.identifier(location.rawValue, "lines[\(i)].delivery.locationId") }
        }
        if lines.contains(where: { $0.delivery == .ship }) {
            if let shippingAddress {
                shippingAddress.validateShipping(into: &v)
            } else {
                v.add("shippingAddress", "is required when a line ships")
            }
        } else {
            shippingAddress?.validate(into: &v, prefix: "shippingAddress")
        }
        billingAddress?.validate(into: &v, prefix: "billingAddress")
        if let coordinates {
            v.check((-90...90).contains(coordinates.latitude), "shippingAddress.latitude", "must be between -90 and 90")
            v.check((-180...180).contains(coordinates.longitude), "shippingAddress.longitude", "must be between -180 and 180")
        }
        v.check((0...Money.maxUnitPrice).contains(shippingPrice), "shippingPrice", "must be between 0 and \(Money.maxUnitPrice)")
        v.check(discount >= 0, "discount", "must not be negative")
        v.tags(tags, "tags")
        v.attributes(attributes, "attributes")
        if let riskScore { v.check((0...100).contains(riskScore), "riskScore", "must be between 0 and 100") }
        if let note { v.check(note.count <= 2000, "note", "must be at most 2000 characters") }
        OrderPricing.check(self, into: &v)
        try v.validate()
    }

    /// The draft checked and priced with `taxRates`.
    public func priced(taxRates: TaxRates = .none) throws(OrderlyError) -> PricedOrder {
        try validate()
        return try OrderPricing.price(self, taxRates: taxRates)
    }
}

/// Who placed an order, as the channel knows them.
public struct CustomerDetails: Sendable, Equatable {
    public var email: String?
    public var name: String?
    public var phone: String?
    public init(email: String? = nil, name: String? = nil, phone: String? = nil) {
        self.email = email
        self.name = name
        self.phone = phone
    }

    /// The key customers are matched by: the email, lowercased and trimmed.
    public var normalizedEmail: String? {
        guard let email else { return nil }
        let trimmed = email.trimmingWhitespace.lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The phone as digits with an optional leading `+`, for matching when there is no email.
    public var normalizedPhone: String? {
        guard let phone else { return nil }
        var result = phone.hasPrefix("+") ? "+" : ""
        result += phone.filter(\.isNumber)
        return result.count >= 6 ? result : nil
    }

    /// Checks the details, each field named after `prefix` (`customer.` on an order).
    func validate(into v: inout Validator, prefix: String = "customer.") {
        v.check(normalizedEmail != nil || normalizedPhone != nil, prefix.isEmpty ? "email" : "customer", "needs an email or a phone number")
        if let email = normalizedEmail {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            v.check(parts.count == 2 && !parts[0].isEmpty && parts[1].contains("."), prefix + "email", "is not an email address")
            v.check(email.count <= 254, prefix + "email", "must be at most 254 characters")
        }
        if let phone { v.check(phone.count <= 40, prefix + "phone", "must be at most 40 characters") }
        if let name { v.check(name.count <= 200, prefix + "name", "must be at most 200 characters") }
    }
}

extension Address {
    /// An address parcels can be sent to: a street line, a city and a country.
    public func validateShipping(into v: inout Validator) {
        validate(into: &v, prefix: "shippingAddress")
        v.check(line1?.isEmpty == false, "shippingAddress.line1", "is required for ship lines")
        v.check(city?.isEmpty == false, "shippingAddress.city", "is required for ship lines")
        v.check(country != nil, "shippingAddress.country", "is required for ship lines")
    }
}
