import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Synchronization
import Testing

/// Collects every log line (message and metadata) an app writes at any level.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

@Suite("Secrets stay out of logs")
struct SecretsInLogsTests {
    @Test(arguments: Engine.all)
    func keysAndWebhookSecretsAreNeverLogged(engine: Engine) async throws {
        let log = CapturedLog()
        try await TestDatabase.withStores(engine, poolSize: 8) { stores in
            try await stores.apiKeys.ensureAdmin(secret: TestApp.adminKey)
            var configuration = ServerConfiguration()
            configuration.rateLimitPerSecond = 0
            configuration.webhookAllowPrivate = true
            let app = try buildApplication(configuration: configuration, stores: stores, logger: log.logger, runsBackgroundJobs: false)
            try await app.test(.router) { client in
                let app = TestApp(client: client, stores: stores)
                let created = try await app.send(.post, "/v1/api-keys", json: ["name": "till", "role": "service"]).expect(201)
                let secret = try #require(created["secret"] as? String)
                try await app.send(.get, "/v1/orders", key: secret).expect(200)
                try await app.send(.get, "/v1/orders", key: secret + "x").expect(401)
                try await app.send(.post, "/v1/api-keys", json: ["name": "x", "role": "service"], key: secret).expect(403)
                try await app.send(
                    .post, "/v1/webhooks", json: ["url": "http://127.0.0.1:9/hook", "events": ["*"], "secret": "whsec_do_not_log_me_123"]
                ).expect(201)
                try await app.send(.post, "/v1/webhooks", json: ["url": "nope", "events": ["*"], "secret": "whsec_do_not_log_me_456"]).expect(400)

                let text = log.text
                #expect(!text.isEmpty, "requests were logged")
                for needle in [TestApp.adminKey, secret, "whsec_do_not_log_me_123", "whsec_do_not_log_me_456"] {
                    #expect(!text.contains(needle), "a secret reached the log")
                }
                let events = try await app.send(.get, "/v1/events?limit=500").expect(200).text
                #expect(!events.contains("whsec_do_not_log_me_123") && !events.contains(secret), "nor the event feed")
            }
        }
    }
}
