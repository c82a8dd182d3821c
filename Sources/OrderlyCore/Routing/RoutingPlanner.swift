import Foundation

/// How a fulfillment order reaches the customer.
public enum FulfillmentType: String, Sendable, Codable, CaseIterable {
    case ship, pickup, dropship
}

/// Decides where each unit of an order is fulfilled from: a pure function of the order's
/// lines, a snapshot of stock and locations, and the channel's rules. The store commits the
/// plan with conditional reservations and asks again if stock moved in between.
///
/// Rules, in order: pickup lines go to the chosen store; drop-ship skus go to their supplier;
/// pre-orders wait for their release date; ship lines go to the fewest locations that can
/// fill them (greedy set cover, so it grows linearly with locations, never factorially),
/// tie-broken by the channel's criteria (by default distance, then priority). Whatever cannot
/// be allocated follows the product's and the channel's shortage policy.
public enum RoutingPlanner {
    /// A line (or the rest of one) to allocate.
    public struct Line: Sendable, Equatable {
        public var index: Int
        public var quantity: Int64
        public var delivery: Delivery
        public var product: Product
        public init(index: Int, quantity: Int64, delivery: Delivery, product: Product) {
            self.index = index
            self.quantity = quantity
            self.delivery = delivery
            self.product = product
        }
    }

    /// Everything routing looks at, read in one snapshot.
    public struct Snapshot: Sendable {
        public var channel: Channel
        public var locations: [LocationID: Location]
        /// Available units per sku and location.
        public var stock: [SKU: [LocationID: Int64]]
        /// Fulfillment orders a location may still take today; absent means unlimited.
        public var capacityLeft: [LocationID: Int]
        public var destination: Coordinates?
        public var incoming: [SKU: [SkuAvailability.Incoming]]
        /// Locations not to use (a store that rejected the order).
        public var excluded: Set<LocationID>
        public var now: Date

        public init(
            channel: Channel, locations: [LocationID: Location], stock: [SKU: [LocationID: Int64]],
            capacityLeft: [LocationID: Int] = [:], destination: Coordinates? = nil,
            incoming: [SKU: [SkuAvailability.Incoming]] = [:], excluded: Set<LocationID> = [], now: Date
        ) {
            self.channel = channel
            self.locations = locations
            self.stock = stock
            self.capacityLeft = capacityLeft
            self.destination = destination
            self.incoming = incoming
            self.excluded = excluded
            self.now = now
        }
    }

    /// Units of one line from one location, and the rule that sent them there.
    public struct Allocation: Sendable, Equatable {
        public var lineIndex: Int
        public var sku: SKU
        public var locationId: LocationID
        public var quantity: Int64
        public var type: FulfillmentType
        public var reason: String
    }

    /// Units of one line that wait for stock, and why.
    public struct Backorder: Sendable, Equatable {
        public var lineIndex: Int
        public var sku: SKU
        public var quantity: Int64
        public var reason: String
    }

    public struct Plan: Sendable, Equatable {
        public var allocations: [Allocation] = []
        public var backorders: [Backorder] = []
    }

    /// Plans `lines`; throws `insufficient_stock` (nothing to reserve) when a short line may
    /// not wait: the product is never sold beyond stock and the channel rejects shortages.
    public static func plan(_ lines: [Line], _ snapshot: Snapshot) throws(OrderlyError) -> Plan {
        var stock = snapshot.stock
        var plan = Plan()
        var short: [Int: Int64] = [:]
        var shipLines: [Line] = []

        for line in lines {
            let sku = line.product.sku
            if line.product.sellBeyondStock == .preorder, let release = line.product.releaseDate, release > snapshot.now {
                plan.backorders.append(.init(
                    lineIndex: line.index, sku: sku, quantity: line.quantity,
                    reason: "pre-order: not released before \(release.formatted(.iso8601))"))
                continue
            }
            if let store = line.delivery.pickupLocation {
                let taken = take(&stock, sku, store, line.quantity)
                if taken > 0 {
                    plan.allocations.append(.init(
                        lineIndex: line.index, sku: sku, locationId: store, quantity: taken, type: .pickup,
                        reason: "pickup at \(store), the store the customer chose"))
                }
                if taken < line.quantity { short[line.index, default: 0] += line.quantity - taken }
            } else if let supplier = line.product.dropshipSupplier, !snapshot.excluded.contains(supplier) {
                let taken = take(&stock, sku, supplier, line.quantity)
                if taken > 0 {
                    plan.allocations.append(.init(
                        lineIndex: line.index, sku: sku, locationId: supplier, quantity: taken, type: .dropship,
                        reason: "drop-ship by \(supplier), the sku's supplier"))
                }
                if taken < line.quantity { short[line.index, default: 0] += line.quantity - taken }
            } else {
                shipLines.append(line)
            }
        }

        let (shipAllocations, shipShort) = routeShipLines(shipLines, snapshot: snapshot, stock: &stock)
        plan.allocations += shipAllocations
        for (index, quantity) in shipShort { short[index, default: 0] += quantity }

        var refused: [OrderlyError.Shortage] = []
        for line in lines {
            guard let missing = short[line.index], missing > 0 else { continue }
            let sku = line.product.sku
            let incoming = (snapshot.incoming[sku] ?? []).filter { snapshot.locations[$0.locationId].map(snapshot.channel.sells(from:)) ?? false }
            let awaiting = incoming.first.map { "awaiting supply at \($0.locationId) expected \($0.expectedAt.formatted(.iso8601))" } ?? "awaiting stock"
            switch (line.product.sellBeyondStock, snapshot.channel.routing.onShortage) {
            case (.backorder, _), (.preorder, _):
                plan.backorders.append(.init(lineIndex: line.index, sku: sku, quantity: missing, reason: "backorder (\(line.product.sellBeyondStock.rawValue) product): \(awaiting)"))
            case (.never, .backorder):
                plan.backorders.append(.init(lineIndex: line.index, sku: sku, quantity: missing, reason: "backorder (channel policy): \(awaiting)"))
            case (.never, .partial):
                plan.backorders.append(.init(lineIndex: line.index, sku: sku, quantity: missing, reason: "partial allocation (channel policy): awaiting stock"))
            case (.never, .reject):
                let available = line.quantity - missing
                refused.append(.init(sku: sku, locationId: line.delivery.pickupLocation, requested: line.quantity, available: available))
            }
        }
        if !refused.isEmpty { throw OrderlyError.insufficientStock(refused) }
        return plan
    }

