import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Alerts: late work on the dashboard, the store page and webhooks")
struct AlertsAPITests {
    static func kinds(_ app: TestApp, _ query: String = "", key: String = TestApp.adminKey) async throws -> [String] {
        try await app.send(.get, "/v1/alerts\(query)", key: key).expect(200).items.compactMap { item in
            (item["kind"] as? String).map { "\($0) \(item["locationId"] as? String ?? "-")" }
        }
    }

    /// A fulfillment order not accepted, a pickup not collected and units waiting for stock
    /// become alerts when their thresholds pass (a location's before its channel's before the
    /// standard ones); each is announced once, also when three instances raise at once; a store
    /// sees its own location's alerts only.
    @Test(arguments: Engine.all)
    func lateWorkRaisesAlertsOnce(engine: Engine) async throws {
        let clock = ManualTime(Date())
        try await TestApp.run(engine, time: clock) { app in
            try await app.seed()
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["onShortage": "backorder"], "alerts": ["waitWithoutPromiseDays": 2]])
                .expect(200)
            try await app.send(.patch, "/v1/locations/ST-UTR", json: ["alerts": ["acceptWithinHours": 8]]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 2]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 2]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [
                    ["sku": "SKU-1", "quantity": 3, "unitPrice": 1000],
                    ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                ])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            #expect(try await Self.kinds(app).isEmpty, "nothing is late yet")

            clock.advance(by: 5 * 3600)
            #expect(try await Self.kinds(app) == ["not_accepted WH-AMS"], "4 hours at the DC; Utrecht allows 8")
            let line = StartLine(count: 3)
            let raised = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        await line.arrive()
                        return try await app.stores.alerts.raiseDue()
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(raised == 1, "three instances announce it once")
            #expect(try await app.stores.alerts.raiseDue() == 0)

            let fos = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items
            let pickup = try #require(fos.first { $0["type"] as? String == "pickup" }?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/ready-for-pickup").expect(200)
            clock.advance(by: 2 * 86_400)
            #expect(try await Self.kinds(app) == ["not_accepted WH-AMS", "waiting_beyond_promise -"], "the web shop allows 2 days without a promise")
            clock.advance(by: 86_400 + 60)
            let three = try await Self.kinds(app)
            #expect(three == ["not_accepted WH-AMS", "waiting_beyond_promise -", "not_collected ST-UTR"], "\(three)")
            #expect(try await app.stores.alerts.raiseDue() == 2)

            // The desk's dashboard lists all three, linked; the Utrecht store page its own, unlinked.
            try await BackOfficeTests.staff(app)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let dashboard = try await agent.go(.get, "/").expect(200).text
            #expect(dashboard.contains("Needs attention") && dashboard.contains("Not accepted") && dashboard.contains("Not collected"))
            #expect(dashboard.contains("Waiting beyond promise") && dashboard.contains("href=\"/orders/\(id)\""))
            let associate = BackOfficeTests.Browser(app)
            try await associate.signIn("utrecht@shop.test")
            let store = try await associate.go(.get, "/stores/ST-UTR").expect(200).text
            #expect(store.contains("id=\"alerts\"") && store.contains("Not collected") && !store.contains("Not accepted"))
            let late = store.components(separatedBy: "id=\"alerts\"").last?.components(separatedBy: "</table>").first ?? ""
            #expect(late.contains("<td>\(placed["number"] as? String ?? "?")</td>") && !late.contains("href="), "a store opens no order pages")
            #expect(!store.contains("href=\"/orders/"), "nor do its other lists link them")

            let utrecht = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "Utrecht tablet", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)[
                    "secret"] as? String)
            #expect(try await Self.kinds(app, key: utrecht) == ["not_collected ST-UTR"], "a store sees its own")
            try await app.send(.get, "/v1/alerts?locationId=WH-AMS", key: utrecht).expect(403)

            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter { $0["type"] as? String == "alert.raised" }
            #expect(
                events.compactMap { ($0["data"] as? [String: Any])?["kind"] as? String } == [
                    "not_accepted", "waiting_beyond_promise", "not_collected",
                ])
            let waiting = try #require(
                events.first { ($0["data"] as? [String: Any])?["kind"] as? String == "waiting_beyond_promise" }?["data"] as? [String: Any])
            #expect((waiting["detail"] as? String)?.hasPrefix("1 × SKU-1 waiting for stock for 3 d") == true, "\(waiting)")

            // Handed over, the pickup is no longer late; accepted, neither is the DC's order.
            let code = try #require(try await app.send(.get, "/v1/fulfillment-orders/\(pickup)").expect(200)["pickupCode"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/pickup", json: ["pickupCode": code]).expect(200)
            let ship = try #require(fos.first { $0["type"] as? String == "ship" }?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(ship)/accept").expect(200)
            #expect(try await Self.kinds(app) == ["waiting_beyond_promise -"])
        }
    }

    /// Thresholds out of range are refused naming the field, and change nothing.
    @Test(arguments: Engine.all)
    func thresholdsAreChecked(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let before = try await DatabaseImage.of(app.stores.database)
            let refused = try await app.send(.patch, "/v1/locations/ST-UTR", json: ["alerts": ["acceptWithinHours": 0]]).expect(400)
            #expect(refused.fields == ["alerts.acceptWithinHours"])
            let channel = try await app.send(.patch, "/v1/channels/web", json: ["alerts": ["collectWithinDays": 400, "waitBeyondPromiseHours": -1]])
                .expect(400)
            #expect(Set(channel.fields) == ["alerts.collectWithinDays", "alerts.waitBeyondPromiseHours"])
            try await app.send(.patch, "/v1/channels/web", json: ["alerts": ["acceptWithinHours": 2, "bogus": 1]]).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            let saved = try await app.send(.patch, "/v1/channels/web", json: ["alerts": ["acceptWithinHours": 2]]).expect(200)
            #expect((saved["alerts"] as? [String: Any])?["acceptWithinHours"] as? Int == 2)
        }
    }
}
