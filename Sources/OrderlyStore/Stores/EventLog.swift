import Foundation
import OrderlyCore
import SQLKit
import Synchronization

/// A domain event as stored in the outbox: the order timeline, the feed and webhooks read it.
public struct StoredEvent: Sendable, Equatable {
    public var id: Int64
    public var type: String
    public var at: Date
    public var subject: String
    /// The event's data as a JSON object, exactly as written.
    public var data: String
    /// The name of the API key or user whose request caused it.
    public var actor: String?
}

/// Writes events in the caller's transaction (the transactional outbox) and reads the feed.
public struct EventLog: Sendable {
    let database: Database

    /// Appends an event to `transaction`; it becomes visible with the change it records. The
    /// transaction keeps its events in memory and writes them with one statement just before it
    /// commits: one round trip for the outbox instead of one per event.
    /// An event that tells the customer something (`MessageCause`) also writes that message to
    /// the message outbox, in the same transaction.
    static func append(_ transaction: Transaction, _ event: DomainEvent, actor: String?, at: Date) throws {
        append(
            transaction,
            Pending(type: event.type.rawValue, subject: event.subject.text, data: try StoredJSON.encode(event.payload), actor: actor, at: at))
        if let cause = MessageCause.of(event) { transaction.outbox.add(MessageStore.Pending(cause: cause, at: at)) }
    }

    /// Appends an event already encoded: the outbox's own tests write rows of made-up types.
    static func append(_ transaction: Transaction, _ event: Pending) {
        transaction.outbox.add(event)
    }

    /// An event written by a transaction, not yet inserted.
    struct Pending: Sendable {
        var type: String
        var subject: String
        var data: String
        var actor: String?
        var at: Date
    }

    /// The events a transaction has appended so far, in order.
    /// The customer messages those events cause, likewise.
    final class Outbox: Sendable {
        private let events = Mutex<[Pending]>([])
        private let messages = Mutex<[MessageStore.Pending]>([])
        func add(_ event: Pending) { events.withLock { $0.append(event) } }
        func add(_ message: MessageStore.Pending) { messages.withLock { $0.append(message) } }
        func take() -> [Pending] {
            events.withLock { events in
                defer { events = [] }
                return events
            }
        }
        func takeMessages() -> [MessageStore.Pending] {
            messages.withLock { messages in
                defer { messages = [] }
                return messages
            }
        }
    }

    /// Inserts events now rather than at the end of the transaction (the feed's tests use it to
    /// take an event id while a transaction stays open).
    static func insert(_ transaction: Transaction, _ events: [Pending]) async throws {
        for statement in statements(transaction.engine, events) { try await transaction.raw(statement).run() }
    }

    /// The statements inserting `events` in order, a bounded number of rows per statement
    /// (parameter limits).
    static func statements(_ engine: Engine, _ events: [Pending]) -> [SQLQueryString] {
        // SQLite's single writer hands out ids in commit order; PostgreSQL's ids go through
        // the fence that keeps the feed gap-free (migration 0006).
        let id: SQLQueryString = engine == .postgres ? "orderly_next_event_id()" : "NULL"
        return stride(from: 0, to: events.count, by: 500).map { events[$0..<min($0 + 500, events.count)] }.map { chunk in
            let rows = SQLQueryString.rows(chunk) { event in
                "\(id), \(bind: event.type), \(bind: event.at.stored), \(bind: event.subject), \(bind: event.data), \(bind: event.actor)"
            }
            return "INSERT INTO events (id, type, at, subject, data, actor) VALUES \(rows)"
        }
    }

    /// The highest event id below which every event is settled: committed (and visible to
    /// any later read) or rolled back. Reading only up to it makes the feed gap-free: an id a
    /// reader passed over can never appear later.
    static func settledHorizon(_ db: any SQLDatabase) async throws -> Int64 {
        guard db.engine == .postgres else { return .max }
        // First the sequence, then the fences: a transaction still writing ids at or below
        // `issued` took its fence before its id, so the second statement sees it.
        let issued = try await db.raw("SELECT last_value FROM events_id_seq").first()?.int64("last_value") ?? 0
        let fence = try await db.raw(
            """
            SELECT min(((l.classid::bigint << 32) | l.objid::bigint) - \(literal: EventFence.keyOffset)) AS fence
            FROM pg_locks l
            WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.classid::bigint >= \(literal: EventFence.keyOffset >> 32)
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        ).first()?.optionalInt64("fence")
        return min(issued, fence ?? .max)
    }

    /// Events after `cursor`, oldest first, optionally of some types or about one subject.
    /// The global feed (no subject) stops at the settled horizon, so paging it never skips an
    /// event that commits later; a subject's timeline shows everything committed.
    public func list(after: Int64?, limit: Int?, types: [String] = [], subject: String? = nil) async throws -> Page<StoredEvent> {
        let size = try pageSize(limit)
        let horizon = subject == nil ? try await database.read { db in try await Self.settledHorizon(db) } : .max
        var query = SQLQueryString("SELECT id, type, at, subject, data, actor FROM events WHERE id > \(bind: after ?? 0)")
        if horizon < .max { query.appendInterpolation(SQLQueryString(" AND id <= \(bind: horizon)")) }
        if !types.isEmpty { query.appendInterpolation(SQLQueryString(" AND type IN (\(binds: types))")) }
        if let subject { query.appendInterpolation(SQLQueryString(" AND subject = \(bind: subject)")) }
        query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
        let finalQuery = query
        let rows = try await database.read { db in try await db.raw(finalQuery).all() }
        let events = try rows.prefix(size).map(Self.decode)
        return Page(items: events, nextCursor: rows.count > size ? events.last.map { String($0.id) } : nil)
    }

    static func decode(_ row: any SQLRow) throws -> StoredEvent {
        StoredEvent(
            id: try row.int64("id"), type: try row.string("type"), at: try row.date("at"),
            subject: try row.string("subject"), data: try row.string("data"), actor: try row.optionalString("actor"))
    }
}
