import Foundation
import OrderlyCore
import SQLKit

/// Webhook subscriptions and their deliveries. Deliveries come from the event outbox: a
/// fan-out step turns settled events into one delivery per matching subscription, and
/// workers claim due deliveries with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so
/// several server instances never send the same delivery at the same time.
public struct WebhookStore: Sendable {
    let database: Database
    let time: any TimeSource
    /// Seals signing secrets at rest (`ORDERLY_SECRET_KEY`).
    var secrets: SecretBox = .none

    /// A delivery as listed to operators.
    public struct Delivery: Sendable, Equatable {
        public var id: WebhookDeliveryID
        public var webhookId: WebhookID
        public var eventId: Int64
        public var eventType: String
        public var status: WebhookDeliveryStatus
        public var attempts: Int
        public var nextAttemptAt: Date?
        public var lastStatusCode: Int?
        public var lastError: String?
        public var createdAt: Date
        public var updatedAt: Date
    }

    /// A claimed delivery, with what the worker needs to send it.
    public struct Job: Sendable {
        public var delivery: WebhookDeliveryID
        public var url: String
        /// The signing secret; nil when the stored one cannot be opened (sealed under a key
        /// the server no longer has): the attempt then fails, saying so.
        public var secret: String?
        public var event: StoredEvent
        /// This attempt's number, 1-based.
        public var attempt: Int
    }

    /// Creates a subscription for events from now on; returns it with its secret (generated
    /// when none is given), which is stored sealed (`SecretBox`). `allowPrivate`: see
    /// `Webhook.validate`.
    public func create(
        url: String, eventTypes: [String], secret: String?, allowPrivate: Bool = false, actor: String?
    ) async throws -> (webhook: Webhook, secret: String) {
        try Webhook.validate(url: url, eventTypes: eventTypes, secret: secret, allowPrivate: allowPrivate)
        let secret = secret ?? "whsec_" + Token.random(bytes: 24)
        let sealed = try secrets.seal(secret)
        let now = time.now
        let webhook = Webhook(id: WebhookID("wh_" + Token.random(bytes: 10)), url: url, eventTypes: eventTypes, createdAt: now)
        try await database.transaction { db in
            // Events already written are not sent: a new subscription starts at the current end of the log.
            let last = try await db.raw("SELECT max(id) AS last FROM events").first()?.optionalInt64("last") ?? 0
            try await db.raw(
                """
                INSERT INTO webhooks (id, url, event_types, secret, after_event_id, created_at)
                VALUES (\(bind: webhook.id.rawValue), \(bind: url), \(bind: try StoredJSON.encode(eventTypes)), \(bind: sealed), \(bind: last), \(bind: now.stored))
                """
            ).run()
            // The event names the URL and types, never the secret.
            try EventLog.append(db, .webhookCreated(webhook), actor: actor, at: now)
        }
        return (webhook, secret)
    }

    /// Seals every stored secret again under the current key (`orderly secrets rotate`):
    /// values sealed under a previous key, or stored before there was a key. Returns how many
    /// it sealed again; one that no key opens is reported, not changed.
    public func rotateSecrets() async throws -> (resealed: Int, unreadable: [WebhookID]) {
        try await database.transaction { [secrets] db in
            let (resealed, unreadable) = try await secrets.reseal(db, table: "webhooks")
            return (resealed, unreadable.map(WebhookID.init))
        }
    }

    public func list() async throws -> [Webhook] {
        try await database.read { db in
            try await db.raw("SELECT id, url, event_types, created_at FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id").all().map(
                Self.decode)
        }
    }

    public func get(_ id: WebhookID) async throws -> Webhook {
        let row = try await database.read { db in
            try await db.raw("SELECT id, url, event_types, created_at FROM webhooks WHERE id = \(bind: id.rawValue) AND deleted_at IS NULL").first()
        }
        guard let row else { throw OrderlyError.notFound("webhook", id.rawValue) }
        return try Self.decode(row)
    }

