import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Routing strategies API")
struct RoutingStrategiesAPITests {
    /// Big orders only from warehouses; otherwise southern stores within 100 km, nearest first;
    /// otherwise anywhere, the channel's way.
    static var rules: [[String: Any]] {
        [
            [
                "name": "big from warehouses", "when": ["fact": "order.total", "op": "gte", "value": 50000],
                "locations": ["fact": "location.type", "op": "eq", "value": "warehouse"], "onFailure": "next",
            ],
            [
                "name": "south stores near",
                "locations": [
                    "all": [
                        ["fact": "location.tags", "op": "contains", "value": "region-south"],
                        ["fact": "location.distanceKm", "op": "lte", "value": 100],
                    ]
                ],
                "scoring": [["criterion": "distance", "weight": 2], ["criterion": "stockAfter", "weight": 1]], "onFailure": "next",
            ],
            ["name": "anywhere", "onFailure": "partial"],
        ]
    }

    /// A southern store in Maastricht, some 180 km from Amsterdam, and Rotterdam tagged south.
    static func southernStores(_ app: TestApp) async throws {
        try await app.send(
            .post, "/v1/locations",
            json: ["id": "ST-MAA", "name": "Maastricht store", "type": "store", "latitude": 50.85, "longitude": 5.69, "tags": ["region-south"]]
        ).expect(201)
        try await app.send(.patch, "/v1/locations/ST-RTM", json: ["tags": ["region-south"]]).expect(200)
    }

    static func place(_ app: TestApp, _ externalId: String, units: Int, unitPrice: Int) async throws -> [String: Any] {
        try await app.send(
            .post, "/v1/orders",
            json: OrdersAPITests.order(externalId: externalId, lines: [["sku": "SKU-1", "quantity": units, "unitPrice": unitPrice]])
        ).expect(201).json
    }

