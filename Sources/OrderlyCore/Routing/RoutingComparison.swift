import Foundation

extension Order {
    /// The order's lines as routing would place them anew: every unit not cancelled.
    public func routingLines(products: [SKU: Product]) -> [RoutingPlanner.Line] {
        lines.enumerated().compactMap { index, line in
            let quantity = line.kept
            guard quantity > 0, let product = products[line.sku] else { return nil }
            return .init(index: index, quantity: quantity, delivery: line.delivery, product: product)
        }
    }
}

/// Past orders replayed against two (or more) strategies on today's stock, each order on its
/// own (as if it were the only one today), answering per strategy what a merchant weighs
/// before switching: orders fully routable, locations per order, distance, units from stores
/// and warehouses, orders that would wait or be refused; and the orders whose plans differ.
public enum RoutingComparison {
    /// One past order to replay.
    public struct Case: Sendable {
        public var order: Order
        public var channel: Channel
        public var facts: OrderFacts
        public var lines: [RoutingPlanner.Line]
        public init(order: Order, channel: Channel, facts: OrderFacts, lines: [RoutingPlanner.Line]) {
            self.order = order
            self.channel = channel
            self.facts = facts
            self.lines = lines
        }
    }

    public struct Summary: Sendable, Equatable {
        /// `id@version`; `standard@0` is each channel's own routing.
        public var strategy: String
        public var orders = 0
        /// Every unit allocated now.
        public var fullyRoutable = 0
        /// Some units would wait for stock.
        public var backordered = 0
        /// The order would be refused (a rule or channel that rejects shortages).
        public var refused = 0
        /// Held by a rule whose `onFailure` is `hold`.
        public var held = 0
        /// Distinct ship-from locations per order that allocates anything.
        public var averageLocations = 0.0
        /// Mean kilometres from each location used to the order's destination (orders with coordinates).
        public var averageDistanceKm: Double?
        public var unitsFromStores: Int64 = 0
        public var unitsFromWarehouses: Int64 = 0
        public var unitsFromSuppliers: Int64 = 0
    }

    /// An order the strategies would route differently: each strategy's plan in short
    /// (`DC×2 + ST-UTR×1`, `waits 3`, `refused`).
    public struct Difference: Sendable, Equatable {
        public var order: OrderID
        public var number: String
        public var plans: [String]
    }

    public struct Result: Sendable, Equatable {
        public var summaries: [Summary]
        public var differences: [Difference]
        /// Orders replayed, of `total` asked; fewer when the time ran out (`complete` false).
        public var replayed: Int
        public var total: Int
        public var complete: Bool { replayed == total }
    }

    /// Differences listed at most.
    public static let maxDifferences = 200

    /// Replays `cases` against each of `strategies` (nil: the channel's own routing) on `base`
    /// (today's stock, locations and capacity), stopping at `deadline`.
    public static func compare(
        _ cases: [Case], strategies: [RoutingStrategy?], base: RoutingPlanner.Snapshot, deadline: ContinuousClock.Instant
    ) -> Result {
        var summaries = strategies.map { Summary(strategy: ($0 ?? RoutingStrategy(id: RoutingStrategy.standardID, version: 0, rules: [])).reference) }
        var locationsUsed = [Int](repeating: 0, count: strategies.count)
        var allocating = [Int](repeating: 0, count: strategies.count)
        var distance = [(total: Double, count: Int)](repeating: (0, 0), count: strategies.count)
        var differences: [Difference] = []
        var replayed = 0
        for replay in cases {
            if ContinuousClock.now >= deadline { break }
            var snapshot = base
            snapshot.channel = replay.channel
            snapshot.destination = replay.order.coordinates
            var shorts: [String] = []
            for (s, strategy) in strategies.enumerated() {
                snapshot.strategy = strategy
                let (plan, refused) = RoutingPlanner.attempt(replay.lines, snapshot, facts: replay.facts, trace: false)
                summaries[s].orders += 1
                if !refused.isEmpty {
                    summaries[s].refused += 1
                    shorts.append("refused")
                    continue
                }
                if plan.backorders.isEmpty { summaries[s].fullyRoutable += 1 } else { summaries[s].backordered += 1 }
                if plan.hold != nil { summaries[s].held += 1 }
                var units: [LocationID: Int64] = [:]
                for allocation in plan.allocations {
                    units[allocation.locationId, default: 0] += allocation.quantity
                    switch base.locations[allocation.locationId]?.kind {
                    case .store?: summaries[s].unitsFromStores += allocation.quantity
                    case .supplier?: summaries[s].unitsFromSuppliers += allocation.quantity
                    default: summaries[s].unitsFromWarehouses += allocation.quantity
                    }
                }
                if !units.isEmpty {
                    allocating[s] += 1
                    locationsUsed[s] += units.count
                }
                if let destination = replay.order.coordinates {
                    for id in units.keys {
                        guard let coordinates = base.locations[id]?.coordinates else { continue }
                        distance[s].total += destination.distanceKm(to: coordinates)
                        distance[s].count += 1
                    }
                }
                var short = units.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " + ")
                let waiting = plan.backorders.reduce(0) { $0 + $1.quantity }
                if waiting > 0 { short += (short.isEmpty ? "" : ", ") + "waits \(waiting)" }
                shorts.append(short)
            }
            replayed += 1
            if Set(shorts).count > 1, differences.count < maxDifferences {
                differences.append(.init(order: replay.order.id, number: replay.order.number, plans: shorts))
            }
        }
        for s in summaries.indices {
            summaries[s].averageLocations = allocating[s] > 0 ? rounded(Double(locationsUsed[s]) / Double(allocating[s])) : 0
            summaries[s].averageDistanceKm = distance[s].count > 0 ? rounded(distance[s].total / Double(distance[s].count)) : nil
        }
        return Result(summaries: summaries, differences: differences, replayed: replayed, total: cases.count)
    }

    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
