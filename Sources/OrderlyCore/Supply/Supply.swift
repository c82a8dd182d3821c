import Foundation

/// Incoming supply: a purchase order or advance shipping notice expected at a location.
/// Receiving it adds on-hand stock through the ledger.
public struct Supply: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open
        case partiallyReceived = "partially_received"
        case received
        case cancelled
    }

    public struct Line: Sendable, Equatable {
        public var sku: SKU
        public var quantity: Int64
        public var receivedQuantity: Int64
        public init(sku: SKU, quantity: Int64, receivedQuantity: Int64 = 0) {
            self.sku = sku
            self.quantity = quantity
            self.receivedQuantity = receivedQuantity
        }
        /// Still expected, not yet received.
        public var outstanding: Int64 { max(0, quantity - receivedQuantity) }
    }

    public var id: SupplyID
    public var locationId: LocationID
    public var expectedAt: Date
    public var status: Status
    public var lines: [Line]

    public init(id: SupplyID, locationId: LocationID, expectedAt: Date, status: Status = .open, lines: [Line]) {
        self.id = id
        self.locationId = locationId
        self.expectedAt = expectedAt
        self.status = status
        self.lines = lines
    }

    public func validate() throws(OrderlyError) {
        var v = Validator()
        v.identifier(id.rawValue, "id")
        v.identifier(locationId.rawValue, "locationId")
        v.check(!lines.isEmpty, "lines", "must hold at least one line")
        v.check(lines.count <= Limits.maxBatchSize, "lines", "may hold at most \(Limits.maxBatchSize) lines")
        var seen = Set<SKU>()
        for (i, line) in lines.enumerated() {
            v.identifier(line.sku.rawValue, "lines[\(i)].sku")
            v.quantity(line.quantity, "lines[\(i)].quantity")
            v.check(seen.insert(line.sku).inserted, "lines[\(i)].sku", "\(line.sku) appears on more than one line")
        }
        try v.validate()
    }

    /// What a receipt adds per sku. `nil` receives everything outstanding; explicit lines may
    /// not receive more than is outstanding or a sku the supply does not carry.
    public func receipt(_ requested: [(sku: SKU, quantity: Int64)]?) throws(OrderlyError) -> [(sku: SKU, quantity: Int64)] {
        guard status == .open || status == .partiallyReceived else {
            throw OrderlyError.conflict("Supply \(id) is \(status.rawValue) and cannot be received")
        }
        guard let requested else {
            return lines.filter { $0.outstanding > 0 }.map { ($0.sku, $0.outstanding) }
        }
        var v = Validator()
        v.check(!requested.isEmpty, "lines", "must hold at least one line")
        var totals: [SKU: Int64] = [:]
        for (i, line) in requested.enumerated() {
            v.quantity(line.quantity, "lines[\(i)].quantity")
            guard let supplied = lines.first(where: { $0.sku == line.sku }) else {
                v.add("lines[\(i)].sku", "\(line.sku) is not on supply \(id)")
                continue
            }
            // Sum only quantities in range: several huge ones would overflow.
            guard (1...Limits.maxQuantity).contains(line.quantity) else { continue }
            totals[line.sku, default: 0] += line.quantity
            v.check(
                totals[line.sku, default: 0] <= supplied.outstanding, "lines[\(i)].quantity",
                "exceeds the \(supplied.outstanding) units of \(line.sku) still expected")
        }
        try v.validate()
        return requested
    }

    /// What cancelling the supply takes away: every unit still expected, per sku (what was
    /// received stays). Only open or partly received supply can be cancelled.
    public func cancelling() throws(OrderlyError) -> [SupplyLinePayload] {
        guard status == .open || status == .partiallyReceived else {
            throw OrderlyError.conflict("Supply \(id) is \(status.rawValue) and cannot be cancelled")
        }
        return lines.filter { $0.outstanding > 0 }.map { SupplyLinePayload(sku: $0.sku, quantity: $0.outstanding) }
    }

    /// The status once `receivedQuantity` has been brought up to date.
    public var statusAfterReceipt: Status {
        lines.allSatisfy { $0.outstanding == 0 } ? .received : .partiallyReceived
    }
}
