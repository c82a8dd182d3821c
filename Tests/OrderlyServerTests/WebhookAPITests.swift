import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Webhooks and rate limits")
struct WebhookAPITests {
    static let retry = WebhookRetryPolicy(maxAttempts: 3, baseDelay: .seconds(2))

    static func dispatcher(_ app: TestApp) -> WebhookDispatcher {
        WebhookDispatcher(
            store: app.stores.webhooks, policy: retry, timeout: .seconds(5), pollInterval: .milliseconds(50),
            targets: WebhookTargets(allowPrivate: true), logger: TestDatabase.logger)
    }

    static func placeOrder(_ app: TestApp, _ externalId: String) async throws -> String {
        let body = OrdersAPITests.order(
            externalId: externalId, lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000, "delivery": ["method": "ship"]]])
        return try #require(try await app.send(.post, "/v1/orders", json: body).expect(201)["id"] as? String)
    }

    @Test(arguments: Engine.all)
    func deliveriesAreSignedRetriedGivenUpAndRedelivered(engine: Engine) async throws {
        // The store's clock is driven by hand, so that backoff is exact whatever the machine's load.
        let clock = ManualTime(Date())
        try await WebhookReceiver.run { url, receiver in
            try await TestApp.run(engine, time: clock) { app in
                try await app.seed()
                try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
                let created = try await app.send(.post, "/v1/webhooks", json: ["url": url, "events": ["order.created", "order.note_added"]]).expect(
                    201)
                let webhookId = try #require(created["id"] as? String)
                let secret = try #require(created["secret"] as? String)
                #expect(!(try await app.send(.get, "/v1/webhooks").expect(200).text.contains(secret)), "a secret is shown once")

                let dispatcher = Self.dispatcher(app)
                try await WebhookDispatcher.withClient { client in
                    // The first attempt fails with 500; the retry, with the same delivery id, succeeds.
                    receiver.answer([.internalServerError])
                    let orderId = try await Self.placeOrder(app, "hook-1")
                    try await dispatcher.runOnce(client: client)
                    let pending = try await app.send(.get, "/v1/webhooks/\(webhookId)/deliveries").expect(200).items
                    #expect(pending.count == 1)
                    #expect(pending.first?["status"] as? String == "pending")
                    #expect((pending.first?["attempts"] as? NSNumber)?.intValue == 1)
                    #expect((pending.first?["lastStatusCode"] as? NSNumber)?.intValue == 500)
                    clock.advance(by: 1.9)
                    try await dispatcher.runOnce(client: client)
                    #expect(receiver.requests.count == 1, "not retried before its backoff")
                    clock.advance(by: 0.2)
                    try await dispatcher.runOnce(client: client)

                    let requests = receiver.requests
                    #expect(requests.count == 2)
                    #expect(requests.map(\.attempt) == ["1", "2"])
                    #expect(requests[0].delivery != nil && requests[0].delivery == requests[1].delivery, "retries keep the delivery id")
                    for request in requests {
                        let header = try #require(request.signature)
                        #expect(WebhookSignature.verify(header: header, secret: secret, body: request.body, now: Date()))
                        #expect(!WebhookSignature.verify(header: header, secret: secret + "x", body: request.body, now: Date()))
                        #expect(!WebhookSignature.verify(header: header, secret: secret, body: request.body + [32], now: Date()))
                    }
                    let event = requests[1].json
                    #expect(event["type"] as? String == "order.created")
                    #expect(event["subject"] as? String == "order:\(orderId)")
                    #expect((event["data"] as? [String: Any]) != nil)
                    let delivered = try await app.send(.get, "/v1/webhooks/\(webhookId)/deliveries?status=delivered").expect(200).items
                    #expect(delivered.count == 1 && (delivered.first?["eventId"] as? NSNumber)?.int64Value == (event["id"] as? NSNumber)?.int64Value)

                    // Every attempt fails: after three the delivery is given up, visible, and can be sent again by hand.
                    receiver.answer([.internalServerError, .badGateway, .serviceUnavailable])
                    try await app.send(.post, "/v1/orders/\(orderId)/notes", json: ["text": "customer called"]).expect(201)
                    try await dispatcher.runOnce(client: client)
                    clock.advance(by: 2)
                    try await dispatcher.runOnce(client: client)
                    clock.advance(by: 4)
                    try await dispatcher.runOnce(client: client)
                    let failed = try await app.send(.get, "/v1/webhooks/\(webhookId)/deliveries?status=failed").expect(200).items
                    #expect(failed.count == 1)
                    #expect(failed.first?["eventType"] as? String == "order.note_added")
                    #expect((failed.first?["attempts"] as? NSNumber)?.intValue == 3)
                    #expect((failed.first?["lastStatusCode"] as? NSNumber)?.intValue == 503)
                    let failedId = try #require(failed.first?["id"] as? String)
                    let again = try await app.send(.post, "/v1/webhooks/\(webhookId)/deliveries/\(failedId)/redeliver").expect(202)
                    #expect(again["status"] as? String == "pending")
                    try await dispatcher.runOnce(client: client)
                    #expect(receiver.requests.count == 6)
                    #expect(receiver.requests.last?.delivery == failedId)
                    #expect(try await app.send(.get, "/v1/webhooks/\(webhookId)/deliveries?status=delivered").expect(200).items.count == 2)

                    // A deleted subscription gets nothing more.
                    try await app.send(.delete, "/v1/webhooks/\(webhookId)").expect(204)
                    _ = try await Self.placeOrder(app, "hook-2")
                    try await dispatcher.runOnce(client: client)
                    #expect(receiver.requests.count == 6)
                    try await app.send(.get, "/v1/webhooks/\(webhookId)").expect(404)
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func concurrentWorkersDeliverEachEventOnce(engine: Engine) async throws {
        try await WebhookReceiver.run { url, receiver in
            try await TestApp.run(engine) { app in
                try await app.seed()
                try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 100]).expect(200)
                try await app.send(.post, "/v1/webhooks", json: ["url": url, "events": ["order.created"]]).expect(201)
                for n in 0..<12 { _ = try await Self.placeOrder(app, "multi-\(n)") }
                try await WebhookDispatcher.withClient { client in
                    // Three workers (as three server instances would run) race over the same outbox.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<3 {
                            group.addTask {
                                let worker = Self.dispatcher(app)
                                for _ in 0..<4 { try await worker.runOnce(client: client) }
                            }
                        }
                        try await group.waitForAll()
                    }
                    let deliveries = receiver.requests.compactMap(\.delivery)
                    #expect(deliveries.count == 12)
                    #expect(Set(deliveries).count == 12, "no delivery sent twice")
                    #expect(Set(receiver.requests.compactMap { $0.json["id"] as? NSNumber }).count == 12)
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func webhookInputIsValidatedAndAdminOnly(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let bad = try await app.send(.post, "/v1/webhooks", json: ["url": "ftp://example", "events": [], "secret": "short"]).expect(400)
            #expect(Set(bad.fields) == ["url", "events", "secret"])
            try await app.send(.post, "/v1/webhooks", json: ["url": "http://127.0.0.1:1/x", "events": ["order.*"], "extra": 1]).expect(400)
            // A typo in an event type would never fire: refused, naming the pattern.
            let typo = try await app.send(
                .post, "/v1/webhooks", json: ["url": "http://127.0.0.1:1/x", "events": ["order.created", "order.craeted", "orders.*"]]
            ).expect(400)
            #expect(typo.fields == ["events[1]", "events[2]"])
            #expect(try await app.send(.get, "/v1/webhooks").expect(200).items.isEmpty, "refused requests change nothing")
            let service = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "cs", "role": "service"]).expect(201)["secret"] as? String)
            try await app.send(.get, "/v1/webhooks", key: service).expect(403)
            try await app.send(.post, "/v1/webhooks", json: ["url": "http://127.0.0.1:1/x", "events": ["*"]], key: service).expect(403)
        }
    }

    @Test(arguments: Engine.all)
    func eachKeyIsRateLimitedOnItsOwn(engine: Engine) async throws {
        try await TestApp.run(
            engine,
            configure: {
                $0.rateLimitPerSecond = 0.01
                $0.rateLimitBurst = 3
            }
        ) { app in
            for _ in 0..<3 { try await app.send(.get, "/v1/locations").expect(200) }
            let limited = try await app.send(.get, "/v1/locations").expect(429)
            #expect(limited["code"] as? String == "rate_limited")
            #expect(limited.headers[.contentType] == "application/problem+json")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another key has its own budget; the health check is not limited.
            try await app.send(.get, "/health", key: nil).expect(200)
            try await app.stores.apiKeys.ensureAdmin(secret: "ork_second_admin")
            try await app.send(.get, "/v1/locations", key: "ork_second_admin").expect(200)
            // A refused request did nothing: a create over the limit is not applied.
            try await app.send(.post, "/v1/locations", json: ["id": "X-1", "name": "X", "type": "store"]).expect(429)
            try await app.send(.get, "/v1/locations/X-1", key: "ork_second_admin").expect(404)
        }
    }
}
