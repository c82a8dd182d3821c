/// The lifecycle of a fulfillment order: which step is allowed from which status, and what
/// it does to the lines. Invalid steps are refused with `conflict`, naming the current status.
extension FulfillmentOrder {
    /// Why a location gives an order back; decides what happens to its stock there.
    public enum RejectionReason: String, Sendable, Codable, CaseIterable {
        /// The units are not on the shelf: on-hand drops by the rejected quantity.
        case notFound = "not_found"
        /// The units are damaged: on-hand drops by the rejected quantity (ledger reason `damage`).
        case damaged
        /// The location cannot fulfil it now (busy, closed): stock is left as it is.
        case noCapacity = "no_capacity"
        case other
    }

    /// Units still to ship or hand over.
    public var openUnits: Int64 { lines.reduce(0) { $0 + $1.quantity - $1.fulfilledQuantity } }

    public var isFinished: Bool { [.shipped, .pickedUp, .rejected, .cancelled].contains(status) }

    /// Each line's units still to ship or hand over (lines with none left out).
    public var openLines: [(orderLine: Int, quantity: Int64)] {
        lines.map { ($0.orderLine, $0.quantity - $0.fulfilledQuantity) }.filter { $0.1 > 0 }
    }

    /// The steps a location may take now, for screens that offer them: each is a dry run of
    /// the transition itself, so a screen never offers what the transition would refuse.
    /// A pickup is not accepted first: it goes straight to ready for pickup.
    public var canAccept: Bool { type != .pickup && allows { try $0.accept() } }
    public var canShipEverything: Bool { allows { try $0.ship($0.openLines) } }
    public var canMakeReady: Bool { allows { try $0.readyForPickup() } }
    public var canHandOver: Bool { type == .pickup && status == .readyForPickup }
    public var canReject: Bool { allows { _ = try $0.reject() } }

    private func allows(_ step: (inout FulfillmentOrder) throws -> Void) -> Bool {
        var copy = self
        do {
            try step(&copy)
            return true
        } catch { return false }
    }

    private func refuse(_ action: String) -> OrderlyError {
        OrderlyError.conflict("Fulfillment order \(id) is \(status.rawValue); it cannot be \(action)")
    }

    public mutating func accept() throws(OrderlyError) {
        guard status == .open else { throw refuse("accepted") }
        status = .accepted
    }

    /// Records a shipment of `shipped` units per order line; partial shipments are allowed,
    /// more than is still open on a line is refused.
    public mutating func ship(_ shipped: [(orderLine: Int, quantity: Int64)]) throws(OrderlyError) {
        guard type == .ship || type == .dropship else {
            throw OrderlyError.conflict("Fulfillment order \(id) is a \(type.rawValue) order; it is handed over, not shipped")
        }
        guard status == .accepted || status == .partiallyShipped else { throw refuse("shipped (accept it first)") }
        var v = Validator()
        v.check(!shipped.isEmpty, "lines", "must hold at least one line")
        var next = lines
        for (i, item) in shipped.enumerated() {
            v.quantity(item.quantity, "lines[\(i)].quantity")
            guard let index = next.firstIndex(where: { $0.orderLine == item.orderLine }) else {
                v.add("lines[\(i)]", "line \(item.orderLine) is not on fulfillment order \(id)")
                continue
            }
            let open = next[index].quantity - next[index].fulfilledQuantity
            if item.quantity > open {
                v.add("lines[\(i)].quantity", "only \(open) of line \(item.orderLine) are still to ship")
                continue
            }
            next[index].fulfilledQuantity += max(0, item.quantity)
        }
        try v.validate()
        lines = next
        status = openUnits == 0 ? .shipped : .partiallyShipped
    }

    public mutating func readyForPickup() throws(OrderlyError) {
        guard type == .pickup else { throw OrderlyError.conflict("Fulfillment order \(id) is a \(type.rawValue) order, not a pickup") }
        guard status == .accepted || status == .open else { throw refuse("made ready for pickup") }
        status = .readyForPickup
    }

