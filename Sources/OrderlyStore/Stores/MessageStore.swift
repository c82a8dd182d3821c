import Foundation
import OrderlyCore
import SQLKit

/// Customer messages and their templates. A message is written to the outbox
/// (`customer_messages`) by the transaction of the event that causes it (`EventLog.append`);
/// senders claim due messages with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so several
/// server instances never send one at the same time, and record each outcome.
public struct MessageStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// A message a transaction causes, inserted when it commits.
    struct Pending: Sendable {
        var cause: MessageCause
        var at: Date
    }

    static let insertInto = "customer_messages (id, order_id, kind, cause, status, attempts, next_attempt_at, created_at, updated_at)"

    /// The rows of `messages`. Ids sort as the messages were caused: the time, then the place
    /// in the transaction (a confirmation before the delay notice of the same placement), then
    /// random bytes.
    static func rows(_ messages: [Pending]) throws -> SQLQueryString {
        let encoded = try messages.enumerated().map { index, message in
            (
                message: message, cause: try StoredJSON.encode(message.cause),
                id: "msg_" + String(format: "%011llx%02x", UInt64(max(0, message.at.stored)), index % 256) + Token.random(bytes: 6)
            )
        }
        return .rows(encoded) { item in
            """
            \(bind: item.id), \(bind: item.message.cause.orderId.rawValue), \(bind: item.message.cause.kind.rawValue), \
            \(bind: item.cause), \(bind: MessageStatus.pending.rawValue), 0, \(bind: item.message.at.stored), \(bind: item.message.at.stored), \
            \(bind: item.message.at.stored)
            """
        }
    }

    /// A claimed message, with everything its words are made of.
    public struct Job: Sendable {
        public var id: String
        /// This attempt's number, 1-based.
        public var attempt: Int
        public var cause: MessageCause
        public var order: Order
        /// The customer's email address; nil when the profile has none.
        public var recipient: String?
        public var customerName: String?
        /// The channel's language.
        public var language: Language
        /// The template chosen for the channel and language.
        public var template: MessageTemplate
        /// For a pickup: the store and the code.
        public var store: Location?
        public var pickupCode: String?

        /// The values its template reads.
        public var values: MessageValues {
            MessageValues(cause, order: order, customerName: customerName, store: store, pickupCode: pickupCode, language: language)
        }
    }

    /// What became of an attempt.
    public enum Outcome: Sendable, Equatable {
        /// The SMTP server accepted it.
        case sent(subject: String, body: String)
        /// No SMTP server is configured: kept, not sent.
        case recorded(subject: String, body: String)
        /// The customer has no email address.
        case skipped
        /// Rendering or sending failed (tried again later, or given up).
        case failed(String)
    }

    /// Claims up to `limit` due messages for `lease`: no other sender takes them until the lease
    /// runs out (a sender that dies mid-send is covered by that: at least once).
    public func claim(limit: Int, lease: Duration) async throws -> [Job] {
        let now = time.now
        let due = try await database.read { db in
            try await db.raw(
                "SELECT 1 AS due FROM customer_messages WHERE status = \(bind: MessageStatus.pending.rawValue) AND next_attempt_at <= \(bind: now.stored) LIMIT 1"
            ).first() != nil
        }
        guard due else { return [] }
        // The write transaction only takes the lease; what the words need is read after it, so
        // that SQLite's one writer is not held while the sender reads.
        let claimed = try await database.transaction { db in
            let rows = try await db.raw(
                """
                SELECT id, attempts, cause FROM customer_messages
                WHERE status = \(bind: MessageStatus.pending.rawValue) AND next_attempt_at <= \(bind: now.stored)
                  AND (lease_until IS NULL OR lease_until < \(bind: now.stored))
                ORDER BY next_attempt_at, id LIMIT \(literal: limit)\(db.forUpdateSkipLocked)
                """
            ).all()
            guard !rows.isEmpty else { return [(id: String, attempt: Int, cause: MessageCause)]() }
            let claimed = try rows.map {
                (id: try $0.string("id"), attempt: Int(try $0.int64("attempts")) + 1, cause: try $0.json("cause", as: MessageCause.self))
            }
            try await db.raw(
                """
                UPDATE customer_messages SET lease_until = \(bind: now.addingTimeInterval(lease.seconds).stored), attempts = attempts + 1,
                    updated_at = \(bind: now.stored)
                WHERE id IN (\(binds: claimed.map(\.id)))
                """
            ).run()
            return claimed
        }
        guard !claimed.isEmpty else { return [] }
        // Read in a few statements for the whole round, not several per message.
        return try await database.read { db in
            let templates = try await Self.templates(db)
            let orders = try await OrderRows.fetch(db, ids: claimed.map(\.cause.orderId))
            var customers: [String: (email: String?, name: String?)] = [:]
            let customerIds = Set(orders.values.map(\.customerId.rawValue))
            if !customerIds.isEmpty {
                for row in try await db.raw("SELECT id, email, name FROM customers WHERE id IN (\(binds: Array(customerIds)))").all() {
                    customers[try row.string("id")] = (try row.optionalString("email"), try row.optionalString("name"))
                }
            }
            var languages: [ChannelID: Language] = [:]
            var jobs: [Job] = []
            for message in claimed {
                guard let order = orders[message.cause.orderId] else { continue }
                if languages[order.channel] == nil { languages[order.channel] = try await ChannelStore.fetch(db, order.channel)?.language ?? .en }
                let language = languages[order.channel] ?? .en
                var store: Location?
                var pickupCode: String?
                if message.cause.kind == .readyForPickup, let fo = message.cause.fulfillmentOrderId,
                    let row = try await db.raw("SELECT location_id, pickup_code FROM fulfillment_orders WHERE id = \(bind: fo.rawValue)").first()
                {
                    store = try await LocationStore.fetch(db, LocationID(try row.string("location_id")))
                    pickupCode = try row.optionalString("pickup_code")
                }
                let customer = customers[order.customerId.rawValue]
                jobs.append(
                    Job(
                        id: message.id, attempt: message.attempt, cause: message.cause, order: order, recipient: customer?.email ?? nil,
                        customerName: customer?.name ?? nil, language: language,
                        template: MessageTemplate.choose(message.cause.kind, language, channel: order.channel, among: templates), store: store,
                        pickupCode: pickupCode))
            }
            return jobs
        }
    }

    /// Records what became of each attempt, with its event on the order's timeline, in one
    /// transaction (one commit for a round of messages, not one each). An outcome is dropped
    /// when its message is no longer that attempt's (its lease ran out and another sender took it).
    public func record(_ outcomes: [(job: Job, outcome: Outcome)], policy: MessageRetryPolicy) async throws {
        guard !outcomes.isEmpty else { return }
        let now = time.now
        try await database.transaction { db in
            for (job, outcome) in outcomes {
                let owned: SQLQueryString =
                    "id = \(bind: job.id) AND status = \(bind: MessageStatus.pending.rawValue) AND attempts = \(literal: job.attempt)"
                var event: DomainEvent?
                var update: SQLQueryString
                switch outcome {
                case .sent(let subject, let body), .recorded(let subject, let body):
                    let sent = if case .sent = outcome { true } else { false }
                    let status: MessageStatus = sent ? .sent : .recorded
                    update = """
                        status = \(bind: status.rawValue), recipient = \(bind: job.recipient), language = \(bind: job.language.rawValue),
                        subject = \(bind: subject), body = \(bind: body), last_error = NULL, sent_at = \(bind: sent ? now.stored : nil)
                        """
                    event =
                        sent
                        ? .messageSent(job.id, order: job.order.id, kind: job.cause.kind, attempts: job.attempt)
                        : .messageRecorded(job.id, order: job.order.id, kind: job.cause.kind)
                case .skipped:
                    update = "status = \(bind: MessageStatus.skipped.rawValue), last_error = 'the customer has no email address'"
                case .failed(let error):
                    let error = String(error.prefix(500))
                    if let delay = policy.delay(after: job.attempt) {
                        update = """
                            last_error = \(bind: error), next_attempt_at = \(bind: now.addingTimeInterval(delay.seconds).stored)
                            """
                    } else {
                        update = "status = \(bind: MessageStatus.failed.rawValue), last_error = \(bind: error)"
                        event = .messageFailed(job.id, order: job.order.id, kind: job.cause.kind, attempts: job.attempt, error: error)
                    }
                }
                let rows = try await db.raw(
                    "UPDATE customer_messages SET \(update), lease_until = NULL, updated_at = \(bind: now.stored) WHERE \(owned) RETURNING id"
                ).all()
                if !rows.isEmpty, let event { try EventLog.append(db, event, actor: "messages", at: now) }
            }
        }
    }

    /// An order's messages, oldest first.
    public func forOrder(_ id: OrderID) async throws -> [CustomerMessage] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id, order_id, kind, status, recipient, language, subject, body, attempts, last_error, created_at, sent_at
                FROM customer_messages WHERE order_id = \(bind: id.rawValue) ORDER BY created_at, id
                """
            ).all().map(Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> CustomerMessage {
        CustomerMessage(
            id: try row.string("id"), orderId: OrderID(try row.string("order_id")),
            kind: MessageKind(rawValue: try row.string("kind")) ?? .orderConfirmation,
            status: MessageStatus(rawValue: try row.string("status")) ?? .pending, recipient: try row.optionalString("recipient"),
            language: try row.optionalString("language").flatMap(Language.init(rawValue:)), subject: try row.optionalString("subject"),
            body: try row.optionalString("body"), attempts: Int(try row.int64("attempts")), lastError: try row.optionalString("last_error"),
            createdAt: try row.date("created_at"), sentAt: try row.optionalDate("sent_at"))
    }

    // MARK: Templates

    /// The templates the business saved (the built-in ones are `MessageTemplate.standard`).
    public func templates() async throws -> [MessageTemplate] {
        try await database.read { db in try await Self.templates(db) }
    }

    static func templates(_ db: any SQLDatabase) async throws -> [MessageTemplate] {
        try await db.raw("SELECT kind, language, channel_id, subject, body, updated_at FROM message_templates ORDER BY kind, language, channel_id")
            .all().compactMap { row in
                guard let kind = MessageKind(rawValue: try row.string("kind")), let language = Language(rawValue: try row.string("language"))
                else { return nil }
                let channel = try row.string("channel_id")
                return MessageTemplate(
                    kind: kind, language: language, channel: channel.isEmpty ? nil : ChannelID(channel), subject: try row.string("subject"),
                    body: try row.string("body"), updatedAt: try row.date("updated_at"))
            }
    }

    /// Saves a template (replacing the one for the same kind, language and channel). The caller
    /// checked its mustache; its channel must exist.
    public func save(_ template: MessageTemplate, actor: String?) async throws -> MessageTemplate {
        try template.validate()
        let now = time.now
        let saved = {
            var saved = template
            saved.updatedAt = now
            return saved
        }()
        try await database.transaction { db in
            if let channel = template.channel, try await ChannelStore.fetch(db, channel) == nil {
                throw OrderlyError.invalid("channel", "channel '\(channel)' does not exist")
            }
            try await db.raw(
                """
                INSERT INTO message_templates (kind, language, channel_id, subject, body, updated_at)
                VALUES (\(bind: template.kind.rawValue), \(bind: template.language.rawValue), \(bind: template.channel?.rawValue ?? ""),
                    \(bind: template.subject), \(bind: template.body), \(bind: now.stored))
                ON CONFLICT (kind, language, channel_id) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at
                """
            ).run()
            try EventLog.append(db, .messageTemplateSaved(saved), actor: actor, at: now)
        }
        return saved
    }

    /// Removes a saved template: the built-in one (or the one for every channel) applies again.
    public func delete(_ kind: MessageKind, _ language: Language, channel: ChannelID?, actor: String?) async throws {
        let now = time.now
        try await database.transaction { db in
            let rows = try await db.raw(
                """
                DELETE FROM message_templates WHERE kind = \(bind: kind.rawValue) AND language = \(bind: language.rawValue)
                  AND channel_id = \(bind: channel?.rawValue ?? "") RETURNING kind
                """
            ).all()
            guard !rows.isEmpty else { throw OrderlyError.notFound("message template", MessageTemplate.key(kind, language, channel)) }
            try EventLog.append(db, .messageTemplateDeleted(kind, language, channel: channel), actor: actor, at: now)
        }
    }
}
