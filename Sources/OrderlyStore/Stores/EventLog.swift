import Foundation
import OrderlyCore
import SQLKit

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

    /// Appends an event inside the current transaction; it becomes visible with the change it records.
    static func append(
        _ db: any SQLDatabase, type: String, subject: String, data: some Encodable, actor: String?, at: Date
    ) async throws {
        // SQLite's single writer hands out ids in commit order; PostgreSQL's ids go through
        // the fence that keeps the feed gap-free (migration 0006).
        let id: SQLQueryString = db.dialect.name == "postgresql" ? "orderly_next_event_id()" : "NULL"
        try await db.raw(
            """
            INSERT INTO events (id, type, at, subject, data, actor)
            VALUES (\(id), \(bind: type), \(bind: at.stored), \(bind: subject), \(bind: try StoredJSON.encode(data)), \(bind: actor))
            """
        ).run()
    }

    /// The highest event id below which every event is settled: committed (and visible to
    /// any later read) or rolled back. Reading only up to it makes the feed gap-free: an id a
    /// reader passed over can never appear later.
    static func settledHorizon(_ db: any SQLDatabase) async throws -> Int64 {
        guard db.dialect.name == "postgresql" else { return .max }
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
