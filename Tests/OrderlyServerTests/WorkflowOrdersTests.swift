import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Orders in a workflow")
struct WorkflowOrdersTests {
    static func reserved(_ app: TestApp) async throws -> Int? {
        try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(200).int("reserved")
    }

    static func stage(_ reply: Reply) -> String? { (reply["workflow"] as? [String: Any])?["stage"] as? String }

    /// A web channel whose orders wait for payment, then (risk 70 or more) for service's
    /// approval, then (gift wrapped) for the warehouse's signal: each ends its stage in turn,
    /// and only then does the order go to fulfillment, its stock reserved all along. A rejected
    /// order is cancelled and its stock released exactly. Wrong approvals change nothing.
    @Test(arguments: Engine.all)
    func paymentApprovalAndSignalEndTheirStagesInTurn(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/workflows/web-flow", json: ["stages": WorkflowsAPITests.stages]).expect(200)
            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(.patch, "/v1/channels/web", json: ["workflow": "no-such-flow"]).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            #expect(try await app.send(.patch, "/v1/channels/web", json: ["workflow": "web-flow"]).expect(200)["workflow"] as? String == "web-flow")
            let service = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "desk", "role": "service"]).expect(201)["secret"] as? String)
            let channelKey = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "shop", "role": "channel", "channel": "web"]).expect(201)["secret"]
                    as? String)

            var body = OrdersAPITests.order(externalId: "wf-a", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 2500]])
            body["riskScore"] = 80
            body["attributes"] = ["giftWrap": "yes"]
            let placed = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(placed["id"] as? String)
            #expect(Self.stage(placed) == "payment" && placed["status"] as? String == "on_hold")
            let reservedWhileWaiting = try await Self.reserved(app)
            #expect((placed["fulfillmentOrders"] as? [Any])?.isEmpty == true && reservedWhileWaiting == 2, "waiting, the stock stays reserved")

            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("authorization", 5000, "wf-a-auth")).expect(201)
            var order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(Self.stage(order) == "fraud review", "the authorization ends the payment stage")

            let waiting = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/orders/\(id)/approvals", json: ["stage": "fraud review", "decision": "approve"], key: channelKey)
                .expect(403)
            try await app.send(.post, "/v1/orders/\(id)/approvals", json: ["stage": "payment", "decision": "approve"], key: service).expect(409)
            try await app.send(.post, "/v1/orders/\(id)/approvals", json: ["stage": "fraud review", "decision": "maybe"], key: service).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == waiting, "refused approvals change nothing")
            order = try await app.send(
                .post, "/v1/orders/\(id)/approvals", json: ["stage": "fraud review", "decision": "approve", "note": "called the customer"],
                key: service
            ).expect(200)
            #expect(Self.stage(order) == "gift wrap")

            order = try await app.send(.post, "/v1/orders/\(id)/signals", json: ["name": "ribbon_tied"], key: channelKey).expect(200)
            #expect(Self.stage(order) == "gift wrap", "a signal no stage waits for changes nothing")
            order = try await app.send(.post, "/v1/orders/\(id)/signals", json: ["name": "wrapped"], key: channelKey).expect(200)
            #expect((order["workflow"] as? [String: Any])?["state"] as? String == "released" && Self.stage(order) == nil)
            #expect((order["fulfillmentOrders"] as? [Any])?.count == 1 && (order["holds"] as? [Any])?.isEmpty == true, "released to fulfillment")
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(timeline.filter { $0 == "order.stage_entered" }.count == 3 && timeline.filter { $0 == "order.stage_left" }.count == 3)
            #expect(timeline.contains("order.signal_received"))

            // Rejected: cancelled, the 3 units it reserved released exactly.
            var risky = OrdersAPITests.order(externalId: "wf-b", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 2500]])
            risky["riskScore"] = 95
            let second = try await app.send(.post, "/v1/orders", json: risky).expect(201)
            let secondId = try #require(second["id"] as? String)
            #expect(try await Self.reserved(app) == 5)
            try await app.send(.post, "/v1/orders/\(secondId)/payments", json: PaymentsAPITests.pay("sale", 7500, "wf-b-sale")).expect(201)
            let rejected = try await app.send(
                .post, "/v1/orders/\(secondId)/approvals", json: ["stage": "fraud review", "decision": "reject", "note": "stolen card"], key: service
            ).expect(200)
            #expect(rejected["status"] as? String == "cancelled" && (rejected["workflow"] as? [String: Any])?["state"] as? String == "cancelled")
            #expect(try await Self.reserved(app) == 2, "the rejected order's 3 units are free again")

            // Low risk, no gift wrap: the payment releases it at once.
            let plain = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "wf-c", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 2500]])
            ).expect(201)
            let plainId = try #require(plain["id"] as? String)
            #expect(Self.stage(plain) == "payment")
            try await app.send(.post, "/v1/orders/\(plainId)/payments", json: PaymentsAPITests.pay("sale", 2500, "wf-c-sale")).expect(201)
            let released = try await app.send(.get, "/v1/orders/\(plainId)").expect(200)
            #expect(
                (released["workflow"] as? [String: Any])?["state"] as? String == "released" && (released["fulfillmentOrders"] as? [Any])?.count == 1)
        }
    }

    /// Stage timeouts: a payment stage of one hour cancels the orders still waiting after it —
    /// once each, with two runs at the same time — and releases their stock; a review stage
    /// that times out into `advance` moves its order on; an order a person cancelled while it
    /// waited is left alone.
    @Test(arguments: Engine.all)
    func stageTimeoutsActOnceWhenTheyPass(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let stages: [[String: Any]] = [
                [
                    "name": "payment", "until": ["fact": "order.paymentStatus", "op": "in", "value": ["authorized", "paid"]], "timeout": "PT1H",
                    "onTimeout": "cancel",
                ],
                ["name": "review", "approval": [:] as [String: Any], "timeout": "PT2H", "onTimeout": "advance"],
            ]
            try await app.send(.put, "/v1/workflows/timed", json: ["stages": stages]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["workflow": "timed"]).expect(200)
            var unpaid: [String] = []
            for n in 0..<3 { unpaid.append(try await PaymentGateTests.place(app, "slow-\(n)")) }
            let reviewed = try await PaymentGateTests.place(app, "review-1")
            try await app.send(.post, "/v1/orders/\(reviewed)/payments", json: PaymentsAPITests.pay("sale", 1000, "r-sale")).expect(201)
            let dropped = try await PaymentGateTests.place(app, "dropped-1")
            try await app.send(.post, "/v1/orders/\(dropped)/cancel").expect(200)
            #expect(try await Self.reserved(app) == 4)

            let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(50 * 60))
            #expect(try await app.send(.post, "/v1/workflows/run-due?asOf=\(soon)").expect(200).int("moved") == 0)
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 3600))
            let moved = try await PaymentGateTests.runTwiceAtOnce(app, "/v1/workflows/run-due?asOf=\(later)", counting: "moved")
            #expect(moved == 4, "three cancelled and one moved on between the two runs, none twice")
            for id in unpaid {
                let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
                #expect(order["status"] as? String == "cancelled" && (order["workflow"] as? [String: Any])?["state"] as? String == "cancelled")
                let cancels = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter {
                    $0["type"] as? String == "order.cancelled"
                }
                #expect(cancels.count == 1)
            }
            let advanced = try await app.send(.get, "/v1/orders/\(reviewed)").expect(200)
            #expect(
                (advanced["workflow"] as? [String: Any])?["state"] as? String == "released" && (advanced["fulfillmentOrders"] as? [Any])?.count == 1)
            #expect(try await Self.reserved(app) == 1, "the cancelled orders' stock is released, the released one keeps its unit")
            #expect(try await app.send(.post, "/v1/workflows/run-due?asOf=\(later)").expect(200).int("moved") == 0, "nothing is due twice")
        }
    }

    /// Entry actions and facts read at placement and on a signal: a fragile product's order
    /// enters "risk check" tagged and held for a person, waits while its risk is unknown or
    /// high, and a signal bringing riskScore 20 ends the stage; a score out of range is refused
    /// and changes nothing.
    @Test(arguments: Engine.all)
    func entryActionsProductTagsAndASignalsRiskScore(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.patch, "/v1/products/SKU-1", json: ["tags": ["fragile"]]).expect(200)
            let stages: [[String: Any]] = [
                [
                    "name": "risk check", "when": ["fact": "lines.productTags", "op": "contains", "value": "fragile"],
                    "until": ["fact": "order.riskScore", "op": "lt", "value": 50],
                    "onEntry": [["tag": "fragile-check"], ["hold": "pack with care"]],
                ]
            ]
            try await app.send(.put, "/v1/workflows/careful", json: ["stages": stages]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["workflow": "careful"]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "care-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 900]])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            #expect(Self.stage(placed) == "risk check" && (placed["tags"] as? [String])?.contains("fragile-check") == true)
            let holds = (placed["holds"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(holds.contains("pack with care") && holds.contains("waiting in stage risk check"))

            let before = try await DatabaseImage.of(app.stores.database)
            let refused = try await app.send(.post, "/v1/orders/\(id)/signals", json: ["name": "scored", "data": ["riskScore": 101]]).expect(400)
            #expect(refused.fields == ["data.riskScore"])
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            let scored = try await app.send(.post, "/v1/orders/\(id)/signals", json: ["name": "scored", "data": ["riskScore": 20]]).expect(200)
            #expect(scored.int("riskScore") == 20 && (scored["workflow"] as? [String: Any])?["state"] as? String == "released")
            #expect(
                (scored["holds"] as? [[String: Any]])?.map { $0["reason"] as? String } == ["pack with care"], "the entry's hold stays for a person")
        }
    }
}
