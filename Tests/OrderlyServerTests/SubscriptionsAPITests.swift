import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import Testing

@Suite("Subscriptions API")
struct SubscriptionsAPITests {
    @Test(arguments: Engine.all)
    func createRunPauseAndCancel(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 20]).expect(200)
            let body: [String: Any] = [
                "channel": "web", "customer": ["email": "beans@example.com", "name": "Bean Lover"], "currency": "EUR",
                "lines": [["sku": "SKU-1", "quantity": 1, "unitPrice": 1450]], "shippingAddress": OrdersAPITests.address,
                "interval": "P1M", "startAt": "2027-01-31T08:00:00Z",
            ]
            var bad = body
            bad["interval"] = "monthly"
            #expect(try await app.send(.post, "/v1/subscriptions", json: bad).expect(400).fields == ["interval"])
            let created = try await app.send(.post, "/v1/subscriptions", json: body).expect(201)
            let id = try #require(created["id"] as? String)
            #expect(created["nextRunAt"] as? String == "2027-01-31T08:00:00Z")
            let ran = try await app.send(.post, "/v1/subscriptions/run-due?asOf=2027-03-01T00:00:00Z").expect(200)
            #expect(ran.int("ran") == 2)
            try await app.send(.post, "/v1/subscriptions/run-due?asOf=2027-03-01T00:00:00Z").expect(200)
            let read = try await app.send(.get, "/v1/subscriptions/\(id)").expect(200)
            #expect(read["nextRunAt"] as? String == "2027-03-31T08:00:00Z")
            #expect((read["runs"] as? [[String: Any]])?.count == 2)
            #expect(try await app.send(.get, "/v1/orders?q=sub:\(id)").items.count == 2)
            let moved = try await app.send(.patch, "/v1/subscriptions/\(id)", json: ["nextRunAt": "2027-04-10T08:00:00Z"]).expect(200)
            #expect(moved["nextRunAt"] as? String == "2027-04-10T08:00:00Z")
            #expect(try await app.send(.post, "/v1/subscriptions/run-due?asOf=2027-05-11T00:00:00Z").int("ran") == 2, "10 April and 10 May")
            #expect(try await app.send(.get, "/v1/orders?q=sub:\(id)").items.count == 4, "periods keep their own orders after the move")
            let paused = try await app.send(.patch, "/v1/subscriptions/\(id)", json: ["status": "paused"]).expect(200)
            #expect(paused["status"] as? String == "paused")
            #expect(try await app.send(.post, "/v1/subscriptions/run-due?asOf=2027-06-01T00:00:00Z").int("ran") == 0)
            try await app.send(.patch, "/v1/subscriptions/\(id)", json: ["status": "cancelled"]).expect(200)
            try await app.send(.patch, "/v1/subscriptions/\(id)", json: ["status": "active"]).expect(409)
            let service = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "cs", "role": "service"]).expect(201)["secret"] as? String)
            try await app.send(.post, "/v1/subscriptions/run-due", key: service).expect(403)
        }
    }
}
