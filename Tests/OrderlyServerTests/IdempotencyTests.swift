import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@testable import OrderlyServer

/// `Idempotency-Key`: a retry gets the first answer, at the same time as the first, after the
/// server died mid-request, and never a second order.
@Suite("Idempotency keys")
struct IdempotencyTests {
    static func key(_ value: String) -> HTTPFields { [HTTPField.Name("Idempotency-Key")!: value] }
    nonisolated(unsafe) static let body = OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]])

    @Test(arguments: Engine.all)
    func duplicatesSentAtOnceGetTheFirstAnswerAndPlaceOneOrder(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let start = StartLine(count: 8)
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await start.arrive()
                        return try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0001"))
                    }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.map(\.status) == Array(repeating: 201, count: 8), "\(replies.map(\.text))")
            #expect(Set(replies.compactMap { $0["id"] as? String }).count == 1, "one order, answered eight times")
            #expect(replies.filter { $0.headers[HTTPField.Name("Idempotent-Replayed")!] == "true" }.count == 7)
            #expect(try await app.send(.get, "/v1/orders").items.count == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1)
        }
    }

    @Test(arguments: Engine.all)
    func aClaimLeftByACrashIsRetriedAfterItsLease(engine: Engine) async throws {
        try await TestApp.run(engine, configure: { $0.idempotencyWait = .milliseconds(100) }) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            // The server died after claiming the key and before placing the order.
            let keyID = try #require(try await app.send(.get, "/v1/api-keys").items.first?["id"] as? String)
            let hash = IdempotencyMiddleware<BasicRequestContext>.requestHash(
                method: .post, uri: "/v1/orders", body: try JSONSerialization.data(withJSONObject: Self.body))
            #expect(try await app.stores.idempotency.claim(scope: keyID, key: "kiosk-9-0002", requestHash: hash, lease: .seconds(30)) == .proceed)

            let waiting = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0002")).expect(409)
            #expect((waiting["detail"] as? String)?.contains("still being handled") == true, "within the lease the key is taken")
            #expect(try await app.send(.get, "/v1/orders").items.isEmpty)

            try await app.stores.database.execute("UPDATE idempotency_keys SET lease_until = 0 WHERE key = 'kiosk-9-0002'")
            let retried = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0002")).expect(201)
            let replay = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0002")).expect(201)
            #expect(replay["id"] as? String == retried["id"] as? String)
            #expect(try await app.send(.get, "/v1/orders").items.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func aRetryAfterACrashBetweenTheOrderAndItsAnswerFindsTheOrder(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let first = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0003")).expect(201)
            // As if the server died after the order's commit and before the answer was stored,
            // and the lease has run out since.
            try await app.stores.database.execute(
                "UPDATE idempotency_keys SET status = NULL, body = NULL, content_type = NULL, lease_until = 0 WHERE key = 'kiosk-9-0003'")
            let retry = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("kiosk-9-0003")).expect(200)
            #expect(retry["id"] as? String == first["id"] as? String, "the order the key placed, not a second one")
            #expect(try await app.send(.get, "/v1/orders").items.count == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1)
        }
    }

    @Test(arguments: Engine.all)
    func keysBelongToTheAPIKeyThatSentThemAndABodyChangeIsRefusedNamingTheKey(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let other = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "web shop", "role": "channel", "channel": "web"]).expect(201)["secret"]
                    as? String)
            let mine = try await app.send(.post, "/v1/orders", json: Self.body, headers: Self.key("cart-1")).expect(201)
            let theirs = try await app.send(.post, "/v1/orders", json: Self.body, key: other, headers: Self.key("cart-1")).expect(201)
            #expect(mine["id"] as? String != theirs["id"] as? String, "the same key from another API key is another request")

            let before = try await DatabaseImage.of(app.stores.database)
            var changed = Self.body
            changed["lines"] = [["sku": "SKU-1", "quantity": 2, "unitPrice": 100]]
            let refused = try await app.send(.post, "/v1/orders", json: changed, headers: Self.key("cart-1")).expect(422)
            #expect(refused["code"] as? String == "idempotency_key_reused")
            #expect((refused["detail"] as? String)?.contains("cart-1") == true)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
        }
    }
}
