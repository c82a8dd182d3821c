import Foundation

/// How a fulfillment order reaches the customer.
public enum FulfillmentType: String, Sendable, Codable, CaseIterable {
    case ship, pickup, dropship
    case carryOut = "carry_out"
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

        /// Whether incoming supply can change this plan: it is named only in the reasons of
        /// backorders, so a plan without any was made the same without it.
        public var dependsOnIncoming: Bool { !backorders.isEmpty }
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
                plan.backorders.append(
                    .init(
                        lineIndex: line.index, sku: sku, quantity: line.quantity,
                        reason: "pre-order: not released before \(release.formatted(.iso8601))"))
                continue
            }
            if let store = line.delivery.storeLocation, let type = line.delivery.storeFulfillment {
                let taken = snapshot.excluded.contains(store) ? 0 : take(&stock, sku, store, line.quantity)
                if taken > 0 {
                    plan.allocations.append(
                        .init(
                            lineIndex: line.index, sku: sku, locationId: store, quantity: taken, type: type,
                            reason: type == .carryOut ? "sold at the counter in \(store)" : "pickup at \(store), the store the customer chose"))
                }
                if taken < line.quantity { short[line.index, default: 0] += line.quantity - taken }
            } else if let supplier = line.product.dropshipSupplier, !snapshot.excluded.contains(supplier) {
                let taken = take(&stock, sku, supplier, line.quantity)
                if taken > 0 {
                    plan.allocations.append(
                        .init(
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
            let awaiting =
                incoming.first.map { "awaiting supply at \($0.locationId) expected \($0.expectedAt.formatted(.iso8601))" } ?? "awaiting stock"
            // What is sold at the counter must be in the store now: never backordered.
            if case .carryOut(let store) = line.delivery {
                refused.append(.init(sku: sku, locationId: store, requested: line.quantity, available: line.quantity - missing))
                continue
            }
            switch (line.product.sellBeyondStock, snapshot.channel.routing.onShortage) {
            case (.backorder, _), (.preorder, _):
                plan.backorders.append(
                    .init(
                        lineIndex: line.index, sku: sku, quantity: missing,
                        reason: "backorder (\(line.product.sellBeyondStock.rawValue) product): \(awaiting)"))
            case (.never, .backorder):
                plan.backorders.append(.init(lineIndex: line.index, sku: sku, quantity: missing, reason: "backorder (channel policy): \(awaiting)"))
            case (.never, .partial):
                plan.backorders.append(
                    .init(lineIndex: line.index, sku: sku, quantity: missing, reason: "partial allocation (channel policy): awaiting stock"))
            case (.never, .reject):
                let available = line.quantity - missing
                refused.append(.init(sku: sku, locationId: line.delivery.storeLocation, requested: line.quantity, available: available))
            }
        }
        if !refused.isEmpty { throw OrderlyError.insufficientStock(refused) }
        return plan
    }

    /// Greedy set cover over the eligible ship locations. Stock is copied once into a dense
    /// candidates × lines matrix, so each round is a scan of plain integers.
    static func routeShipLines(
        _ lines: [Line], snapshot: Snapshot, stock: inout [SKU: [LocationID: Int64]]
    ) -> (allocations: [Allocation], short: [Int: Int64]) {
        guard !lines.isEmpty else { return ([], [:]) }
        let channel = snapshot.channel
        // Eligible locations, reduced to what ranking needs.
        var candidates: [Candidate] = []
        var indexOf: [LocationID: Int] = [:]
        candidates.reserveCapacity(snapshot.locations.count)
        indexOf.reserveCapacity(snapshot.locations.count)
        for location in snapshot.locations.values {
            guard location.active, location.kind != .supplier, location.capabilities.ship, channel.pools(location.id),
                location.kind != .store || channel.routing.shipFromStore,
                snapshot.excluded.isEmpty || !snapshot.excluded.contains(location.id),
                snapshot.capacityLeft.isEmpty || (snapshot.capacityLeft[location.id].map({ $0 > 0 }) ?? true)
            else { continue }
            indexOf[location.id] = candidates.count
            let distance = snapshot.destination.flatMap { d in location.coordinates.map { d.distanceKm(to: $0) } }
            candidates.append(Candidate(id: location.id, priority: location.priority, distance: distance))
        }
        let width = lines.count
        // available[c * width + l]: what candidate c has of line l's sku, filled by walking each
        // sku's stock once (lines of one sku share the same units).
        var available = [Int64](repeating: 0, count: candidates.count * width)
        for (l, line) in lines.enumerated() {
            for (location, units) in stock[line.product.sku] ?? [:] where units > 0 {
                if let c = indexOf[location] { available[c * width + l] = units }
            }
        }
        var remaining = lines.map(\.quantity)
        var used = [Bool](repeating: false, count: candidates.count)
        var usedCount = 0
        var allocations: [Allocation] = []
        while remaining.contains(where: { $0 > 0 }) {
            if let maxSplits = channel.routing.maxSplits, usedCount >= maxSplits { break }
            var best: (index: Int, full: Int, units: Int64)? = nil
            for c in candidates.indices where !used[c] {
                var full = 0
                var units: Int64 = 0
                let row = c * width
                for l in 0..<width where remaining[l] > 0 {
                    let have = available[row + l]
                    units += min(remaining[l], have)
                    if have >= remaining[l] { full += 1 }
                }
                guard units > 0 else { continue }
                if let current = best {
                    if better((c, full, units), than: current, candidates: candidates, criteria: channel.routing.criteria) { best = (c, full, units) }
                } else {
                    best = (c, full, units)
                }
            }
            guard let chosen = best else { break }
            let location = candidates[chosen.index]
            used[chosen.index] = true
            usedCount += 1
            var why = "ship from \(location.id): fills \(chosen.full) of \(remaining.filter { $0 > 0 }.count) remaining line(s)"
            if let distance = candidates[chosen.index].distance { why += ", \((distance * 10).rounded() / 10) km" }
            why += ", priority \(location.priority)"
            if usedCount > 1 { why += " (split \(usedCount))" }
            let row = chosen.index * width
            for (l, line) in lines.enumerated() where remaining[l] > 0 {
                let taken = take(&stock, line.product.sku, location.id, remaining[l])
                guard taken > 0 else { continue }
                remaining[l] -= taken
                // Lines of the same sku draw on the same units.
                for other in lines.indices where lines[other].product.sku == line.product.sku { available[row + other] -= taken }
                allocations.append(
                    .init(lineIndex: line.index, sku: line.product.sku, locationId: location.id, quantity: taken, type: .ship, reason: why))
            }
        }
        var short: [Int: Int64] = [:]
        for (l, line) in lines.enumerated() where remaining[l] > 0 { short[line.index] = remaining[l] }
        return (allocations, short)
    }

    /// Compares two candidate locations by the channel's criteria, in its order, then by id.
    static func better(
        _ a: (index: Int, full: Int, units: Int64), than b: (index: Int, full: Int, units: Int64),
        candidates: [Candidate], criteria: [RoutingPolicy.Criterion]
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
                let pa = candidates[a.index].priority
                let pb = candidates[b.index].priority
                if pa != pb { return pa < pb }
            }
        }
        // Criteria not listed still decide before the id, so plans never depend on dictionary order.
        if a.units != b.units { return a.units > b.units }
        return candidates[a.index].id < candidates[b.index].id
    }

    /// What ranking needs of an eligible location.
    struct Candidate {
        var id: LocationID
        var priority: Int
        var distance: Double?
    }

    private static func take(_ stock: inout [SKU: [LocationID: Int64]], _ sku: SKU, _ location: LocationID, _ quantity: Int64) -> Int64 {
        let have = stock[sku]?[location] ?? 0
        let taken = max(0, min(have, quantity))
        stock[sku, default: [:]][location] = have - taken
        return taken
    }
}
