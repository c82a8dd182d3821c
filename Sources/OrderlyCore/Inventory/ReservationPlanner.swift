/// Decides where a checkout reservation takes its units from, given a snapshot of what each
/// candidate location has available. Pure: the store commits the plan with conditional
/// updates and asks again if stock moved in between.
public enum ReservationPlanner {
    /// A line to reserve; `locationId` pins it to one location.
    public struct Line: Sendable, Equatable {
        public var sku: SKU
        public var quantity: Int64
        public var locationId: LocationID?
        public init(sku: SKU, quantity: Int64, locationId: LocationID? = nil) {
            self.sku = sku
            self.quantity = quantity
            self.locationId = locationId
        }
    }

    /// A location that may give stock, with what it has available now.
    public struct Candidate: Sendable, Equatable {
        public var sku: SKU
        public var locationId: LocationID
        public var available: Int64
        public var priority: Int
        public init(sku: SKU, locationId: LocationID, available: Int64, priority: Int) {
            self.sku = sku
            self.locationId = locationId
            self.available = available
            self.priority = priority
        }
    }

    /// Units of one line taken from one location.
    public struct Allocation: Sendable, Equatable, Hashable {
        public var lineIndex: Int
        public var sku: SKU
        public var locationId: LocationID
        public var quantity: Int64
        public init(lineIndex: Int, sku: SKU, locationId: LocationID, quantity: Int64) {
            self.lineIndex = lineIndex
            self.sku = sku
            self.locationId = locationId
            self.quantity = quantity
        }
    }

    /// Plans every line or throws `insufficient_stock` naming each short sku.
    ///
    /// A line is taken whole from one location when one can fill it (lowest priority value,
    /// then most available, then id, so plans are deterministic); otherwise it is split across
    /// locations, largest first, to keep the number of locations small.
    public static func plan(_ lines: [Line], candidates: [Candidate]) throws(OrderlyError) -> [Allocation] {
        var remaining: [SKU: [Candidate]] = [:]
        for candidate in candidates where candidate.available > 0 {
            remaining[candidate.sku, default: []].append(candidate)
        }
        var allocations: [Allocation] = []
        var shortages: [OrderlyError.Shortage] = []

        for (index, line) in lines.enumerated() {
            var pool = remaining[line.sku] ?? []
            let eligible = pool.indices.filter { line.locationId == nil || pool[$0].locationId == line.locationId }
            let byPreference = eligible.sorted { a, b in
                let (x, y) = (pool[a], pool[b])
                if x.priority != y.priority { return x.priority < y.priority }
                if x.available != y.available { return x.available > y.available }
                return x.locationId < y.locationId
            }
            if let whole = byPreference.first(where: { pool[$0].available >= line.quantity }) {
                allocations.append(.init(lineIndex: index, sku: line.sku, locationId: pool[whole].locationId, quantity: line.quantity))
                pool[whole].available -= line.quantity
            } else {
                let total = eligible.reduce(Int64(0)) { $0 + pool[$1].available }
                if total < line.quantity {
                    shortages.append(.init(sku: line.sku, locationId: line.locationId, requested: line.quantity, available: total))
                    continue
                }
                var needed = line.quantity
                for i in eligible.sorted(by: {
                    pool[$0].available > pool[$1].available || (pool[$0].available == pool[$1].available && pool[$0].locationId < pool[$1].locationId)
                }) where needed > 0 {
                    let take = min(needed, pool[i].available)
                    allocations.append(.init(lineIndex: index, sku: line.sku, locationId: pool[i].locationId, quantity: take))
                    pool[i].available -= take
                    needed -= take
                }
            }
            remaining[line.sku] = pool
        }
        if !shortages.isEmpty { throw OrderlyError.insufficientStock(shortages) }
        return allocations
    }
}
