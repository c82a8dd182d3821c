import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OrderlyAPI
import OrderlyCore
import OrderlyStore
import ServiceLifecycle

/// Sends webhook deliveries from the outbox, off the request path: each round fans new
/// settled events out to the subscriptions that want them, claims due deliveries (leased,
/// so no other instance sends them meanwhile), POSTs them concurrently and records each
/// outcome (delivered, retried with backoff, or given up).
public struct WebhookDispatcher: Service {
    let store: WebhookStore
    let policy: WebhookRetryPolicy
    let timeout: Duration
    let pollInterval: Duration
    let targets: WebhookTargets
    let logger: Logger
    /// Deliveries claimed and sent at once per round.
    let batchSize = 32

    public init(
        store: WebhookStore, policy: WebhookRetryPolicy, timeout: Duration, pollInterval: Duration, targets: WebhookTargets, logger: Logger
    ) {
        self.store = store
        self.policy = policy
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.targets = targets
        self.logger = logger
    }

    public func run() async throws {
        let client = Self.makeClient()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var busy = false
                do {
                    busy = try await runOnce(client: client) > 0
                } catch {
                    logger.error("webhook round failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !busy { try? await Task.sleep(for: pollInterval) }
            }
        }
        try await client.shutdown()
    }

    /// An HTTP client that never follows redirects (a receiver cannot bounce a signed event
    /// elsewhere, nor lead it inside); `pinned` makes it connect to the checked address of a
    /// host name instead of resolving the name again (`WebhookTargets.pin`).
    public static func makeClient(pinned: (host: String, address: IPAddress)? = nil) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        if let pinned { configuration.dnsOverride = [pinned.host: pinned.address.description] }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with a client made by `makeClient`, shutting it down afterwards.
    public static func withClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = makeClient()
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// One round; returns how much it did (events fanned out plus deliveries attempted).
    @discardableResult
    public func runOnce(client: HTTPClient) async throws -> Int {
        let fanned = try await store.fanOut()
        let jobs = try await store.claim(limit: batchSize, lease: timeout * 3)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await deliver(job, client: client) }
            }
        }
        return fanned + jobs.count
    }

    func deliver(_ job: WebhookStore.Job, client: HTTPClient) async {
        var statusCode: Int?
        var failure: String?
        var pinnedClient: HTTPClient?
        do {
            guard let secret = job.secret else {
                throw WebhookTargets.Refused(
                    description: "the webhook's secret cannot be opened: it was sealed under a key this server does not have (ORDERLY_SECRET_KEY)")
            }
            // Checked again now, on what the name resolves to now, and connected to that address.
            if let pin = try await targets.pin(job.url) { pinnedClient = Self.makeClient(pinned: pin) }
            let body = try Self.body(job.event)
            var request = HTTPClientRequest(url: job.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Orderly-Webhooks/1")
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.header(
                    secret: secret, timestamp: Int64(Date().timeIntervalSince1970), body: body))
            request.headers.add(name: "Orderly-Delivery", value: job.delivery.rawValue)
            request.headers.add(name: "Orderly-Event-Id", value: String(job.event.id))
            request.headers.add(name: "Orderly-Event-Type", value: job.event.type)
            request.headers.add(name: "Orderly-Attempt", value: String(job.attempt))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await (pinnedClient ?? client).execute(request, timeout: .milliseconds(Int64(timeout / .milliseconds(1))))
            statusCode = Int(response.status.code)
            // Read (and drop) what the receiver answered, so the connection can be reused.
            for try await _ in response.body {}
            if !(200..<300).contains(Int(response.status.code)) { failure = "HTTP \(response.status.code)" }
        } catch {
            failure = String(describing: error)
        }
        try? await pinnedClient?.shutdown()
        if let failure {
            logger.warning(
                "webhook delivery failed",
                metadata: ["delivery": "\(job.delivery)", "event": "\(job.event.id)", "attempt": "\(job.attempt)", "error": "\(failure)"])
        }
        do {
            try await store.record(job, statusCode: statusCode, error: failure, policy: policy)
        } catch {
            logger.error("recording a webhook delivery failed", metadata: ["delivery": "\(job.delivery)", "error": "\(String(reflecting: error))"])
        }
    }

    /// The request body: the event as the feed shows it, `{id, type, at, subject, actor, data}`.
    static func body(_ event: StoredEvent) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(Components.Schemas.Event(event)))
    }
}
