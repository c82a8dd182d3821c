import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import Testing

@Suite("System endpoints and authentication")
struct SystemAndAuthTests {
    @Test func malformedEnvironmentValuesAreRefusedNamingEachVariable() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment([
                "ORDERLY_PORT": "80a", "ORDERLY_RATE_LIMIT": "fast", "ORDERLY_SECURE_COOKIES": "ja", "ORDERLY_DATABASE_POOL_SIZE": "0",
                "ORDERLY_HOST": "0.0.0.0",
            ])
        }
        #expect(
            error?.problems == [
                "ORDERLY_PORT must be a whole number from 0 to 65535, not '80a'",
                "ORDERLY_DATABASE_POOL_SIZE must be a whole number from 1 to 1000, not '0'",
                "ORDERLY_SECURE_COOKIES must be true or false, not 'ja'",
                "ORDERLY_RATE_LIMIT must be a number of at least 0, not 'fast'",
            ])
        #expect(error?.description.hasPrefix("Orderly cannot start with this configuration:") == true)
        let fine = try ServerConfiguration.fromEnvironment(["ORDERLY_PORT": "9090", "ORDERLY_SECURE_COOKIES": "true", "ORDERLY_RATE_LIMIT": ""])
        #expect(fine.port == 9090 && fine.secureCookies && fine.rateLimitPerSecond == 200, "an empty value is the default")
    }

    /// The back office's time zone: UTC unless given; a name that is not a zone stops the start.
    @Test func theTimeZoneComesFromTheEnvironment() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).timeZone == .gmt)
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_TIME_ZONE": "Europe/Amsterdam"]).timeZone.identifier == "Europe/Amsterdam")
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["ORDERLY_TIME_ZONE": "Holland"]) }
        #expect(error?.problems == ["ORDERLY_TIME_ZONE must be a time zone's name, as 'Europe/Amsterdam', not 'Holland'"])
    }

    @Test func groupCommitLanesComeFromTheEnvironment() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).groupCommitLanes == 0, "off unless asked for")
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_GROUP_COMMIT_LANES": "2"]).groupCommitLanes == 2)
        #expect(throws: ConfigurationError.self, "a negative count is refused") {
            try ServerConfiguration.fromEnvironment(["ORDERLY_GROUP_COMMIT_LANES": "-1"])
        }
    }

    @Test func idempotencyLeaseAndWaitComeFromTheEnvironment() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:])
        #expect(defaults.idempotencyLease == .seconds(30) && defaults.idempotencyWait == .seconds(10))
        let set = try ServerConfiguration.fromEnvironment(["ORDERLY_IDEMPOTENCY_LEASE_SECONDS": "3", "ORDERLY_IDEMPOTENCY_WAIT_SECONDS": "0.5"])
        #expect(set.idempotencyLease == .seconds(3) && set.idempotencyWait == .milliseconds(500))
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["ORDERLY_IDEMPOTENCY_LEASE_SECONDS": "0"]) }
    }

    @Test func thePostgresPoolIsSmallUnlessAskedOtherwise() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).databasePoolSize == 8)
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_DATABASE_POOL_SIZE": "24"]).databasePoolSize == 24)
    }

    @Test func newOrdersArePlacedInFourBatchesAtOnceUnlessAskedOtherwise() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).orderBatchLanes == 2)
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_ORDER_BATCH_LANES": "0"]).orderBatchLanes == 0)
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_ORDER_BATCH_LANES": "6"]).orderBatchLanes == 6)
        #expect(throws: ConfigurationError.self, "a negative count is refused") {
            try ServerConfiguration.fromEnvironment(["ORDERLY_ORDER_BATCH_LANES": "-1"])
        }
    }

    @Test(arguments: Engine.all)
    func healthSpecAndMetricsNeedNoKey(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let health = try await app.send(.get, "/health", key: nil).expect(200)
            #expect(health["status"] as? String == "ok")
            #expect(health["engine"] as? String == engine.rawValue)
            let spec = try await app.send(.get, "/openapi.json", key: nil).expect(200)
            let paths = spec["paths"] as? [String: Any] ?? [:]
            #expect(paths["/v1/inventory/{sku}/{locationId}"] != nil)
            #expect(paths["/v1/reservations"] != nil)
            #expect(spec["servers"] == nil, "paths are written whole")
            let created = try await app.send(
                .post, "/v1/locations", json: ["id": "WH-1", "name": "Warehouse", "type": "warehouse"]
            ).expect(201)
            #expect(!created.text.contains("\n"), "answers are compact JSON")
            let keys = ["\"active\"", "\"id\"", "\"name\"", "\"type\""].compactMap { created.text.range(of: $0)?.lowerBound }
            #expect(keys.count == 4 && keys == keys.sorted(), "with sorted keys: \(created.text)")
            let metrics = try await app.send(.get, "/metrics", key: nil).expect(200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    /// `/metrics` says how the database gathered writes: group commit on SQLite, order batches
    /// on PostgreSQL (counted in the store, read when scraped).
    @Test(arguments: Engine.all)
    func metricsSayHowWritesWereGathered(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            func scrape() async throws -> [String: Int] {
                let text = try await app.send(.get, "/metrics", key: nil).expect(200).text
                var values: [String: Int] = [:]
                for line in text.split(separator: "\n") where line.hasPrefix("orderly_group_commit") || line.hasPrefix("orderly_order_batch") {
                    let parts = line.split(separator: " ")
                    values[String(parts[0])] = Int(parts[1])
                }
                return values
            }
            let before = try await scrape()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<3 {
                    group.addTask {
                        let body = OrdersAPITests.order(
                            externalId: "m-\(n)", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]], email: "m\(n)@example.com")
                        try await app.send(.post, "/v1/orders", json: body).expect(201)
                    }
                }
                try await group.waitForAll()
            }
            let after = try await scrape()
            let delta = { (name: String) in (after[name] ?? -1) - (before[name] ?? 0) }
            switch engine {
            case .sqlite:
                #expect(after["orderly_order_batches_total"] == nil)
                #expect(delta("orderly_group_commit_jobs_total") >= 3, "\(after)")
                #expect((1...delta("orderly_group_commit_jobs_total")).contains(delta("orderly_group_commit_transactions_total")), "\(after)")
            case .postgres:
                #expect(after["orderly_group_commit_jobs_total"] == nil)
                #expect(delta("orderly_order_batch_orders_total") == 3, "\(after)")
                #expect((1...3).contains(delta("orderly_order_batches_total")), "\(after)")
                #expect(after["orderly_order_batch_failures_total"] == 0)
                #expect(after["orderly_order_batch_queued"] == 0)
                #expect(after["orderly_order_batch_retries_total"] == 0)
                for cause in ["stock_moved", "duplicate", "other"] {
                    #expect(after["orderly_order_batch_fallbacks_total{cause=\"\(cause)\"}"] == 0, "\(after)")
                }
            }
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 3)
        }
    }

    @Test(arguments: Engine.all)
    func everythingUnderV1NeedsAValidKey(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let missing = try await app.send(.get, "/v1/locations", key: nil).expect(401)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(missing["code"] as? String == "unauthorized")
            #expect(missing.headers[HTTPField.Name("X-Request-Id")!] != nil)
            try await app.send(.get, "/v1/locations", key: "ork_wrong").expect(401)

            let created = try await app.send(.post, "/v1/api-keys", json: ["name": "ops", "role": "service"]).expect(201)
            let secret = try #require(created["secret"] as? String)
            let id = try #require(created["id"] as? String)
            try await app.send(.get, "/v1/locations", key: secret).expect(200)
            let listed = try await app.send(.get, "/v1/api-keys").expect(200)
            #expect(!listed.text.contains(secret), "a secret is shown once, never listed")
            try await app.send(.delete, "/v1/api-keys/\(id)").expect(204)
            try await app.send(.get, "/v1/locations", key: secret).expect(401)
        }
    }

    @Test(arguments: Engine.all)
    func rolesBoundWhatAKeyMayDo(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            let channelKey = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            let storeKey = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "utrecht", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)["secret"]
                    as? String)
            let serviceKey = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "cs", "role": "service"]).expect(201)["secret"] as? String)

            // channel: its own channel's availability and reservations only
            try await app.send(.get, "/v1/availability?channel=pos&sku=SKU-1", key: channelKey).expect(200)
            try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1", key: channelKey).expect(403)
            let held = try await app.send(
                .post, "/v1/reservations", json: ["channel": "pos", "lines": [["sku": "SKU-1", "quantity": 1]]], key: channelKey
            ).expect(201)
            try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 1]]], key: channelKey)
                .expect(403)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 9], key: channelKey).expect(403)
            let webHold = try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 1]]]).expect(
                201)
            try await app.send(.get, "/v1/reservations/\(webHold["id"] as? String ?? "")", key: channelKey).expect(404)
            try await app.send(.get, "/v1/reservations/\(held["id"] as? String ?? "")", key: channelKey).expect(200)

            // store: counts at its own locations only
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 9], key: storeKey).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 9], key: storeKey).expect(403)
            try await app.send(.get, "/v1/inventory?locationId=ST-UTR", key: storeKey).expect(200)
            try await app.send(.get, "/v1/inventory?locationId=WH-AMS", key: storeKey).expect(403)
            try await app.send(.post, "/v1/locations", json: ["id": "X", "name": "X", "type": "store"], key: storeKey).expect(403)

            // service: reads everything, changes no stock, manages no keys
            try await app.send(.get, "/v1/inventory", key: serviceKey).expect(200)
            try await app.send(.get, "/v1/events", key: serviceKey).expect(200)
            try await app.send(
                .post, "/v1/inventory/adjustments",
                json: ["adjustments": [["sku": "SKU-1", "locationId": "ST-UTR", "delta": 1, "reason": "adjustment"]]], key: serviceKey
            ).expect(403)
            try await app.send(.get, "/v1/api-keys", key: serviceKey).expect(403)

            let level = try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").expect(200)
            #expect(level.int("onHand") == 9 && level.int("reserved") == 2)
        }
    }

    @Test(arguments: Engine.all)
    func oversizedBodiesAreRefused(engine: Engine) async throws {
        try await TestApp.run(engine, configure: { $0.maxBodyBytes = 2_000 }) { app in
            let big = String(repeating: "x", count: 5_000)
            let reply = try await app.send(.post, "/v1/locations", json: ["id": "A", "name": big, "type": "store"]).expect(413)
            #expect(reply["code"] as? String == "payload_too_large")
            try await app.send(.get, "/v1/locations/A").expect(404)
        }
    }

    @Test(arguments: Engine.all)
    func nulCharactersAreRefusedOnBothEngines(engine: Engine) async throws {
        // Found by fuzzing: PostgreSQL cannot store NUL in text and answered 500.
        try await TestApp.run(engine) { app in
            let query = try await app.send(.get, "/v1/events?type=order%00created").expect(400)
            #expect(query.fields == ["query"])
            let body = try await app.send(.post, "/v1/locations", body: #"{"id":"X-1","name":"a\u0000b","type":"store"}"#).expect(400)
            #expect(body.fields == ["body"])
            try await app.send(.get, "/v1/locations/X-1").expect(404)
        }
    }
}