    /// Where an order's units were allocated: location → units, from its fulfillment orders.
    static func sources(_ order: [String: Any]) -> [String: Int] {
        var units: [String: Int] = [:]
        for fo in order["fulfillmentOrders"] as? [[String: Any]] ?? [] {
            let quantity = (fo["lines"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["quantity"] as? NSNumber)?.intValue ?? 0) }
            units[fo["locationId"] as? String ?? "?", default: 0] += quantity
        }
        return units
    }

    /// The reasons the order's allocation gave, from its timeline.
    static func reasons(_ app: TestApp, _ order: [String: Any]) async throws -> [String] {
        let timeline = try await app.send(.get, "/v1/orders/\(order["id"] as? String ?? "")/events").expect(200).items
        return timeline.filter { $0["type"] as? String == "order.allocated" }.flatMap {
            (($0["data"] as? [String: Any])?["allocations"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        }
    }

    /// A channel routed by a strategy: the rule is chosen by the order's value, a rule that
    /// cannot fill the order gives way to the next, and the location filter keeps to stores
    /// tagged south and within 100 km. Each order names the strategy version; the reasons the rule.
    @Test(arguments: Engine.all)
    func aChannelRoutesByItsStrategy(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.southernStores(app)
            try await app.send(.put, "/v1/routing-strategies/by-value", json: ["rules": Self.rules]).expect(200)
            let channel = try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "by-value"]]).expect(200)
            #expect((channel["routing"] as? [String: Any])?["strategy"] as? String == "by-value")
            for (location, units) in [("WH-AMS", 1), ("ST-UTR", 5), ("ST-RTM", 5), ("ST-MAA", 10)] {
                try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": units]).expect(200)
            }

            // 600.00: rule 1, the warehouse.
            let big = try await Self.place(app, "big-1", units: 1, unitPrice: 60000)
            #expect(Self.sources(big) == ["WH-AMS": 1] && big["routingStrategy"] as? String == "by-value@1")
            #expect(try await Self.reasons(app, big).first?.hasPrefix("ship from WH-AMS: strategy by-value@1 rule 1 'big from warehouses'") == true)
            // 20.00: rule 2, Rotterdam (south, 57 km) — not Utrecht (nearer, not south), not Maastricht (too far).
            let small = try await Self.place(app, "small-1", units: 2, unitPrice: 1000)
            #expect(Self.sources(small) == ["ST-RTM": 2])
            #expect(
                try await Self.reasons(app, small).first?.hasPrefix("ship from ST-RTM: strategy by-value@1 rule 2 'south stores near', score") == true
            )
            // 1,200.00 with the warehouse empty: rule 1 cannot fill it and gives way to rule 2.
            let bigAgain = try await Self.place(app, "big-2", units: 2, unitPrice: 60000)
            #expect(Self.sources(bigAgain) == ["ST-RTM": 2])
            // 4 units: Rotterdam has 1 and Maastricht is too far, so rule 3 takes Utrecht's.
            let many = try await Self.place(app, "many-1", units: 4, unitPrice: 1000)
            #expect(Self.sources(many) == ["ST-UTR": 4])
            #expect(try await Self.reasons(app, many).first?.contains("rule 3 'anywhere', fills 1 of 1 remaining line(s)") == true)
            for (location, reserved) in [("WH-AMS", 1), ("ST-RTM", 4), ("ST-UTR", 4), ("ST-MAA", 0)] {
                #expect(try await app.send(.get, "/v1/inventory/SKU-1/\(location)").expect(200).int("reserved") == reserved, "\(location)")
            }

            // Without the strategy the channel routes its own way again: the nearest with stock.
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": ""]]).expect(200)
            let plain = try await Self.place(app, "plain-1", units: 1, unitPrice: 1000)
            #expect(Self.sources(plain) == ["ST-UTR": 1] && plain["routingStrategy"] == nil)
        }
    }

    /// Versions and rollback; a strategy refused by its path, an unknown one refused for a
    /// channel, a channel's key refused: each with the database unchanged.
    @Test(arguments: Engine.all)
    func versionsRollBackAndRefusalsChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.southernStores(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-RTM", json: ["onHand": 5]).expect(200)
            let first = try await app.send(.put, "/v1/routing-strategies/south", json: ["rules": [Self.rules[1]]]).expect(200)
            #expect(first.int("version") == 1 && first["active"] as? Bool == true && (first["rules"] as? [Any])?.count == 1)
            let second = try await app.send(.put, "/v1/routing-strategies/south", json: ["rules": [Self.rules[2]]]).expect(200)
            #expect(second.int("version") == 2)
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "south"]]).expect(200)
            let v2 = try await Self.place(app, "v2", units: 1, unitPrice: 1000)
            #expect(Self.sources(v2) == ["ST-UTR": 1] && v2["routingStrategy"] as? String == "south@2")

            let back = try await app.send(.post, "/v1/routing-strategies/south/activate", json: ["version": 1]).expect(200)
            #expect(back.int("version") == 1 && back["active"] as? Bool == true)
            let versions = try await app.send(.get, "/v1/routing-strategies/south/versions").expect(200).items
            #expect(versions.map { ($0["version"] as? NSNumber)?.intValue } == [2, 1] && versions.map { $0["active"] as? Bool } == [false, true])
            let v1 = try await Self.place(app, "v1", units: 1, unitPrice: 1000)
            #expect(Self.sources(v1) == ["ST-RTM": 1] && v1["routingStrategy"] as? String == "south@1", "rolled back at once")
            #expect(try await app.send(.get, "/v1/routing-strategies").expect(200).items.map { $0["id"] as? String } == ["south"])
            let events = try await app.send(.get, "/v1/events?limit=500").expect(200).items.compactMap { $0["type"] as? String }
            #expect(events.filter { $0 == "routing_strategy.saved" }.count == 2 && events.contains("routing_strategy.activated"))

            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            let before = try await DatabaseImage.of(app.stores.database)
            var bad = Self.rules
            bad[1]["locations"] = ["all": [["fact": "location.colour", "op": "eq", "value": "red"]]]
            bad[2]["onFailure"] = "pray"
            let refused = try await app.send(.put, "/v1/routing-strategies/south", json: ["rules": bad]).expect(400)
            #expect(refused.fields == ["rules[1].locations.all[0].fact", "rules[2].onFailure"])
            try await app.send(.put, "/v1/routing-strategies/standard", json: ["rules": Self.rules]).expect(400)
            try await app.send(.put, "/v1/routing-strategies/south", json: ["rules": []]).expect(400)
            try await app.send(.post, "/v1/routing-strategies/south/activate", json: ["version": 9]).expect(404)
            try await app.send(.get, "/v1/routing-strategies/north").expect(404)
            let unknown = try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "north"]]).expect(400)
            #expect(unknown.fields == ["routing.strategy"])
            try await app.send(.put, "/v1/routing-strategies/south", json: ["rules": Self.rules], key: pos).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refusals save nothing")
        }
    }

    /// Simulation shows the plan, every rule tried and the candidates' scores; comparison
    /// replays past orders against two strategies. Neither changes anything.
    @Test(arguments: Engine.all)
    func simulateAndCompareChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.southernStores(app)
            for (location, units) in [("WH-AMS", 1), ("ST-UTR", 5), ("ST-RTM", 5), ("ST-MAA", 10)] {
                try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": units]).expect(200)
            }
            try await app.send(.put, "/v1/routing-strategies/by-value", json: ["rules": Self.rules]).expect(200)
            var placed: [String] = []
            for (i, units) in [1, 2, 1].enumerated() {
                placed.append(try await Self.place(app, "past-\(i)", units: units, unitPrice: 1000)["id"] as? String ?? "")
            }

            let before = try await DatabaseImage.of(app.stores.database)
            // Left: Amsterdam 0, Utrecht 2, Rotterdam 5, Maastricht 10. A draft order of 6 units by the saved
            // strategy: rule 1 does not apply, rule 2 (Rotterdam only) gives way, rule 3 fills it.
            let draft = OrdersAPITests.order(externalId: "sim", lines: [["sku": "SKU-1", "quantity": 6, "unitPrice": 1000]])
            let simulated = try await app.send(.post, "/v1/routing/simulate", json: ["order": draft, "strategy": "by-value"]).expect(200)
            #expect(simulated["strategy"] as? String == "by-value@1")
            let rules = simulated["rules"] as? [[String: Any]] ?? []
            #expect(rules.map { $0["outcome"] as? String } == ["not applicable", "could not fill the order: next rule", "filled"])
            #expect(rules.map { ($0["candidates"] as? NSNumber)?.intValue } == [0, 1, 4], "south within 100 km is Rotterdam only")
            let round = ((rules[2]["rounds"] as? [[String: Any]])?.first?["candidates"] as? [[String: Any]]) ?? []
            #expect(round.map { $0["locationId"] as? String } == ["ST-MAA", "ST-RTM", "ST-UTR"], "the channel's way: fewest locations first")
            #expect(round.dropFirst().allSatisfy { ($0["lost"] as? String)?.isEmpty == false })
            let allocations = simulated["allocations"] as? [[String: Any]] ?? []
            #expect(allocations.map { $0["locationId"] as? String } == ["ST-MAA"] && allocations.map { $0.int("quantity") } == [6])

            // A placed order against an inline strategy: warehouses only, one location, reject when short.
            let inline: [String: Any] = [
                "rules": [
                    [
                        "name": "dc only", "locations": ["fact": "location.type", "op": "eq", "value": "warehouse"], "maxSplits": 1,
                        "onFailure": "reject",
                    ]
                ]
            ]
            let rejected = try await app.send(.post, "/v1/routing/simulate", json: ["orderId": placed[1], "strategy": inline]).expect(200)
            #expect(rejected["strategy"] as? String == "draft@0")
            #expect((rejected["refused"] as? [[String: Any]])?.first?.int("requested") == 2)
            let bad = try await app.send(.post, "/v1/routing/simulate", json: ["orderId": placed[1], "strategy": ["rules": []]]).expect(400)
            #expect(bad.fields == ["rules"])
            try await app.send(.post, "/v1/routing/simulate", json: ["orderId": placed[1], "strategy": "by-value@7"]).expect(404)

            // The three past orders against the channel's own routing and the strategy.
            let compared = try await app.send(
                .post, "/v1/routing/compare", json: ["strategies": ["standard", "by-value"], "orders": ["last": 10]]
            ).expect(200)
            #expect(compared.int("replayed") == 3 && compared.int("total") == 3 && compared["complete"] as? Bool == true)
            let summaries = compared["strategies"] as? [[String: Any]] ?? []
            #expect(summaries.map { $0["strategy"] as? String } == ["standard@0", "by-value@1"])
            #expect(summaries.map { $0.int("fullyRoutable") } == [3, 3])
            // Each replayed on today's stock: the channel's own routing takes Utrecht (nearest), the strategy Rotterdam.
            #expect(summaries[1].int("unitsFromStores") == 4 && summaries[1].int("unitsFromWarehouses") == 0)
            #expect((summaries[1]["averageLocations"] as? NSNumber)?.doubleValue == 1)
            let differences = compared["differences"] as? [[String: Any]] ?? []
            #expect(differences.allSatisfy { ($0["plans"] as? [String])?.last?.hasPrefix("ST-RTM×") == true })
            let tooMany = try await app.send(.post, "/v1/routing/compare", json: ["strategies": ["standard"], "orders": ["last": 5000]]).expect(400)
            #expect(tooMany.fields == ["strategies", "orders.last"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "simulations and comparisons change nothing")
        }
    }

    /// A workflow stage chooses the strategy by condition: orders of 500.00 or more only from
    /// warehouses, the rest from stores; a stage naming an unknown strategy is refused.
    @Test(arguments: Engine.all)
    func aWorkflowStageChoosesTheStrategy(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            for (location, units) in [("WH-AMS", 5), ("ST-UTR", 5)] {
                try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": units]).expect(200)
            }
            let only = { (type: String) -> [String: Any] in
                ["rules": [["name": "\(type)s only", "locations": ["fact": "location.type", "op": "eq", "value": type], "onFailure": "partial"]]]
            }
            try await app.send(.put, "/v1/routing-strategies/warehouses", json: only("warehouse")).expect(200)
            try await app.send(.put, "/v1/routing-strategies/stores", json: only("store")).expect(200)
            let before = try await DatabaseImage.of(app.stores.database)
            let unknown: [[String: Any]] = [
                ["name": "big", "until": ["fact": "order.units", "op": "gte", "value": 0], "onEntry": [["route": "nowhere"]]]
            ]
            #expect(
                try await app.send(.put, "/v1/workflows/big-orders", json: ["stages": unknown]).expect(400).fields == ["stages[0].onEntry[0].route"])
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            let stages: [[String: Any]] = [
                [
                    "name": "big order", "when": ["fact": "order.total", "op": "gte", "value": 50000],
                    "until": ["fact": "order.units", "op": "gte", "value": 0], "onEntry": [["route": "warehouses"]],
                ]
            ]
            try await app.send(.put, "/v1/workflows/big-orders", json: ["stages": stages]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["workflow": "big-orders", "routing": ["strategy": "stores"]]).expect(200)

            let small = try await Self.place(app, "small", units: 1, unitPrice: 49999)
            #expect(Self.sources(small) == ["ST-UTR": 1] && small["routingStrategy"] as? String == "stores@1")
            let big = try await Self.place(app, "big", units: 1, unitPrice: 50000)
            #expect(Self.sources(big) == ["WH-AMS": 1] && big["routingStrategy"] as? String == "warehouses@1")
            #expect(try await Self.reasons(app, big).first?.hasPrefix("ship from WH-AMS: strategy warehouses@1 rule 1 'warehouses only'") == true)
        }
    }

    /// A store's rejection routes the units again by the strategy version that placed the
    /// order, even after a newer version was activated: the next store, not the warehouse.
    @Test(arguments: Engine.all)
    func aRejectionReroutesByTheOrdersStrategyVersion(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            for (location, units) in [("WH-AMS", 5), ("ST-UTR", 1), ("ST-RTM", 1)] {
                try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": units]).expect(200)
            }
            let storesFirst: [[String: Any]] = [
                ["name": "stores", "locations": ["fact": "location.type", "op": "eq", "value": "store"], "onFailure": "next"],
                ["name": "warehouses", "locations": ["fact": "location.type", "op": "eq", "value": "warehouse"]],
            ]
            try await app.send(.put, "/v1/routing-strategies/stores-first", json: ["rules": storesFirst]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "stores-first"]]).expect(200)
            let order = try await Self.place(app, "reroute", units: 1, unitPrice: 1000)
            #expect(Self.sources(order) == ["ST-UTR": 1] && order["routingStrategy"] as? String == "stores-first@1")
            // Version 2 would send it to the warehouse; the order keeps to version 1.
            try await app.send(.put, "/v1/routing-strategies/stores-first", json: ["rules": [storesFirst[1]]]).expect(200)
            let first = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(first)/reject", json: ["reason": "no_capacity"]).expect(200)
            let open = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(order["id"] as? String ?? "")&status=open").expect(200).items
            #expect(open.map { $0["locationId"] as? String } == ["ST-RTM"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-RTM").expect(200).int("reserved") == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(200).int("reserved") == 0)
        }
    }

    /// Units waiting for stock are served, when it arrives, by the strategy version that placed
    /// the order: stores only, so the warehouse's new stock is not theirs, and the store's is.
    @Test(arguments: Engine.all)
    func waitingUnitsAreServedByTheOrdersStrategy(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let stores: [[String: Any]] = [
                ["name": "stores only", "locations": ["fact": "location.type", "op": "eq", "value": "store"], "onFailure": "partial"]
            ]
            try await app.send(.put, "/v1/routing-strategies/stores", json: ["rules": stores]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "stores"]]).expect(200)
            let order = try await Self.place(app, "waits", units: 2, unitPrice: 1000)
            let id = try #require(order["id"] as? String)
            let waiting = { () async throws -> Int? in
                ((try await app.send(.get, "/v1/orders/\(id)").expect(200)["lines"] as? [[String: Any]])?.first?["backorderedQuantity"] as? NSNumber)?
                    .intValue
            }
            let before = try await waiting()
            #expect(Self.sources(order).isEmpty && before == 2)

            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "WH-AMS") == 0, "a warehouse is not a store")
            #expect(try await waiting() == 2)

            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 1]).expect(200)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "ST-UTR") == 1)
            #expect(try await waiting() == 1, "the rest keeps waiting")
            let served = try await app.send(.get, "/v1/orders/\(id)").expect(200).json
            #expect(Self.sources(served) == ["ST-UTR": 1])
            #expect(try await Self.reasons(app, served).contains { $0.contains("strategy stores@1 rule 1 'stores only'") })
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A whole number of a JSON object.
    fileprivate func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
}
