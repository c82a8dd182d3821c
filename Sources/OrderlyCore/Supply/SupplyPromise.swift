import Foundation

/// Units of an order line that wait for stock, promised against one line of incoming supply:
/// those units arrive with that supply, and no other order is promised them. What is left of
/// a supply line unpromised is what availability shows as `incoming`.
public struct SupplyPromise: Sendable, Equatable, Hashable {
    public var orderId: OrderID
    public var lineNumber: Int
    public var supplyId: SupplyID
    /// The supply line's position (0-based, as stored).
    public var supplyLine: Int
    public var sku: SKU
    public var quantity: Int64
    public var expectedAt: Date

    public init(
        orderId: OrderID, lineNumber: Int, supplyId: SupplyID, supplyLine: Int, sku: SKU, quantity: Int64, expectedAt: Date
    ) {
        self.orderId = orderId
        self.lineNumber = lineNumber
        self.supplyId = supplyId
        self.supplyLine = supplyLine
        self.sku = sku
        self.quantity = quantity
        self.expectedAt = expectedAt
    }

    /// When every waiting unit of `line` is expected: the latest date of its promises, or nil
    /// when some of its waiting units are promised nothing (no supply is left for them).
    public static func promisedAt(_ line: OrderLine, _ promises: [SupplyPromise]) -> Date? {
        let mine = promises.filter { $0.lineNumber == line.number }
        guard line.backorderedQuantity > 0, mine.reduce(0, { $0 + $1.quantity }) >= line.backorderedQuantity else { return nil }
        return mine.map(\.expectedAt).max()
    }
}

/// Which incoming supply each waiting unit is promised: the one rule, used when an order
/// starts to wait and when promises are made again (supply received or created, an order
/// cancelled, waiting units served).
public enum SupplyPromising {
    /// A line of open supply with units nobody is promised yet.
    public struct OpenLine: Sendable, Equatable {
        public var supplyId: SupplyID
        public var line: Int
        public var sku: SKU
        public var locationId: LocationID
        public var expectedAt: Date
        public var unpromised: Int64

        public init(supplyId: SupplyID, line: Int, sku: SKU, locationId: LocationID, expectedAt: Date, unpromised: Int64) {
            self.supplyId = supplyId
            self.line = line
            self.sku = sku
            self.locationId = locationId
            self.expectedAt = expectedAt
            self.unpromised = unpromised
        }
    }

    /// Units of an order line waiting for stock and promised nothing yet.
    public struct Waiting: Sendable, Equatable {
        public var orderId: OrderID
        public var line: OrderLine
        public var channel: Channel
        public var quantity: Int64

        public init(orderId: OrderID, line: OrderLine, channel: Channel, quantity: Int64) {
            self.orderId = orderId
            self.line = line
            self.channel = channel
            self.quantity = quantity
        }
    }

    /// Promises for `waiting` (oldest order first: each takes what is left before the next
    /// one looks) from `supply`, earliest expected first (then by supply id and line). A line
    /// may be promised only supply where it could be fulfilled: a pickup at its store, a
    /// shipment at a location its channel sells from (`locations`; one not there is not used).
    /// Units nothing is left for stay unpromised: they wait without a date.
    public static func promise(_ waiting: [Waiting], from supply: [OpenLine], locations: [LocationID: Location]) -> [SupplyPromise] {
        var left = supply.sorted { ($0.expectedAt, $0.supplyId, $0.line) < ($1.expectedAt, $1.supplyId, $1.line) }
        var promises: [SupplyPromise] = []
        for entry in waiting {
            var needed = entry.quantity
            for i in left.indices where needed > 0 && left[i].unpromised > 0 && left[i].sku == entry.line.sku {
                guard fulfils(entry, at: left[i].locationId, locations) else { continue }
                let quantity = min(needed, left[i].unpromised)
                left[i].unpromised -= quantity
                needed -= quantity
                promises.append(
                    SupplyPromise(
                        orderId: entry.orderId, lineNumber: entry.line.number, supplyId: left[i].supplyId, supplyLine: left[i].line,
                        sku: entry.line.sku, quantity: quantity, expectedAt: left[i].expectedAt))
            }
        }
        return promises
    }

    /// Promised units `order`'s lines no longer wait for (served or cancelled), to give back:
    /// each line's latest expected promises first, so what stays promised comes soonest.
    public static func excess(of order: Order, _ promises: [SupplyPromise]) -> [(promise: SupplyPromise, quantity: Int64)] {
        var giveBack: [(promise: SupplyPromise, quantity: Int64)] = []
        for line in order.lines {
            let mine = promises.filter { $0.lineNumber == line.number }
            var excess = mine.reduce(0) { $0 + $1.quantity } - line.backorderedQuantity
            for promise in mine.sorted(by: { $0.expectedAt > $1.expectedAt }) where excess > 0 {
                let quantity = min(excess, promise.quantity)
                giveBack.append((promise, quantity))
                excess -= quantity
            }
        }
        return giveBack
    }

    /// Units of `order`'s lines that wait and are promised nothing yet.
    public static func waiting(in order: Order, channel: Channel, _ promises: [SupplyPromise]) -> [Waiting] {
        order.lines.compactMap { line in
            let promised = promises.filter { $0.lineNumber == line.number }.reduce(0) { $0 + $1.quantity }
            guard line.backorderedQuantity > promised else { return nil }
            return Waiting(orderId: order.id, line: line, channel: channel, quantity: line.backorderedQuantity - promised)
        }
    }

    private static func fulfils(_ entry: Waiting, at location: LocationID, _ locations: [LocationID: Location]) -> Bool {
        if let store = entry.line.delivery.storeLocation { return store == location }
        return locations[location].map(entry.channel.sells(from:)) ?? false
    }
}
