import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Workflows API")
struct WorkflowsAPITests {
    static var stages: [[String: Any]] {
        [
            [
                "name": "payment", "until": ["fact": "order.paymentStatus", "op": "in", "value": ["authorized", "paid"]], "timeout": "PT48H",
                "onTimeout": "cancel",
            ],
            ["name": "fraud review", "when": ["fact": "order.riskScore", "op": "gte", "value": 70], "approval": ["roles": ["service"]]],
            ["name": "gift wrap", "when": ["fact": "order.attributes.giftWrap", "op": "eq", "value": "yes"], "signal": "wrapped"],
        ]
    }

    /// Every save is a new version, active at once; an earlier one is activated again in one
    /// call; the events say so; a bad stage is refused by its path and nothing is saved.
    @Test(arguments: Engine.all)
    func versionsAreKeptAndAnEarlierOneActivatedAgain(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let first = try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": Array(Self.stages.prefix(2))]).expect(200)
            #expect(first.int("version") == 1 && first["active"] as? Bool == true && (first["stages"] as? [Any])?.count == 2)
            let second = try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": Self.stages]).expect(200)
            #expect(second.int("version") == 2 && (second["stages"] as? [[String: Any]])?.last?["signal"] as? String == "wrapped")
            #expect(try await app.send(.get, "/v1/workflows/web-flow").expect(200).int("version") == 2)
            let versions = try await app.send(.get, "/v1/workflows/web-flow/versions").expect(200).items
            #expect(versions.map { ($0["version"] as? NSNumber)?.intValue } == [2, 1])
            #expect(versions.map { $0["active"] as? Bool } == [true, false])
            #expect(versions.allSatisfy { $0["actor"] as? String != nil })

            let back = try await app.send(.post, "/v1/workflows/web-flow/activate", json: ["version": 1]).expect(200)
            #expect(back.int("version") == 1 && back["active"] as? Bool == true)
            #expect(try await app.send(.get, "/v1/workflows/web-flow").expect(200).int("version") == 1)
            #expect(try await app.send(.get, "/v1/workflows").expect(200).items.map { ($0["version"] as? NSNumber)?.intValue } == [1])
            let events = try await app.send(.get, "/v1/events?limit=500").expect(200).items.compactMap { $0["type"] as? String }
            #expect(events.filter { $0 == "workflow.saved" }.count == 2 && events.contains("workflow.activated"))

            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            let before = try await DatabaseImage.of(app.stores.database)
            var bad = Self.stages
            bad[2]["until"] = ["all": [["fact": "order.colour", "op": "eq", "value": "red"]]]
            bad[2]["signal"] = nil
            let refused = try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": bad]).expect(400)
            #expect(refused.fields == ["stages[2].until.all[0].fact"])
            try await app.send(.post, "/v1/workflows/web-flow/activate", json: ["version": 9]).expect(404)
            try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": Self.stages], key: pos).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refusals save nothing")
        }
    }

    /// Simulation says which stages an order would meet and where it would wait — for a placed
    /// order and for one not yet sent, against a saved or an unsaved workflow — and changes nothing.
    @Test(arguments: Engine.all)
    func aSimulationSaysWhereAnOrderWouldWaitAndChangesNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": Self.stages]).expect(200)
            var body = OrdersAPITests.order(externalId: "sim-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 5000]])
            body["riskScore"] = 80
            body["attributes"] = ["giftWrap": "yes"]
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("authorization", 5000, "sim-auth")).expect(201)

            let before = try await DatabaseImage.of(app.stores.database)
            let placed = try await app.send(.post, "/v1/workflows/simulate", json: ["workflow": ["id": "web-flow"], "orderId": id]).expect(200)
            #expect(placed["waitsIn"] as? String == "fraud review", "authorized, it passes payment and waits for the fraud review")
            let stages = placed["stages"] as? [[String: Any]] ?? []
            #expect(stages.map { $0["name"] as? String } == ["payment", "fraud review", "gift wrap"])
            #expect(stages.map { $0["applies"] as? Bool } == [true, true, true] && stages.map { $0["passes"] as? Bool } == [true, false, false])
            #expect(stages[1]["ends"] as? String == "approval by service")

            var draft = body
            draft["externalId"] = "sim-2"
            draft["riskScore"] = 10
            draft["attributes"] = nil
            let unsent = try await app.send(
                .post, "/v1/workflows/simulate", json: ["workflow": ["id": "web-flow", "version": 1], "order": draft]
            ).expect(200)
            #expect(unsent["waitsIn"] as? String == "payment" && (unsent["workflow"] as? [String: Any])?["version"] as? Int == 1)
            let unsaved = try await app.send(
                .post, "/v1/workflows/simulate", json: ["workflow": ["stages": [Self.stages[2]]], "order": draft]
            ).expect(200)
            #expect(unsaved["waitsIn"] == nil && (unsaved["stages"] as? [[String: Any]])?.first?["applies"] as? Bool == false, "released at once")
            let bad = try await app.send(
                .post, "/v1/workflows/simulate",
                json: ["workflow": ["stages": [["name": "x", "until": ["fact": "order.nope", "op": "exists"]]]], "orderId": id]
            ).expect(400)
            #expect(bad.fields == ["stages[0].until.fact"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "a simulation changes nothing")
        }
    }
}

extension WorkflowsAPITests {
    /// Four saves of one workflow at the same moment get four version numbers, 1 to 4, each
    /// kept, the last one drawn active.
    @Test(arguments: Engine.all)
    func savesAtTheSameMomentGetVersionsOfTheirOwn(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let line = StartLine(count: 4)
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<4 {
                    group.addTask {
                        await line.arrive()
                        let stages: [[String: Any]] = [["name": "stage \(n)", "signal": "go"]]
                        return try await app.send(.put, "/v1/workflows/busy", json: ["stages": stages]).expect(200).int("version") ?? -1
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(versions.sorted() == [1, 2, 3, 4])
            let kept = try await app.send(.get, "/v1/workflows/busy/versions").expect(200).items
            #expect(kept.compactMap { ($0["version"] as? NSNumber)?.intValue } == [4, 3, 2, 1])
            #expect(kept.filter { $0["active"] as? Bool == true }.count == 1)
        }
    }
}