    /// Greedy set cover over the eligible ship locations.
    static func routeShipLines(
        _ lines: [Line], snapshot: Snapshot, stock: inout [SKU: [LocationID: Int64]]
    ) -> (allocations: [Allocation], short: [Int: Int64]) {
        var remaining = Dictionary(uniqueKeysWithValues: lines.map { ($0.index, $0.quantity) })
        guard !lines.isEmpty else { return ([], [:]) }
        let channel = snapshot.channel
        let candidates: [(location: Location, distance: Double?)] = snapshot.locations.values.compactMap { location in
            guard location.active, location.kind != .supplier, location.capabilities.ship, channel.pools(location.id),
                location.kind != .store || channel.routing.shipFromStore, !snapshot.excluded.contains(location.id),
                snapshot.capacityLeft[location.id].map({ $0 > 0 }) ?? true
            else { return nil }
            let distance = snapshot.destination.flatMap { d in location.coordinates.map { d.distanceKm(to: $0) } }
            return (location, distance)
        }
        var used = Set<LocationID>()
        var allocations: [Allocation] = []
        while remaining.values.contains(where: { $0 > 0 }) {
            if let maxSplits = channel.routing.maxSplits, used.count >= maxSplits { break }
            var best: (index: Int, full: Int, units: Int64)? = nil
            for (i, candidate) in candidates.enumerated() where !used.contains(candidate.location.id) {
                var full = 0
                var units: Int64 = 0
                for line in lines {
                    let need = remaining[line.index] ?? 0
                    guard need > 0 else { continue }
                    let have = stock[line.product.sku]?[candidate.location.id] ?? 0
                    units += min(need, have)
                    if have >= need { full += 1 }
                }
                guard units > 0 else { continue }
                if let current = best {
                    if better((i, full, units), than: current, candidates: candidates, criteria: channel.routing.criteria) { best = (i, full, units) }
                } else {
                    best = (i, full, units)
                }
            }
            guard let chosen = best else { break }
            let location = candidates[chosen.index].location
            used.insert(location.id)
            let servedLines = lines.filter { (remaining[$0.index] ?? 0) > 0 }.count
            var why = "ship from \(location.id): fills \(chosen.full) of \(servedLines) remaining line(s)"
            if let distance = candidates[chosen.index].distance { why += String(format: ", %.1f km", distance) }
            why += ", priority \(location.priority)"
            if used.count > 1 { why += " (split \(used.count))" }
            for line in lines {
                let need = remaining[line.index] ?? 0
                guard need > 0 else { continue }
                let taken = take(&stock, line.product.sku, location.id, need)
                guard taken > 0 else { continue }
                remaining[line.index] = need - taken
                allocations.append(.init(lineIndex: line.index, sku: line.product.sku, locationId: location.id, quantity: taken, type: .ship, reason: why))
            }
        }
        return (allocations, remaining.filter { $0.value > 0 })
    }

    /// Compares two candidate locations by the channel's criteria, in its order, then by id.
    static func better(
        _ a: (index: Int, full: Int, units: Int64), than b: (index: Int, full: Int, units: Int64),
        candidates: [(location: Location, distance: Double?)], criteria: [RoutingPolicy.Criterion]
    ) -> Bool {
        for criterion in criteria {
            switch criterion {
            case .fewestLocations:
                if a.full != b.full { return a.full > b.full }
                if a.units != b.units { return a.units > b.units }
            case .distance:
                let da = candidates[a.index].distance ?? .infinity
                let db = candidates[b.index].distance ?? .infinity
                if da != db { return da < db }
            case .priority:
                let pa = candidates[a.index].location.priority
                let pb = candidates[b.index].location.priority
                if pa != pb { return pa < pb }
            }
        }
        // Criteria not listed still decide before the id, so plans never depend on dictionary order.
        if a.units != b.units { return a.units > b.units }
        return candidates[a.index].location.id < candidates[b.index].location.id
    }

    private static func take(_ stock: inout [SKU: [LocationID: Int64]], _ sku: SKU, _ location: LocationID, _ quantity: Int64) -> Int64 {
        let have = stock[sku]?[location] ?? 0
        let taken = max(0, min(have, quantity))
        stock[sku, default: [:]][location] = have - taken
        return taken
    }
}
