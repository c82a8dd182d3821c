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
        try await db.raw(
            """
            INSERT INTO events (type, at, subject, data, actor)
            VALUES (\(bind: type), \(bind: at.stored), \(bind: subject), \(bind: try StoredJSON.encode(data)), \(bind: actor))
            """
        ).run()
    }

    /// Events after `cursor`, oldest first, optionally of some types or about one subject.
    public func list(after: Int64?, limit: Int?, types: [String] = [], subject: String? = nil) async throws -> Page<StoredEvent> {
        let size = try pageSize(limit)
        var query = SQLQueryString("SELECT id, type, at, subject, data, actor FROM events WHERE id > \(bind: after ?? 0)")
        if !types.isEmpty { query.appendInterpolation(SQLQueryString(" AND type IN (\(binds: types))")) }
        if let subject { query.appendInterpolation(SQLQueryString(" AND subject = \(bind: subject)")) }
        query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
        let finalQuery = query
        let rows = try await database.read { db in try await db.raw(finalQuery).all() }
        let events = try rows.prefix(size).map { row in
            StoredEvent(
                id: try row.int64("id"), type: try row.string("type"), at: try row.date("at"),
                subject: try row.string("subject"), data: try row.string("data"), actor: try row.optionalString("actor"))
        }
        return Page(items: events, nextCursor: rows.count > size ? events.last.map { String($0.id) } : nil)
    }
}
