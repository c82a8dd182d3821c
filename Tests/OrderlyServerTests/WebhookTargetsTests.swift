import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import SQLKit
import Testing

/// Webhooks reach public addresses only (unless allowed), checked when saved and again on
/// what the name resolves to at every delivery; redirects are not followed; secrets are
/// sealed at rest.
@Suite("Webhook targets and secrets")
struct WebhookTargetsTests {
    static func dispatcher(_ app: TestApp, allowPrivate: Bool) -> WebhookDispatcher {
        WebhookDispatcher(
            store: app.stores.webhooks, policy: WebhookRetryPolicy(maxAttempts: 3), timeout: .seconds(5), pollInterval: .milliseconds(50),
            targets: WebhookTargets(allowPrivate: allowPrivate), logger: TestDatabase.logger)
    }

    @Test(arguments: Engine.all)
    func insideTargetsAreRefusedNamingTheURLAndNothingIsSaved(engine: Engine) async throws {
        try await TestApp.run(engine, configure: { $0.webhookAllowPrivate = false }) { app in
            let before = try await DatabaseImage.of(app.stores.database)
            for url in [
                "http://127.0.0.1:9/hook", "http://localhost:8080/hook", "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/hook",
                "http://192.168.0.10/hook", "http://[::1]/hook", "http://[fd00::1]/hook", "http://[ff02::1]/hook",
                // Names that are no address literal but resolve to the loopback (getaddrinfo reads them as IPv4).
                "http://2130706433/hook", "http://127.1:9/hook",
            ] {
                let refused = try await app.send(.post, "/v1/webhooks", json: ["url": url, "events": ["*"]]).expect(400)
                #expect(refused.fields == ["url"], "\(url): \(refused.text)")
                #expect(refused.text.contains("ORDERLY_WEBHOOK_ALLOW_PRIVATE"), "\(url)")
            }
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            try await app.send(.post, "/v1/webhooks", json: ["url": "https://8.8.8.8/hook", "events": ["*"]]).expect(201)
        }
        try await TestApp.run(engine, configure: { $0.webhookAllowPrivate = true }) { app in
            try await app.send(.post, "/v1/webhooks", json: ["url": "http://127.1:9/hook", "events": ["*"]]).expect(201)
        }
    }

    @Test(arguments: Engine.all)
    func aDeliveryChecksTheResolvedAddressAgainAndFollowsNoRedirect(engine: Engine) async throws {
        try await WebhookReceiver.run { url, receiver in
            try await TestApp.run(engine) { app in
                try await app.seed()
                // Saved while inside targets were allowed (or by a name that resolved elsewhere then).
                let port = try #require(URLComponents(string: url)?.port)
                let (webhook, _) = try await app.stores.webhooks.create(
                    url: "http://127.1:\(port)/hook", eventTypes: ["location.*"], secret: nil, allowPrivate: true, actor: nil)
                try await app.send(.post, "/v1/locations", json: ["id": "WH-X", "name": "X", "type": "warehouse"]).expect(201)
                try await WebhookDispatcher.withClient { client in
                    try await Self.dispatcher(app, allowPrivate: false).runOnce(client: client)
                    #expect(receiver.requests.isEmpty, "the name resolves to the loopback now: nothing is sent")
                    let refused = try await app.stores.webhooks.deliveries(webhook.id, status: nil, after: nil, limit: 10).items
                    #expect(refused.count == 1)
                    #expect(refused.first?.lastError?.contains("loopback address (127.1, which resolves to 127.0.0.1)") == true, "\(refused)")
                    #expect(refused.first?.lastStatusCode == nil)

                    // Allowed, it goes; a redirect is answered back as a failure, not followed.
                    try await app.stores.database.execute("UPDATE webhook_deliveries SET next_attempt_at = 0")
                    receiver.answer([.found])
                    try await Self.dispatcher(app, allowPrivate: true).runOnce(client: client)
                    #expect(receiver.requests.count == 1, "the redirect to /hook was not followed")
                    let redirected = try await app.stores.webhooks.deliveries(webhook.id, status: nil, after: nil, limit: 10).items
                    #expect(redirected.first?.lastStatusCode == 302)
                    #expect(redirected.first?.status == .pending)
                }
            }
        }
    }

