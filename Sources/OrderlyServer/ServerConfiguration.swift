import Foundation
import NIOSSL
import OrderlyCore
import OrderlyStore

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

    /// How long a request sent with an `Idempotency-Key` holds its key
    /// (`ORDERLY_IDEMPOTENCY_LEASE_SECONDS`): a retry after that, with no answer stored (its
    /// server died), is handled afresh. Longer than any request takes.
    public var idempotencyLease: Duration = .seconds(30)
    /// How long a duplicate that arrives while the first request runs waits for its answer
    /// (`ORDERLY_IDEMPOTENCY_WAIT_SECONDS`) before it is answered 409.
    public var idempotencyWait: Duration = .seconds(10)

    /// Lets webhooks reach loopback, private, link-local, unique-local and multicast addresses
    /// (`ORDERLY_WEBHOOK_ALLOW_PRIVATE=true`: a receiver on the same host or network, in
    /// development or behind a firewall you trust). Off: public addresses only.
    public var webhookAllowPrivate = false
    /// Seals webhook signing secrets at rest (`ORDERLY_SECRET_KEY`, 32 bytes as 64 hex digits
    /// or base64) and still opens what earlier keys sealed (`ORDERLY_SECRET_KEY_PREVIOUS`,
    /// comma-separated) until `orderly secrets rotate`. Without it secrets are stored as they are.
    public var secrets = SecretBox.none

    /// The bootstrap back-office account (`ORDERLY_ADMIN_EMAIL` / `ORDERLY_ADMIN_PASSWORD`).
    public var adminEmail: String?
    public var adminPassword: String?
    /// Marks session cookies `Secure` (`ORDERLY_SECURE_COOKIES=true` when served over HTTPS).
    public var secureCookies: Bool = false
    /// Who issues the invoices, as printed on them (`ORDERLY_SELLER_NAME`,
    /// `ORDERLY_SELLER_ADDRESS`, `ORDERLY_SELLER_TAX_ID`).
    public var seller = Seller()
    /// The time zone the back office shows dates in (`ORDERLY_TIME_ZONE`, an IANA name such as
    /// `Europe/Amsterdam`; UTC unless given).
    public var timeZone: TimeZone = .gmt
    /// Where customer messages are sent (`ORDERLY_SMTP_URL`, `ORDERLY_SMTP_FROM`); without it
    /// they are rendered and recorded, not sent, and the back office shows them.
    public var smtp: SMTPSettings?
    /// How often an idle message sender looks for new messages.
    public var messagePollInterval: Duration = .seconds(1)
    /// Whether this instance sends customer messages (`ORDERLY_SEND_MESSAGES`, default true).
    /// Instances that only take orders can leave it to others: the outbox is shared.
    public var sendsMessages = true

    public struct Seller: Sendable {
        public var name = "Orderly"
        public var address = ""
        public var taxId = ""
        public init() {}
    }

    public init() {}

    /// Defaults overridden by the environment (flags are applied on top by the CLI). A value
    /// that is set but malformed or out of range is refused, naming the variable, instead of
    /// quietly falling back to the default: a typo in a deployment must fail at start.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError)
        -> ServerConfiguration
    {
        var env = EnvironmentReader(environment)
        var configuration = ServerConfiguration()
        if let host = env.text("ORDERLY_HOST") { configuration.host = host }
        if let port = env.int("ORDERLY_PORT", 0...65535) { configuration.port = port }
        if let url = env.text("ORDERLY_DATABASE_URL") { configuration.databaseURL = url }
        if let size = env.int("ORDERLY_DATABASE_POOL_SIZE", 1...1000) { configuration.databasePoolSize = size }
        if let lanes = env.int("ORDERLY_GROUP_COMMIT_LANES", 0...64) { configuration.groupCommitLanes = lanes }
        if let lanes = env.int("ORDERLY_ORDER_BATCH_LANES", 0...64) { configuration.orderBatchLanes = lanes }
        if let key = env.text("ORDERLY_ADMIN_KEY") { configuration.adminKey = key }
        if let days = env.int("ORDERLY_PICKUP_EXPIRY_DAYS", 1...3650) { configuration.pickupExpiryDays = days }
        if let email = env.text("ORDERLY_ADMIN_EMAIL") { configuration.adminEmail = email }
        if let password = env.text("ORDERLY_ADMIN_PASSWORD") { configuration.adminPassword = password }
        if let secure = env.bool("ORDERLY_SECURE_COOKIES") { configuration.secureCookies = secure }
        if let name = env.text("ORDERLY_SELLER_NAME") { configuration.seller.name = name }
        if let address = env.text("ORDERLY_SELLER_ADDRESS") { configuration.seller.address = address }
        if let taxId = env.text("ORDERLY_SELLER_TAX_ID") { configuration.seller.taxId = taxId }
        if let rate = env.double("ORDERLY_RATE_LIMIT", atLeast: 0) { configuration.rateLimitPerSecond = rate }
        if let burst = env.double("ORDERLY_RATE_LIMIT_BURST", atLeast: 1) { configuration.rateLimitBurst = burst }
        if let attempts = env.int("ORDERLY_WEBHOOK_MAX_ATTEMPTS", 1...100) { configuration.webhookRetry.maxAttempts = attempts }
        if let base = env.double("ORDERLY_WEBHOOK_RETRY_SECONDS", atLeast: 0.001) {
            configuration.webhookRetry.baseDelay = .milliseconds(Int(base * 1000))
        }
        if let timeout = env.double("ORDERLY_WEBHOOK_TIMEOUT_SECONDS", atLeast: 0.001) {
            configuration.webhookTimeout = .milliseconds(Int(timeout * 1000))
        }
        if let lease = env.double("ORDERLY_IDEMPOTENCY_LEASE_SECONDS", atLeast: 0.001) {
            configuration.idempotencyLease = .milliseconds(Int(lease * 1000))
        }
        if let wait = env.double("ORDERLY_IDEMPOTENCY_WAIT_SECONDS", atLeast: 0) {
            configuration.idempotencyWait = .milliseconds(Int(wait * 1000))
        }
        if let allow = env.bool("ORDERLY_WEBHOOK_ALLOW_PRIVATE") { configuration.webhookAllowPrivate = allow }
        if let name = env.text("ORDERLY_TIME_ZONE") {
            if let zone = TimeZone(identifier: name) {
                configuration.timeZone = zone
            } else {
                env.problems.append("ORDERLY_TIME_ZONE must be a time zone's name, as 'Europe/Amsterdam', not '\(name)'")
            }
        }
        if let sends = env.bool("ORDERLY_SEND_MESSAGES") { configuration.sendsMessages = sends }
        if let url = env.text("ORDERLY_SMTP_URL") {
            let from = env.text("ORDERLY_SMTP_FROM") ?? "Orderly <orderly@localhost>"
            if var smtp = SMTPSettings(url: url, from: from) {
                if let file = env.text("ORDERLY_SMTP_CA_FILE") {
                    smtp.trustedCertificatesFile = file
                    if (try? NIOSSLCertificate.fromPEMFile(file))?.isEmpty != false {
                        env.problems.append("ORDERLY_SMTP_CA_FILE must name a readable PEM file of certificates, not '\(file)'")
                    }
                }
                if smtp.isValidFrom {
                    configuration.smtp = smtp
                } else {
                    env.problems.append("ORDERLY_SMTP_FROM must be an email address, as 'Shop <shop@example.com>', not '\(from)'")
                }
            } else {
                env.problems.append("ORDERLY_SMTP_URL must be smtp://[user:password@]host[:port], not '\(url)'")
            }
        } else if env.text("ORDERLY_SMTP_FROM") != nil {
            env.problems.append("ORDERLY_SMTP_FROM needs ORDERLY_SMTP_URL: without a server, messages are recorded, not sent")
        }
        let current = env.secretKey("ORDERLY_SECRET_KEY")
        let previous = (env.text("ORDERLY_SECRET_KEY_PREVIOUS") ?? "").split(separator: ",").enumerated().compactMap { i, text in
            env.secretKey("ORDERLY_SECRET_KEY_PREVIOUS", value: String(text), position: i + 1)
        }
        if current == nil, !previous.isEmpty {
            env.problems.append("ORDERLY_SECRET_KEY_PREVIOUS needs ORDERLY_SECRET_KEY: the current key seals, previous keys only open")
        }
        configuration.secrets = SecretBox(current: current, previous: previous)
        if !env.problems.isEmpty { throw ConfigurationError(problems: env.problems) }
        return configuration
    }
}

