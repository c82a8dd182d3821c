import ArgumentParser
import Foundation
import OrderlyCore

/// The routing planner alone: an order of `lines` lines against `locations` candidate
/// locations, each holding a random part of the skus. Reports p50/p99 per plan, and the
/// time of a baseline that only scans the same stock once (the floor any planner pays).
///
/// `--rules N` routes by a strategy of N rules instead of the channel's own routing: each
/// location is in one of ten zones (`location.tags`); rules 1 to N-1 apply to every order
/// (`order.total gte 0`), keep to one zone within 300 km and at most 2 locations, and give
/// way (`onFailure: next`) — they cannot fill 30 units — so every rule runs; rule N weighs all
/// six criteria over every location and keeps what it finds (`partial`).
struct RoutingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routing", abstract: "Routing planner latency.")

    @Option var lines: Int = 10
    @Option var locations: Int = 1000
    @Option var iterations: Int = 2000
    @Option(help: "Route by a strategy of this many rules (0: the channel's own routing).") var rules: Int = 0

    func run() throws {
        var generator = SplitMix(seed: 42)
        var locationMap: [LocationID: Location] = [:]
        var stock: [SKU: [LocationID: Int64]] = [:]
        var capacity: [LocationID: Int] = [:]
        for i in 0..<locations {
            let id = LocationID("L\(i)")
            locationMap[id] = Location(
                id: id, name: "L\(i)", kind: i % 5 == 0 ? .store : .warehouse,
                coordinates: .init(latitude: 50.8 + Double(generator.next() % 2500) / 1000, longitude: 3.4 + Double(generator.next() % 3700) / 1000),
                priority: Int(generator.next() % 100))
            locationMap[id]?.tags = ["zone-\(i % 10)"]
            if i % 3 == 0 { capacity[id] = 1 + Int(generator.next() % 50) }
            for s in 0..<lines where generator.next() % 3 != 0 { stock[SKU("S\(s)"), default: [:]][id] = Int64(generator.next() % 5) }
        }
        let orderLines = (0..<lines).map {
            RoutingPlanner.Line(index: $0, quantity: 3, delivery: .ship, product: Product(sku: SKU("S\($0)"), name: "S\($0)"))
        }
        var snapshot = RoutingPlanner.Snapshot(
            channel: Channel(id: "web", name: "Web", kind: .web, routing: .init(onShortage: .partial)), locations: locationMap, stock: stock,
            capacityLeft: rules > 0 ? capacity : [:], destination: Coordinates(latitude: 52.37, longitude: 4.89), now: Date())
        var facts: OrderFacts?
        if rules > 0 {
            snapshot.strategy = try Self.strategy(rules: rules)
            let order = Order(
                id: "ord_bench", number: "ORD-BENCH", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
                totals: OrderTotals(subtotal: 30000, shipping: 0, discount: 0), shippingAddress: Address(country: "NL"), coordinates: nil,
                lines: orderLines.map { OrderLine(number: $0.index + 1, sku: $0.product.sku, quantity: 3, unitPrice: 1000, delivery: .ship) },
                createdAt: Date())
            facts = OrderFacts(order, now: Date())
        }

        var planTimes: [Double] = []
        var scanTimes: [Double] = []
        var checksum: Int64 = 0
        for _ in 0..<iterations {
            let t0 = ContinuousClock.now
            let plan = try RoutingPlanner.plan(orderLines, snapshot, facts: facts)
            planTimes.append(milliseconds(ContinuousClock.now - t0))
            checksum &+= plan.allocations.reduce(0) { $0 + $1.quantity }
            let t1 = ContinuousClock.now
            var total: Int64 = 0
            for line in orderLines { for (_, available) in stock[line.product.sku] ?? [:] { total &+= available } }
            scanTimes.append(milliseconds(ContinuousClock.now - t1))
            checksum &+= total
        }
        planTimes.sort()
        scanTimes.sort()
        let p = { (values: [Double], q: Double) in values[min(values.count - 1, Int(Double(values.count) * q))] }
        let by = rules > 0 ? "a strategy of \(rules) rules" : "the channel's own routing"
        print("routing by \(by): \(lines) lines × \(locations) locations, \(iterations) plans (checksum \(checksum))")
        print("| | p50 ms | p99 ms |")
        print("|---|---:|---:|")
        print(String(format: "| plan | %.3f | %.3f |", p(planTimes, 0.5), p(planTimes, 0.99)))
        print(String(format: "| one scan of the same stock (floor) | %.3f | %.3f |", p(scanTimes, 0.5), p(scanTimes, 0.99)))
    }

    /// The strategy `--rules` describes.
    static func strategy(rules: Int) throws -> RoutingStrategy {
        var items: [RuleValue] = []
        for r in 0..<(rules - 1) {
            items.append(
                .object([
                    "name": .string("zone \(r % 10)"), "when": .object(["fact": .string("order.total"), "op": .string("gte"), "value": .integer(0)]),
                    "locations": .object([
                        "all": .list([
                            .object(["fact": .string("location.tags"), "op": .string("contains"), "value": .string("zone-\(r % 10)")]),
                            .object(["fact": .string("location.distanceKm"), "op": .string("lte"), "value": .integer(300)]),
                        ])
                    ]),
                    "maxSplits": .integer(2), "onFailure": .string("next"),
                ]))
        }
        let weights = RoutingStrategy.Criterion.allCases.map { criterion -> RuleValue in
            var weight: [String: RuleValue] = ["criterion": .string(criterion.rawValue), "weight": .integer(1)]
            if criterion == .shippingCost { weight["costs"] = .object(["L0": .integer(495), "L1": .integer(695)]) }
            return .object(weight)
        }
        items.append(.object(["name": .string("everywhere"), "scoring": .list(weights), "onFailure": .string("partial")]))
        return try RoutingStrategy.parse(id: "bench", .object(["rules": .list(items)]))
    }

    private func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

/// A small deterministic generator so every run routes the same network.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