    @Test func aPinnedClientConnectsToTheCheckedAddressNotToAFreshLookup() async throws {
        try await WebhookReceiver.run { url, receiver in
            let port = try #require(URLComponents(string: url)?.port)
            // `receiver.invalid` resolves nowhere: only the pin can take the request to the receiver.
            let client = WebhookDispatcher.makeClient(pinned: ("receiver.invalid", try #require(IPAddress("127.0.0.1"))))
            do {
                var request = HTTPClientRequest(url: "http://receiver.invalid:\(port)/hook")
                request.method = .POST
                request.body = .bytes(.init(string: "{}"))
                let response = try await client.execute(request, timeout: .seconds(5))
                #expect(response.status.code == 200)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
            #expect(receiver.requests.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func secretsAreSealedAtRestAndRotated(engine: Engine) async throws {
        let oldKey = try #require(SecretBox.Key(String(repeating: "ab", count: 32)))
        let newKey = try #require(SecretBox.Key(Data(repeating: 7, count: 32).base64EncodedString()))
        try await TestDatabase.withStores(engine) { plainStores in
            let database = plainStores.database
            // One secret stored before there was a key, one under the old key.
            let (legacy, legacySecret) = try await plainStores.webhooks.create(
                url: "https://8.8.8.8/a", eventTypes: ["*"], secret: "whsec_legacy_0123456789", actor: nil)
            let old = Stores(database: database, secrets: SecretBox(current: oldKey))
            let (sealed, sealedSecret) = try await old.webhooks.create(url: "https://8.8.8.8/b", eventTypes: ["*"], secret: nil, actor: nil)
            let stored = try await Self.storedSecrets(database)
            #expect(stored[legacy.id.rawValue] == legacySecret)
            #expect(stored[sealed.id.rawValue]?.hasPrefix("enc:v1:\(oldKey.id):") == true)
            #expect(stored[sealed.id.rawValue]?.contains(sealedSecret) == false, "the database does not hold the secret")

            // Rotation: the new key seals, the old one still opens, until everything is sealed again.
            let rotated = Stores(database: database, secrets: SecretBox(current: newKey, previous: [oldKey]))
            let result = try await rotated.webhooks.rotateSecrets()
            #expect(result.resealed == 2 && result.unreadable.isEmpty)
            #expect(try await rotated.webhooks.rotateSecrets().resealed == 0, "a second run has nothing to do")
            let after = try await Self.storedSecrets(database)
            #expect(after.values.allSatisfy { $0.hasPrefix("enc:v1:\(newKey.id):") })
            let newOnly = SecretBox(current: newKey)
            #expect(try newOnly.open(after[legacy.id.rawValue] ?? "") == legacySecret)
            #expect(try newOnly.open(after[sealed.id.rawValue] ?? "") == sealedSecret)
            #expect(throws: SecretBox.Unreadable.self, "the old key alone no longer opens them") {
                try SecretBox(current: oldKey).open(after[sealed.id.rawValue] ?? "")
            }
        }
    }

    @Test(arguments: Engine.all)
    func aSecretNoKeyOpensFailsTheDeliveryInsteadOfSendingItUnsigned(engine: Engine) async throws {
        let sealing = try #require(SecretBox.Key(String(repeating: "1c", count: 32)))
        let other = try #require(SecretBox.Key(String(repeating: "2d", count: 32)))
        try await WebhookReceiver.run { url, receiver in
            try await TestApp.run(engine) { app in
                let sealed = Stores(database: app.stores.database, secrets: SecretBox(current: sealing))
                let (webhook, _) = try await sealed.webhooks.create(
                    url: url, eventTypes: ["location.*"], secret: nil, allowPrivate: true, actor: nil)
                try await app.send(.post, "/v1/locations", json: ["id": "WH-S", "name": "S", "type": "warehouse"]).expect(201)
                let wrongKey = Stores(database: app.stores.database, secrets: SecretBox(current: other))
                let dispatcher = WebhookDispatcher(
                    store: wrongKey.webhooks, policy: WebhookRetryPolicy(maxAttempts: 3), timeout: .seconds(5), pollInterval: .milliseconds(50),
                    targets: WebhookTargets(allowPrivate: true), logger: TestDatabase.logger)
                _ = try await WebhookDispatcher.withClient { client in try await dispatcher.runOnce(client: client) }
                #expect(receiver.requests.isEmpty, "nothing is sent unsigned")
                let delivery = try await app.stores.webhooks.deliveries(webhook.id, status: nil, after: nil, limit: 10).items.first
                #expect(delivery?.status == .pending && delivery?.lastError?.contains("cannot be opened") == true)
            }
        }
    }

    @Test func secretKeysComeFromTheEnvironmentAndAreRefusedWhenMalformed() throws {
        let hex = String(repeating: "0f", count: 32)
        let configuration = try ServerConfiguration.fromEnvironment([
            "ORDERLY_SECRET_KEY": hex, "ORDERLY_SECRET_KEY_PREVIOUS": Data(repeating: 1, count: 32).base64EncodedString(),
            "ORDERLY_WEBHOOK_ALLOW_PRIVATE": "true",
        ])
        #expect(configuration.secrets.current?.id == SecretBox.Key(hex)?.id)
        #expect(configuration.secrets.previous.count == 1)
        #expect(configuration.webhookAllowPrivate)
        #expect(try ServerConfiguration.fromEnvironment([:]).webhookAllowPrivate == false, "public targets only by default")
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["ORDERLY_SECRET_KEY": "short", "ORDERLY_WEBHOOK_ALLOW_PRIVATE": "maybe"])
        }
        #expect(error?.problems.contains { $0.hasPrefix("ORDERLY_SECRET_KEY must be 32 bytes") } == true)
        #expect(error?.description.contains("short") == false, "a key is never repeated in a message")
    }

    static func storedSecrets(_ database: Database) async throws -> [String: String] {
        try await database.read { db in
            var result: [String: String] = [:]
            for row in try await db.raw("SELECT id, secret FROM webhooks").all() {
                result[try row.decode(column: "id", as: String.self)] = try row.decode(column: "secret", as: String.self)
            }
            return result
        }
    }
}
