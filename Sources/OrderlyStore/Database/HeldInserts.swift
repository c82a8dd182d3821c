import NIOCore
import Logging
import SQLKit
import Synchronization

/// Inserts a transaction holds back and sends together, on PostgreSQL.
///
/// Every statement costs PostgreSQL (and PostgresNIO) a round trip: parse, plan, execute, a
/// socket write and read each way — ~0.2 ms of CPU apiece on our machine, most of an order's
/// cost. An insert of new rows whose result nobody reads (an order's lines, its allocations,
/// fulfillment orders, events) need not be sent on its own: it is held, and the held inserts go
/// as **one** statement (a data-modifying `WITH`) just before the transaction's next other
/// statement, or its commit. Whatever the transaction reads next therefore sees them, exactly
/// as if each had run when it was issued; only the number of round trips changes.
///
/// Held inserts must not touch the same rows as one another (a data-modifying `WITH` runs its
/// parts against one snapshot). On SQLite statements are calls on the writer's own thread and
/// cost little, so they run at once.
final class HeldInserts: Sendable {
    private let held = Mutex<[SQLQueryString]>([])

    func hold(_ query: SQLQueryString) { held.withLock { $0.append(query) } }

    /// Inserts held now.
    var count: Int { held.withLock { $0.count } }

    func take() -> [SQLQueryString] { held.withLock { held in defer { held = [] }; return held } }

    /// Sends everything held, then `last` (the events, whose ids must follow their order),
    /// in as few statements as the bind limit allows.
    func flush(on db: any SQLDatabase, then last: [SQLQueryString] = []) async throws {
        let statements = take()
        guard !statements.isEmpty || !last.isEmpty else { return }
        for batch in Self.batches(statements, then: last, on: db) {
            try await db.raw(Self.combined(batch)).run()
        }
    }

    /// Binds PostgreSQL accepts in one statement (its protocol counts them in 16 bits), with room.
    static let maxBinds = 30_000

    /// Consecutive statements grouped so that no group exceeds `maxBinds`. Each of `last` ends
    /// a group: it is that statement's main part, and the main part runs before the parts of
    /// its `WITH`, so statements whose order matters must not share one.
    static func batches(_ statements: [SQLQueryString], then last: [SQLQueryString], on db: any SQLDatabase) -> [[SQLQueryString]] {
        var batches: [[SQLQueryString]] = []
        var open = false
        var binds = 0
        for (index, statement) in (statements + last).enumerated() {
            var serializer = SQLSerializer(database: db)
            statement.serialize(to: &serializer)
            let count = serializer.binds.count
            if !open || binds + count > maxBinds {
                batches.append([statement])
                binds = count
            } else {
                batches[batches.count - 1].append(statement)
                binds += count
            }
            open = index < statements.count
        }
        return batches
    }

    /// One statement running each of `statements`: all but the last as parts of a `WITH`.
    static func combined(_ statements: [SQLQueryString]) -> SQLQueryString {
        guard let last = statements.last else { return "SELECT 1" }
        guard statements.count > 1 else { return last }
        var query = SQLQueryString("WITH ")
        for (index, statement) in statements.dropLast().enumerated() {
            query.appendLiteral(index == 0 ? "held_0 AS (" : ", held_\(index) AS (")
            query.appendInterpolation(statement)
            query.appendLiteral(")")
        }
        query.appendLiteral(" ")
        query.appendInterpolation(last)
        return query
    }
}

extension SQLDatabase {
    /// Runs an INSERT of new rows whose result is not read. In a PostgreSQL transaction it is
    /// held and sent with the transaction's other held inserts in one statement (`HeldInserts`),
    /// before the next statement that is not one. Its rows must not conflict with those of
    /// other held inserts; an error it raises surfaces at that later statement.
    func insertLater(_ query: SQLQueryString) async throws {
        if let flushing = self as? FlushingDatabase {
            flushing.held.hold(query)
        } else {
            try await raw(query).run()
        }
    }
}

/// The database a PostgreSQL transaction body sees: before any statement it sends the held
/// inserts, so that the body reads its own writes.
struct FlushingDatabase: SQLDatabase {
    let base: any SQLDatabase
    let held: HeldInserts

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await held.flush(on: base)
        try await base.execute(sql: query, onRow)
    }
}