    /// Hands the pickup over; the code must be the one issued. With `taking`, the customer
    /// takes only those units (per order line) and declines the rest: the pickup shrinks to
    /// what was taken, and the declined units are returned for the order to cancel. At least
    /// one unit is taken (otherwise reject the pickup or cancel the order).
    @discardableResult
    public mutating func pickUp(
        code: String, issued: String?, taking: [(orderLine: Int, quantity: Int64)]? = nil
    ) throws(OrderlyError) -> [(orderLine: Int, quantity: Int64)] {
        guard status == .readyForPickup else { throw refuse("picked up") }
        guard let issued, Self.codesMatch(code, issued) else {
            throw OrderlyError.invalid("pickupCode", "is not the code issued for this pickup")
        }
        var taken: [Int: Int64] = [:]
        if let taking {
            var v = Validator()
            for (i, item) in taking.enumerated() {
                v.quantity(item.quantity, "lines[\(i)].quantity", allowZero: true)
                guard let line = lines.first(where: { $0.orderLine == item.orderLine }) else {
                    v.add("lines[\(i)]", "line \(item.orderLine) is not on fulfillment order \(id)")
                    continue
                }
                guard (0...Limits.maxQuantity).contains(item.quantity) else { continue }
                taken[item.orderLine, default: 0] += item.quantity
                if taken[item.orderLine, default: 0] > line.quantity - line.fulfilledQuantity {
                    v.add("lines[\(i)].quantity", "only \(line.quantity - line.fulfilledQuantity) of line \(item.orderLine) wait here")
                }
            }
            v.check(
                taken.values.contains { $0 > 0 }, "lines", "the customer takes at least one unit; otherwise reject the pickup or cancel the order")
            try v.validate()
        }
        var declined: [(orderLine: Int, quantity: Int64)] = []
        for index in lines.indices {
            let open = lines[index].quantity - lines[index].fulfilledQuantity
            let take = taking == nil ? open : taken[lines[index].orderLine] ?? 0
            if open > take {
                declined.append((lines[index].orderLine, open - take))
                lines[index].quantity -= open - take
            }
            lines[index].fulfilledQuantity += take
        }
        status = .pickedUp
        return declined
    }

    /// A counter sale: everything leaves with the customer the moment the order is released.
    public mutating func handOverAtCounter() throws(OrderlyError) {
        guard type == .carryOut else { throw OrderlyError.conflict("Fulfillment order \(id) is a \(type.rawValue) order, not a counter sale") }
        guard status == .open else { throw refuse("handed over at the counter") }
        for index in lines.indices { lines[index].fulfilledQuantity = lines[index].quantity }
        status = .pickedUp
    }

    /// Gives the order back before anything left; returns the units to re-route per order line.
    public mutating func reject() throws(OrderlyError) -> [(orderLine: Int, sku: SKU, quantity: Int64)] {
        guard [.open, .accepted, .readyForPickup].contains(status), lines.allSatisfy({ $0.fulfilledQuantity == 0 }) else {
            throw refuse("rejected")
        }
        status = .rejected
        return lines.filter { $0.quantity > 0 }.map { ($0.orderLine, $0.sku, $0.quantity) }
    }

    /// Pickup codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about
    /// 40 bits, so they cannot be guessed; compared case-insensitively, ignoring spaces and dashes.
    public static let pickupCodeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func pickupCode(using generator: inout some RandomNumberGenerator) -> String {
        String((0..<8).map { _ in pickupCodeAlphabet.randomElement(using: &generator) ?? "X" })
    }

    static func codesMatch(_ given: String, _ issued: String) -> Bool {
        let normalize = { (code: String) in code.uppercased().filter { $0 != " " && $0 != "-" } }
        return normalize(given) == normalize(issued)
    }
}
