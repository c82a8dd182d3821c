import Foundation
import OrderlyCore

/// Everything `orderly serve` can be told, from flags and `ORDERLY_*` environment variables,
/// with defaults that need none.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var databaseURL: String = "sqlite://orderly.sqlite"
    /// Connections in the PostgreSQL pool. Small on purpose: on a 2-core database server 8
    /// connections placed as many orders as 32 and halved the p99 of a flash sale (requests
    /// wait in the pool's queue instead of on a row lock); docs/deployment.md.
    public var databasePoolSize: Int = 8
    /// PostgreSQL group commit (`ORDERLY_GROUP_COMMIT_LANES`): how many batches of write
    /// transactions run at once; 0 runs each on its own. SQLite always batches in one lane.
    public var groupCommitLanes: Int = 0
    /// PostgreSQL (`ORDERLY_ORDER_BATCH_LANES`): how many transactions placing several new
    /// orders that arrived together may run at once; 0 places each order alone. Two: on the
    /// 2-core benchmark machine two placed as many orders as four or eight, or more, with a
    /// lower p99 (bigger batches, fewer commits); more cores may want more.
    public var orderBatchLanes: Int = 2
    /// The bootstrap admin key (`ORDERLY_ADMIN_KEY`).
    public var adminKey: String?
    /// Largest JSON body accepted, in bytes.
    public var maxBodyBytes: Int = 1 << 20
    /// Largest CSV upload accepted (streamed), in bytes.
    public var maxImportBytes: Int = 256 << 20
    /// How often expired reservations are released.
    public var expiryInterval: Duration = .seconds(5)
    /// Pickups ready but not collected for this many days are cancelled, releasing their stock.
    public var pickupExpiryDays: Int = 7

    /// Requests per second each API key may make on average (`ORDERLY_RATE_LIMIT`; 0 turns the limit off).
    public var rateLimitPerSecond: Double = 200
    /// Requests a key may make at once before the average applies (`ORDERLY_RATE_LIMIT_BURST`).
    public var rateLimitBurst: Double = 400
    /// Webhook attempts before a delivery is given up (`ORDERLY_WEBHOOK_MAX_ATTEMPTS`), the
    /// first retry's delay (`ORDERLY_WEBHOOK_RETRY_SECONDS`, doubling each time, at most an hour)
    /// and how long a receiver may take to answer (`ORDERLY_WEBHOOK_TIMEOUT_SECONDS`).
    public var webhookRetry = WebhookRetryPolicy()
    public var webhookTimeout: Duration = .seconds(10)
    /// How often an idle webhook worker looks for new events.
    public var webhookPollInterval: Duration = .milliseconds(250)

    /// The bootstrap back-office account (`ORDERLY_ADMIN_EMAIL` / `ORDERLY_ADMIN_PASSWORD`).
    public var adminEmail: String?
    public var adminPassword: String?
    /// Marks session cookies `Secure` (`ORDERLY_SECURE_COOKIES=true` when served over HTTPS).
    public var secureCookies: Bool = false

    public init() {}

    /// Defaults overridden by the environment (flags are applied on top by the CLI).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["ORDERLY_HOST"] { configuration.host = host }
        if let port = environment["ORDERLY_PORT"].flatMap(Int.init) { configuration.port = port }
        if let url = environment["ORDERLY_DATABASE_URL"], !url.isEmpty { configuration.databaseURL = url }
        if let size = environment["ORDERLY_DATABASE_POOL_SIZE"].flatMap(Int.init) { configuration.databasePoolSize = size }
        if let lanes = environment["ORDERLY_GROUP_COMMIT_LANES"].flatMap(Int.init), lanes >= 0 { configuration.groupCommitLanes = lanes }
        if let lanes = environment["ORDERLY_ORDER_BATCH_LANES"].flatMap(Int.init), lanes >= 0 { configuration.orderBatchLanes = lanes }
        if let key = environment["ORDERLY_ADMIN_KEY"], !key.isEmpty { configuration.adminKey = key }
        if let days = environment["ORDERLY_PICKUP_EXPIRY_DAYS"].flatMap(Int.init), days > 0 { configuration.pickupExpiryDays = days }
        if let email = environment["ORDERLY_ADMIN_EMAIL"], !email.isEmpty { configuration.adminEmail = email }
        if let password = environment["ORDERLY_ADMIN_PASSWORD"], !password.isEmpty { configuration.adminPassword = password }
        if environment["ORDERLY_SECURE_COOKIES"] == "true" { configuration.secureCookies = true }
        if let rate = environment["ORDERLY_RATE_LIMIT"].flatMap(Double.init), rate >= 0 { configuration.rateLimitPerSecond = rate }
        if let burst = environment["ORDERLY_RATE_LIMIT_BURST"].flatMap(Double.init), burst >= 1 { configuration.rateLimitBurst = burst }
        if let attempts = environment["ORDERLY_WEBHOOK_MAX_ATTEMPTS"].flatMap(Int.init), attempts >= 1 {
            configuration.webhookRetry.maxAttempts = attempts
        }
        if let base = environment["ORDERLY_WEBHOOK_RETRY_SECONDS"].flatMap(Double.init), base > 0 {
            configuration.webhookRetry.baseDelay = .milliseconds(Int(base * 1000))
        }
        if let timeout = environment["ORDERLY_WEBHOOK_TIMEOUT_SECONDS"].flatMap(Double.init), timeout > 0 {
            configuration.webhookTimeout = .milliseconds(Int(timeout * 1000))
        }
        return configuration
    }
}