    /// Stops a subscription: nothing more is fanned out to it and its pending deliveries are dropped.
    public func delete(_ id: WebhookID, actor: String?) async throws {
        let now = time.now
        try await database.transaction { db in
            let deleted = try await db.raw(
                "UPDATE webhooks SET deleted_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue) AND deleted_at IS NULL RETURNING id"
            ).all()
            guard !deleted.isEmpty else { throw OrderlyError.notFound("webhook", id.rawValue) }
            try await db.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.failed.rawValue), last_error = 'webhook deleted', lease_until = NULL, updated_at = \(bind: now.stored)
                WHERE webhook_id = \(bind: id.rawValue) AND status = \(bind: WebhookDeliveryStatus.pending.rawValue)
                """
            ).run()
            try EventLog.append(db, .webhookDeleted(id), actor: actor, at: now)
        }
    }

    /// A subscription's deliveries, newest first, optionally in one status.
    public func deliveries(_ id: WebhookID, status: WebhookDeliveryStatus?, after cursor: String?, limit: Int?) async throws -> Page<Delivery> {
        _ = try await get(id)
        let size = try pageSize(limit)
        var query = SQLQueryString(
            """
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
            WHERE d.webhook_id = \(bind: id.rawValue)
            """)
        if let status { query.appendInterpolation(SQLQueryString(" AND d.status = \(bind: status.rawValue)")) }
        if let cursor {
            guard let before = Int64(cursor) else { throw OrderlyError.invalid("cursor", "is not a cursor this list returned") }
            query.appendInterpolation(SQLQueryString(" AND d.event_id < \(bind: before)"))
        }
        query.appendInterpolation(SQLQueryString(" ORDER BY d.event_id DESC LIMIT \(literal: size + 1)"))
        let finalQuery = query
        let rows = try await database.read { db in try await db.raw(finalQuery).all() }
        let items = try rows.prefix(size).map(Self.decodeDelivery)
        return Page(items: items, nextCursor: rows.count > size ? items.last.map { String($0.eventId) } : nil)
    }

    /// Sends a delivery again now (after it failed, or to replay one a receiver lost). The
    /// delivery id stays the same, so a receiver that already has it can tell.
    public func redeliver(_ webhook: WebhookID, _ id: WebhookDeliveryID, actor: String?) async throws -> Delivery {
        let now = time.now
        return try await database.transaction { db in
            let rows = try await db.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.pending.rawValue), attempts = 0, next_attempt_at = \(bind: now.stored), lease_until = NULL,
                    updated_at = \(bind: now.stored)
                WHERE id = \(bind: id.rawValue) AND webhook_id = \(bind: webhook.rawValue)
                  AND webhook_id IN (SELECT id FROM webhooks WHERE deleted_at IS NULL)
                RETURNING id
                """
            ).all()
            guard !rows.isEmpty else { throw OrderlyError.notFound("delivery", id.rawValue) }
            try EventLog.append(db, .redeliveryRequested(webhook, delivery: id), actor: actor, at: now)
            guard
                let row = try await db.raw(
                    "SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = \(bind: id.rawValue)"
                ).first()
            else { throw OrderlyError.notFound("delivery", id.rawValue) }
            return try Self.decodeDelivery(row)
        }
    }

    /// Turns settled events after the fan-out cursor into deliveries for the subscriptions that
    /// want them, and moves the cursor, in one transaction. Returns how many events it passed.
    /// One instance fans out at a time; the others skip (the cursor row is claimed with SKIP LOCKED).
    @discardableResult
    public func fanOut(limit: Int = 500) async throws -> Int {
        let now = time.now
        // Reads first: an idle server (the usual case) takes no write lock at all.
        let (horizon, pending) = try await database.read { db in
            let horizon = try await EventLog.settledHorizon(db)
            let pending =
                try await db.raw(
                    """
                    SELECT 1 AS pending FROM events WHERE id > (SELECT last_event_id FROM webhook_fanout WHERE name = 'events')
                      AND id <= \(bind: horizon) LIMIT 1
                    """
                ).first() != nil
            return (horizon, pending)
        }
        guard pending else { return 0 }
        return try await database.transaction { db in
            guard
                let cursor = try await db.raw(
                    "SELECT last_event_id FROM webhook_fanout WHERE name = 'events'\(db.forUpdateSkipLocked)"
                ).first()?.int64("last_event_id")
            else { return 0 }
            let events = try await db.raw(
                """
                SELECT id, type FROM events WHERE id > \(bind: cursor) AND id <= \(bind: horizon) ORDER BY id LIMIT \(literal: limit)
                """
            ).all().map { (id: try $0.int64("id"), type: try $0.string("type")) }
            guard let last = events.last?.id else { return 0 }
            let hooks = try await db.raw("SELECT id, url, event_types, created_at, after_event_id FROM webhooks WHERE deleted_at IS NULL").all().map {
                (webhook: try Self.decode($0), after: try $0.int64("after_event_id"))
            }
            if hooks.isEmpty {
                // Nobody listens: pass every settled event at once.
                try await db.raw(
                    """
                    UPDATE webhook_fanout SET last_event_id = (SELECT coalesce(max(id), \(bind: last)) FROM events WHERE id <= \(bind: horizon))
                    WHERE name = 'events'
                    """
                ).run()
                return events.count
            }
            var values: [SQLQueryString] = []
            for event in events {
                for hook in hooks where event.id > hook.after && hook.webhook.wants(event.type) {
                    values.append(
                        """
                        (\(bind: "whd_" + Token.random(bytes: 10)), \(bind: hook.webhook.id.rawValue), \(bind: event.id), \(bind: WebhookDeliveryStatus.pending.rawValue), 0, \(bind: now.stored), \(bind: now.stored), \(bind: now.stored))
                        """)
                }
            }
            for chunk in values.chunked(200) {
                try await db.raw(
                    """
                    INSERT INTO webhook_deliveries (id, webhook_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES \(chunk.joined(separator: ", "))
                    ON CONFLICT (webhook_id, event_id) DO NOTHING
                    """
                ).run()
            }
            try await db.raw("UPDATE webhook_fanout SET last_event_id = \(bind: last) WHERE name = 'events'").run()
            return events.count
        }
    }

    /// Claims up to `limit` due deliveries for `lease`: no other worker takes them until the
    /// lease runs out (a worker that dies mid-send is covered by that, at least once).
    public func claim(limit: Int, lease: Duration) async throws -> [Job] {
        let now = time.now
        let until = now.addingTimeInterval(lease.seconds)
        let due = try await database.read { db in
            try await db.raw(
                "SELECT 1 AS due FROM webhook_deliveries WHERE status = \(bind: WebhookDeliveryStatus.pending.rawValue) AND next_attempt_at <= \(bind: now.stored) LIMIT 1"
            ).first() != nil
        }
        guard due else { return [] }
        return try await database.transaction { db in
            let ids = try await db.raw(
                """
                SELECT id FROM webhook_deliveries
                WHERE status = \(bind: WebhookDeliveryStatus.pending.rawValue) AND next_attempt_at <= \(bind: now.stored) AND (lease_until IS NULL OR lease_until < \(bind: now.stored))
                ORDER BY next_attempt_at, event_id LIMIT \(literal: limit)\(db.forUpdateSkipLocked)
                """
            ).all().map { try $0.string("id") }
            guard !ids.isEmpty else { return [] }
            try await db.raw(
                """
                UPDATE webhook_deliveries SET lease_until = \(bind: until.stored), attempts = attempts + 1, updated_at = \(bind: now.stored)
                WHERE id IN (\(binds: ids))
                """
            ).run()
            return try await db.raw(
                """
                SELECT d.id AS delivery_id, d.attempts, w.url, w.secret, e.id, e.type, e.at, e.subject, e.data, e.actor
                FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id
                WHERE d.id IN (\(binds: ids)) ORDER BY e.id
                """
            ).all().map { row in
                Job(
                    delivery: WebhookDeliveryID(try row.string("delivery_id")), url: try row.string("url"),
                    secret: try? secrets.open(try row.string("secret")),
                    event: try EventLog.decode(row), attempt: Int(try row.int64("attempts")))
            }
        }
    }

    /// Records an attempt's outcome: delivered, retried later per `policy`, or given up.
    public func record(_ job: Job, statusCode: Int?, error: String?, policy: WebhookRetryPolicy) async throws {
        let now = time.now
        let succeeded = error == nil && statusCode.map { (200..<300).contains($0) } == true
        let retryIn = succeeded ? nil : policy.afterFailure(attempt: job.attempt)
        let status: WebhookDeliveryStatus = succeeded ? .delivered : (retryIn == nil ? .failed : .pending)
        let next = retryIn.map { now.addingTimeInterval($0.seconds) } ?? now
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: status.rawValue), lease_until = NULL, next_attempt_at = \(bind: next.stored),
                    last_status_code = \(bind: statusCode.map(Int64.init)), last_error = \(bind: error.map { String($0.prefix(500)) }), updated_at = \(bind: now.stored)
                WHERE id = \(bind: job.delivery.rawValue) AND status = \(bind: WebhookDeliveryStatus.pending.rawValue)
                """
            ).run()
        }
    }

    /// Deliveries given up on, over every subscription still active (the dashboard's warning).
    public func failedCount() async throws -> Int {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.status = \(bind: WebhookDeliveryStatus.failed.rawValue) AND w.deleted_at IS NULL
                """
            ).first()
            return Int(try row?.int64("n") ?? 0)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Webhook {
        Webhook(
            id: WebhookID(try row.string("id")), url: try row.string("url"), eventTypes: try row.json("event_types", as: [String].self),
            createdAt: try row.date("created_at"))
    }

    /// A delivery's columns with its event's type, as `decodeDelivery` reads them.
    static let deliveryColumns: SQLQueryString = """
        d.id, d.webhook_id, d.event_id, e.type AS event_type, d.status, d.attempts, d.next_attempt_at, d.last_status_code, \
        d.last_error, d.created_at, d.updated_at
        """

    static func decodeDelivery(_ row: any SQLRow) throws -> Delivery {
        let status = WebhookDeliveryStatus(rawValue: try row.string("status")) ?? .pending
        return Delivery(
            id: WebhookDeliveryID(try row.string("id")), webhookId: WebhookID(try row.string("webhook_id")), eventId: try row.int64("event_id"),
            eventType: try row.string("event_type"), status: status, attempts: Int(try row.int64("attempts")),
            nextAttemptAt: status == .pending ? try row.date("next_attempt_at") : nil,
            lastStatusCode: try row.optionalInt64("last_status_code").map(Int.init),
            lastError: try row.optionalString("last_error"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