/// Environment variables that could not be used, each with what was expected.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var problems: [String]
    public var description: String { "Orderly cannot start with this configuration:\n" + problems.map { "  " + $0 }.joined(separator: "\n") }
}

/// Reads typed values out of `ORDERLY_*` variables, remembering every malformed one. An unset
/// or empty variable means "the default".
struct EnvironmentReader {
    let environment: [String: String]
    var problems: [String] = []

    init(_ environment: [String: String]) { self.environment = environment }

    func text(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    mutating func int(_ name: String, _ range: ClosedRange<Int>) -> Int? {
        guard let value = text(name) else { return nil }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            problems.append("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
            return nil
        }
        return number
    }

    mutating func double(_ name: String, atLeast minimum: Double) -> Double? {
        guard let value = text(name) else { return nil }
        guard let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite, number >= minimum else {
            problems.append("\(name) must be a number of at least \(minimum.formatted()), not '\(value)'")
            return nil
        }
        return number
    }

    /// A 256-bit key: 64 hex digits or base64 of 32 bytes. The value itself is never repeated
    /// in the message (it is a secret).
    mutating func secretKey(_ name: String, value: String? = nil, position: Int? = nil) -> SecretBox.Key? {
        guard let text = value ?? text(name) else { return nil }
        guard let key = SecretBox.Key(text) else {
            let which = position.map { "key \($0) of " } ?? ""
            problems.append("\(which)\(name) must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)")
            return nil
        }
        return key
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let value = text(name) else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            problems.append("\(name) must be true or false, not '\(value)'")
            return nil
        }
    }
}
