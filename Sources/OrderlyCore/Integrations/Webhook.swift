import Foundation

/// A server-assigned webhook subscription id (`wh_…`).
public struct WebhookID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A server-assigned delivery id (`whd_…`): one per webhook and event, the same on every
/// attempt, so that a receiver can drop a repeat.
public struct WebhookDeliveryID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A subscription: events of the listed types are POSTed to `url`, one event per request,
/// signed with the subscription's secret.
public struct Webhook: Sendable, Equatable {
    public var id: WebhookID
    public var url: String
    /// Event types (`order.created`), families (`order.*`) or `*` for every event.
    public var eventTypes: [String]
    public var createdAt: Date

    public init(id: WebhookID, url: String, eventTypes: [String], createdAt: Date) {
        self.id = id
        self.url = url
        self.eventTypes = eventTypes
        self.createdAt = createdAt
    }

    /// Whether an event of `type` (as stored) goes to this subscription. A pattern that names
    /// no known type, which only a subscription saved before patterns were checked can hold,
    /// matches nothing.
    public func wants(_ type: String) -> Bool {
        eventTypes.contains { pattern in
            switch EventPattern(pattern) {
            case .all: true
            case .some(let pattern): EventType(rawValue: type).map(pattern.matches) ?? false
            case nil: false
            }
        }
    }

    /// A subscription needs an absolute http(s) URL, at least one event pattern and, when the
    /// caller brings one, a secret long enough to resist guessing. Unless `allowPrivate`, the
    /// URL may not name `localhost` or an address of a special-purpose range (`targetRefusal`);
    /// a host name is checked again on what it resolves to, when saved and at every delivery.
    public static func validate(url: String, eventTypes: [String], secret: String?, allowPrivate: Bool) throws(OrderlyError) {
        var v = Validator()
        let parsed = URLComponents(string: url)
        v.check(
            parsed?.scheme.map { ["http", "https"].contains($0.lowercased()) } == true && !(parsed?.host ?? "").isEmpty,
            "url", "must be an absolute http or https URL")
        if !allowPrivate, let host = parsed?.host, let refusal = targetRefusal(host: host) { v.add("url", refusal) }
        v.check(url.utf8.count <= 2048, "url", "must be at most 2048 bytes")
        v.check(!eventTypes.isEmpty, "events", "must name at least one event type, a family such as `order.*`, or `*`")
        v.check(eventTypes.count <= 100, "events", "may name at most 100 patterns")
        for (i, pattern) in eventTypes.enumerated() {
            v.check(
                EventPattern(pattern) != nil, "events[\(i)]",
                "'\(pattern.prefix(100))' is not an event type (such as `order.created`), a family (such as `order.*`) or `*`")
        }
        if let secret { v.check((16...256).contains(secret.utf8.count), "secret", "must be 16 to 256 bytes") }
        try v.validate()
    }
}

extension Webhook {
    /// Why a webhook may not be sent to `host` (a name or an address literal), or nil: it is
    /// `localhost`, or an address of a special-purpose range. A name that is not an address is
    /// judged on what it resolves to (`targetRefusal(host:resolvedTo:)`).
    public static func targetRefusal(host: String) -> String? {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if name == "localhost" || name.hasSuffix(".localhost") { return "points at this machine (\(host)); \(privateHint)" }
        guard let address = IPAddress(host) else { return nil }
        return targetRefusal(host: host, resolvedTo: [address])
    }

    /// Why a webhook may not be sent to `host` resolved to `addresses`: any one of them in a
    /// special-purpose range refuses it (a name may not lead inside by one of its addresses).
    public static func targetRefusal(host: String, resolvedTo addresses: [IPAddress]) -> String? {
        for address in addresses {
            if let range = address.specialPurpose {
                let shown = IPAddress(host) == address ? "\(host)" : "\(host), which resolves to \(address)"
                return "points at a \(range) address (\(shown)); \(privateHint)"
            }
        }
        return nil
    }

    private static let privateHint = "webhooks reach public addresses only, unless the server runs with ORDERLY_WEBHOOK_ALLOW_PRIVATE=true"
}

/// Where a delivery stands.
public enum WebhookDeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    /// The receiver answered 2xx.
    case delivered
    /// Every attempt failed; it stays visible and can be redelivered by hand.
    case failed
}

/// How hard Orderly tries: exponential backoff from `baseDelay` (the first retry comes within
/// seconds), capped at `maxDelay`, giving up after `maxAttempts` attempts.
public struct WebhookRetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 8, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(3600)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// What follows a failed attempt number `attempt` (1-based): a retry after a delay, or giving up.
    public func afterFailure(attempt: Int) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let factor = 1 << min(max(attempt - 1, 0), 30)
        return min(baseDelay * factor, maxDelay)
    }
}
