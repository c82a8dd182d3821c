import Foundation
import Testing

@testable import OrderlyCore

@Suite("Routing strategies")
struct RoutingStrategyTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    // From Amsterdam: Utrecht about 35 km, the DC about 90 km, North about 145 km.
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let north: Location = {
        var north = Location(id: "WH-N", name: "North", kind: .warehouse, coordinates: .init(latitude: 53.2, longitude: 6.56), priority: 20)
        north.tags = ["region-north"]
        return north
    }()
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)
    let amsterdam = Coordinates(latitude: 52.37, longitude: 4.89)

    static func strategy(_ text: String, id: String = "eu", version: Int = 3) throws -> RoutingStrategy {
        try RoutingStrategy.parse(id: id, version: version, try JSONDecoder().decode(RuleValue.self, from: Data(text.utf8)))
    }

    func snapshot(_ stock: [SKU: [LocationID: Int64]], strategy: RoutingStrategy?, capacity: [LocationID: Int] = [:]) -> RoutingPlanner.Snapshot {
        var snapshot = RoutingPlanner.Snapshot(
            channel: Channel(id: "web", name: "Web", kind: .web), locations: [dc.id: dc, north.id: north, utrecht.id: utrecht], stock: stock,
            capacityLeft: capacity, destination: amsterdam, now: Self.now)
        snapshot.strategy = strategy
        return snapshot
    }

    func line(_ index: Int, _ sku: SKU, _ quantity: Int64) -> RoutingPlanner.Line {
        .init(index: index, quantity: quantity, delivery: .ship, product: Product(sku: sku, name: sku.rawValue))
    }

    /// The facts of an order worth `total` minor units.
    func facts(total: Int64, tags: [String] = []) -> OrderFacts {
        let order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: total, shipping: 0, discount: 0), shippingAddress: Address(country: "NL"), coordinates: amsterdam,
            lines: [OrderLine(number: 1, sku: "A", quantity: 1, unitPrice: total, delivery: .ship)], tags: tags, createdAt: Self.now)
        return OrderFacts(order, now: Self.now)
    }

    static let byValue = """
        {"rules": [
          {"name": "big orders from warehouses", "when": {"fact": "order.total", "op": "gte", "value": 50000},
           "locations": {"fact": "location.type", "op": "eq", "value": "warehouse"},
           "scoring": [{"criterion": "distance", "weight": 1}], "onFailure": "next"},
          {"name": "nearest", "scoring": [{"criterion": "distance", "weight": 3}, {"criterion": "priority", "weight": 1}], "onFailure": "partial"}
        ]}
        """

    @Test func aRuleIsChosenByOrderValue() throws {
        let strategy = try Self.strategy(Self.byValue)
        let stock: [SKU: [LocationID: Int64]] = ["A": ["ST-UTR": 5, "DC": 5, "WH-N": 5]]
        let big = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(stock, strategy: strategy), facts: facts(total: 60000))
        #expect(big.allocations.map(\.locationId) == ["DC"])
        #expect(big.allocations[0].reason.hasPrefix("ship from DC: strategy eu@3 rule 1 'big orders from warehouses', score 1.00 vs WH-N 0.00"))
        #expect(big.allocations[0].reason.hasSuffix("distance 90 km vs 145 km"))
        let small = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(stock, strategy: strategy), facts: facts(total: 49999))
        #expect(small.allocations.map(\.locationId) == ["ST-UTR"])
        #expect(small.allocations[0].reason.contains("rule 2 'nearest'"))
        // Without facts, only rules for every order apply.
        let blind = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(stock, strategy: strategy))
        #expect(blind.allocations.map(\.locationId) == ["ST-UTR"])
    }

    @Test func onFailureNextFallsThroughToTheNextRule() throws {
        let strategy = try Self.strategy(
            """
            {"rules": [
              {"name": "stores only", "locations": {"fact": "location.type", "op": "eq", "value": "store"}, "onFailure": "next"},
              {"name": "any warehouse", "locations": {"fact": "location.type", "op": "eq", "value": "warehouse"}, "maxSplits": 1, "onFailure": "reject"}
            ]}
            """)
        // The store has 1 of 3: rule 1 cannot fill the order and gives way; the DC has all 3.
        let result = RoutingPlanner.attempt(
            [line(0, "A", 3)], snapshot(["A": ["ST-UTR": 1, "DC": 3, "WH-N": 1]], strategy: strategy), facts: facts(total: 100), trace: true)
        #expect(result.refused.isEmpty)
        #expect(result.plan.allocations.map(\.locationId) == ["DC"] && result.plan.allocations.map(\.quantity) == [3])
        let trace = try #require(result.plan.trace)
        #expect(trace.strategy == "eu@3")
        #expect(trace.rules.map(\.outcome) == ["could not fill the order: next rule", "filled"])
        #expect(trace.rules[0].candidates == 1 && trace.rules[1].candidates == 2)
        #expect(trace.rules[1].rounds[0].candidates.map(\.location) == ["DC", "WH-N"])
        #expect(trace.rules[1].rounds[0].candidates[1].lost == "fills 0 line(s), 1 unit(s) vs 1, 3")

        // Nowhere has 3: rule 2 (one location at most) rejects the order.
        #expect(throws: OrderlyError.self) {
            try RoutingPlanner.plan(
                [line(0, "A", 3)], snapshot(["A": ["ST-UTR": 1, "DC": 2, "WH-N": 1]], strategy: strategy), facts: facts(total: 100))
        }
    }

    @Test func theLastRuleGivingWayLeavesTheChannelPolicy() throws {
        let strategy = try Self.strategy(
            #"{"rules": [{"name": "stores only", "locations": {"fact": "location.type", "op": "eq", "value": "store"}}]}"#)
        let plan = try RoutingPlanner.plan([line(0, "A", 3)], snapshot(["A": ["ST-UTR": 1, "DC": 3]], strategy: strategy), facts: facts(total: 100))
        #expect(plan.allocations.isEmpty)
        #expect(plan.backorders.map(\.quantity) == [3])
        #expect(plan.backorders[0].reason == "backorder (no rule of eu@3 filled it): awaiting stock")
    }

    @Test func aLocationFilterByTagAndDistance() throws {
        let strategy = try Self.strategy(
            """
            {"rules": [
              {"name": "north", "locations": {"fact": "location.tags", "op": "contains", "value": "region-north"}, "onFailure": "next"},
              {"name": "within 100 km", "locations": {"fact": "location.distanceKm", "op": "lte", "value": 100}, "tieBreaks": ["priority"], "onFailure": "partial"}
            ]}
            """)
        let tagged = try RoutingPlanner.plan([line(0, "A", 2)], snapshot(["A": ["ST-UTR": 5, "DC": 5, "WH-N": 5]], strategy: strategy))
        #expect(tagged.allocations.map(\.locationId) == ["WH-N"])
        #expect(tagged.allocations[0].reason.hasPrefix("ship from WH-N: strategy eu@3 rule 1 'north', fills 1 of 1 remaining line(s)"))
        // North has none: within 100 km, by priority, the DC (10) before Utrecht (50); North (145 km) is never used.
        let near = try RoutingPlanner.plan([line(0, "A", 4)], snapshot(["A": ["ST-UTR": 2, "DC": 3, "WH-N": 0]], strategy: strategy))
        #expect(near.allocations.map(\.locationId) == ["DC", "ST-UTR"] && near.allocations.map(\.quantity) == [3, 1])
        let far = try RoutingPlanner.plan([line(0, "A", 4)], snapshot(["A": ["ST-UTR": 1, "DC": 1, "WH-N": 0]], strategy: strategy))
        #expect(far.allocations.map(\.quantity) == [1, 1])
        #expect(far.backorders.map(\.quantity) == [2] && far.backorders[0].reason == "partial allocation (rule 2 'within 100 km'): awaiting stock")
    }

    @Test func weightedCriteriaScoreZeroToOne() throws {
        let strategy = try Self.strategy(
            """
            {"rules": [{"name": "cheap and deep", "scoring": [
              {"criterion": "shippingCost", "weight": 3, "costs": {"DC": 495, "ST-UTR": 895}, "default": 695},
              {"criterion": "stockAfter", "weight": 1}, {"criterion": "capacityLeft", "weight": 1}], "onFailure": "hold"}]}
            """)
        let result = RoutingPlanner.attempt(
            [line(0, "A", 2)], snapshot(["A": ["ST-UTR": 10, "DC": 2, "WH-N": 6]], strategy: strategy, capacity: ["DC": 1, "WH-N": 4]),
            facts: nil, trace: true)
        // DC: cost 1, stock after 0, capacity 1/4 → (3 + 0 + 0.25) / 5 = 0.65; WH-N: cost 0.5, 4/8, 1 → (1.5 + 0.5 + 1) / 5 = 0.6;
        // Utrecht: cost 0, 8/8, unlimited 1 → 2/5 = 0.4.
        let round = try #require(result.plan.trace?.rules.first?.rounds.first)
        #expect(round.candidates.map(\.location) == ["DC", "WH-N", "ST-UTR"])
        #expect(round.candidates.map(\.score) == [0.65, 0.6, 0.4])
        #expect(round.candidates[0].criteria == ["shippingCost": 1, "stockAfter": 0, "capacityLeft": 0.25])
        #expect(round.candidates[1].lost == "score 0.60 vs 0.65: shipping cost 495 vs 695")
        #expect(
            result.plan.allocations[0].reason
                == "ship from DC: strategy eu@3 rule 1 'cheap and deep', score 0.65 vs WH-N 0.60: shipping cost 495 vs 695")
        #expect(result.plan.hold == nil)

        // Short everywhere: hold keeps what it found, backorders the rest and asks a person.
        let short = RoutingPlanner.attempt([line(0, "A", 20)], snapshot(["A": ["DC": 2]], strategy: strategy), facts: nil, trace: false)
        #expect(short.plan.allocations.map(\.quantity) == [2] && short.plan.backorders.map(\.quantity) == [18])
        #expect(short.plan.hold == "strategy eu@3 rule 1 'cheap and deep' could not fill the order")
    }

    @Test func theStandardStrategyIsTheChannelsRouting() throws {
        var channel = Channel(id: "web", name: "Web", kind: .web)
        channel.routing = RoutingPolicy(shipFromStore: false, onShortage: .partial, maxSplits: 2, criteria: [.priority, .distance])
        let standard = RoutingStrategy.standard(for: channel)
        #expect(standard.reference == "standard@0")
        #expect(
            standard.rules == [
                .init(
                    name: "channel routing", locations: .not(.compare(fact: "location.type", op: .eq, value: .string("store"))),
                    scoring: .ordered([.priority, .distance]), maxSplits: 2, onFailure: .partial)
            ])
        // The same rule saved as a strategy routes the same units, naming itself in the reason.
        var snapshot = snapshot(["A": ["ST-UTR": 5, "DC": 1, "WH-N": 1], "B": ["WH-N": 1]], strategy: nil)
        snapshot.channel = channel
        let lines = [line(0, "A", 3), line(1, "B", 1)]
        let today = try RoutingPlanner.plan(lines, snapshot)
        snapshot.strategy = try Self.strategy(
            #"{"rules": [{"name": "channel routing", "locations": {"not": {"fact": "location.type", "op": "eq", "value": "store"}}, "tieBreaks": ["priority", "distance"], "maxSplits": 2, "onFailure": "partial"}]}"#
        )
        let saved = try RoutingPlanner.plan(lines, snapshot)
        #expect(today.allocations.map(\.locationId) == ["DC", "WH-N", "WH-N"] && today.backorders.map(\.quantity) == [1])
        #expect(saved.allocations.map(\.locationId) == today.allocations.map(\.locationId))
        #expect(saved.allocations.map(\.quantity) == today.allocations.map(\.quantity) && saved.backorders.map(\.quantity) == [1])
        #expect(today.allocations[0].reason == "ship from DC: fills 0 of 2 remaining line(s), 89.8 km, priority 10")
    }

    @Test func savingRefusesByJSONPath() throws {
        func problems(_ text: String) -> [String] {
            do {
                _ = try Self.strategy(text)
                return []
            } catch let error as OrderlyError {
                return error.fieldErrors.map(\.field)
            } catch { return ["?"] }
        }
        #expect(problems(#"{"rules": []}"#) == ["rules"])
        #expect(
            problems(#"{"rules": [{"name": "a", "locations": {"all": [{"fact": "location.colour", "op": "eq", "value": 1}]}}]}"#) == [
                "rules[0].locations.all[0].fact"
            ])
        #expect(problems(#"{"rules": [{"name": "a", "when": {"fact": "location.type", "op": "eq", "value": "store"}}]}"#) == ["rules[0].when.fact"])
        #expect(problems(#"{"rules": [{"name": "a", "scoring": [{"criterion": "speed"}]}]}"#) == ["rules[0].scoring[0].criterion"])
        #expect(problems(#"{"rules": [{"name": "a", "onFailure": "pray", "maxSplits": 0}]}"#) == ["rules[0].maxSplits", "rules[0].onFailure"])
        #expect(problems(#"{"rules": [{"name": "a"}, {"name": "a"}]}"#) == ["rules[1].name"])
        #expect((try? RoutingStrategy.parse(id: "standard", try JSONDecoder().decode(RuleValue.self, from: Data(Self.byValue.utf8)))) == nil)
        let strategy = try Self.strategy(Self.byValue)
        #expect(try RoutingStrategy.parse(id: "eu", version: 3, strategy.json) == strategy)
    }
    /// A comparison counts, per strategy, what each replayed order would get, lists the orders
    /// routed differently, and stops at its deadline saying how far it came.
    @Test func aComparisonCountsEachStrategyAndStopsAtItsDeadline() throws {
        let stores = try Self.strategy(
            #"{"rules": [{"name": "stores", "locations": {"fact": "location.type", "op": "eq", "value": "store"}, "onFailure": "hold"}]}"#)
        let base = snapshot(["A": ["ST-UTR": 1, "DC": 5]], strategy: nil)
        func replay(_ n: Int, units: Int64) -> RoutingComparison.Case {
            let order = Order(
                id: OrderID("ord_\(n)"), number: "ORD-\(n)", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
                totals: OrderTotals(subtotal: 100, shipping: 0, discount: 0), shippingAddress: nil, coordinates: amsterdam,
                lines: [OrderLine(number: 1, sku: "A", quantity: units, unitPrice: 100, delivery: .ship)], createdAt: Self.now)
            return .init(order: order, channel: base.channel, facts: OrderFacts(order, now: Self.now), lines: [line(0, "A", units)])
        }
        let cases = [replay(1, units: 1), replay(2, units: 3)]
        let result = RoutingComparison.compare(cases, strategies: [nil, stores], base: base, deadline: .now + .seconds(60))
        #expect(result.complete && result.replayed == 2)
        #expect(result.summaries.map(\.strategy) == ["standard@0", "eu@3"])
        // The channel's routing: Utrecht for 1 unit (nearest), the DC for 3. Stores only: Utrecht's 1 each time, the
        // second order held with 2 waiting.
        #expect(result.summaries[0].fullyRoutable == 2 && result.summaries[0].unitsFromStores == 1 && result.summaries[0].unitsFromWarehouses == 3)
        #expect(result.summaries[1].fullyRoutable == 1 && result.summaries[1].backordered == 1 && result.summaries[1].held == 1)
        #expect(result.summaries[1].unitsFromStores == 2 && result.summaries[1].averageLocations == 1)
        #expect(result.differences.map(\.plans) == [["DC×3", "ST-UTR×1, waits 2"]])
        let late = RoutingComparison.compare(cases, strategies: [nil, stores], base: base, deadline: .now)
        #expect(!late.complete && late.replayed == 0 && late.total == 2)
    }
}
