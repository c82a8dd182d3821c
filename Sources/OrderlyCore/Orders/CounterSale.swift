import Foundation

/// A sale at a store's counter (the associate's handheld): what is rung up, on which channel,
/// and the order it places — every line carried out at the store, paid in full at the till.
public enum CounterSale {
    /// One sku rung up: its units and unit price.
    public struct Item: Sendable, Equatable {
        public var sku: SKU
        public var quantity: Int64
        public var unitPrice: Int64
        public init(sku: SKU, quantity: Int64, unitPrice: Int64) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    /// The most lines one sale rings up.
    public static let maxItems = 200

    /// What the till rang up: one line per sku scanned, `SKU price` (one unit) or `SKU units
    /// price`, prices in `currency` (`14.95`); a sku rung up again at the same price adds its
    /// units. Every bad line is named (`items line N`).
    public static func parse(_ text: String, currency: CurrencyCode) throws(OrderlyError) -> [Item] {
        var v = Validator()
        var items: [Item] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        v.check(lines.count <= maxItems, "items", "must hold at most \(maxItems) lines")
        for (offset, raw) in lines.enumerated() where lines.count <= maxItems {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" }).map(String.init)
            guard let first = words.first else { continue }
            let field = "items line \(offset + 1)"
            guard (2...3).contains(words.count) else {
                v.add(field, "is a sku, its units if more than one, and its price, such as HAT-BEANIE 2 14.95")
                continue
            }
            let units = words.count == 3 ? Int64(words[1]) : 1
            guard let units, (1...Limits.maxQuantity).contains(units) else {
                v.add(field, "'\(words[1])' is not a number of units")
                continue
            }
            guard let price = currency.minorUnits(words[words.count - 1]) else {
                v.add(field, "'\(words[words.count - 1])' is not a price in \(currency), such as 14.95")
                continue
            }
            let sku = SKU(first)
            if let at = items.firstIndex(where: { $0.sku == sku && $0.unitPrice == price }) {
                items[at].quantity = min(items[at].quantity + units, Limits.maxQuantity)
            } else {
                items.append(Item(sku: sku, quantity: units, unitPrice: price))
            }
        }
        if items.isEmpty && v.errors.isEmpty { v.add("items", "ring up at least one sku") }
        try v.validate()
        return items
    }

    /// The point-of-sale channel that sells at `store`: one of kind `pos` whose locations
    /// include it (the first by id when several do).
    public static func channel(at store: LocationID, among channels: [Channel]) throws(OrderlyError) -> Channel {
        guard let channel = channels.filter({ $0.kind == .pos && $0.locations.contains(store) }).min(by: { $0.id < $1.id }) else {
            throw OrderlyError.conflict("No point-of-sale channel sells at \(store): add one of kind pos with \(store) among its locations")
        }
        return channel
    }

    /// The order the sale places: every item carried out at `store`, for the customer if one
    /// is named (a walk-in otherwise), placed once per `requestKey`.
    public static func draft(
        _ items: [Item], at store: LocationID, channel: Channel, currency: CurrencyCode, customer: CustomerDetails, requestKey: String
    ) -> OrderDraft {
        var draft = OrderDraft(
            channel: channel.id, customer: customer, currency: currency,
            lines: items.map { .init(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice, delivery: .carryOut(store)) },
            note: "sold at the counter of \(store)")
        draft.requestKey = requestKey
        return draft
    }

    /// The payment the till took for `order`: a sale of its whole total, by `method` (cash, card).
    public static func payment(for order: Order, method: String) -> PaymentRecording.Report {
        PaymentRecording.Report(
            kind: .sale, amount: order.totals.total, currency: order.currency, provider: "counter", method: method, reference: "counter-\(order.id)")
    }
}

extension Principal {
    /// The channels this person enters orders on in the back office: every channel for service
    /// and admin (phone orders); for a store, the point-of-sale channel of each of its stores
    /// (`CounterSale.channel`), whose locations are where it may sell from — a pool with the
    /// DC in it is an endless aisle; nobody else enters orders.
    public func entryChannels(among channels: [Channel]) -> [Channel] {
        if entersOrders { return channels }
        guard role == .store else { return [] }
        var found: [Channel] = []
        for location in locations where may(.sellAtCounter(location)) {
            if let channel = try? CounterSale.channel(at: location, among: channels), !found.contains(where: { $0.id == channel.id }) {
                found.append(channel)
            }
        }
        return found
    }
}
