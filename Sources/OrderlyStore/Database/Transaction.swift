import Logging
import NIOCore
import SQLKit

/// One open transaction: the value every store call made inside it is handed, and the only
/// place its state lives. It knows its engine, keeps the events appended so far (its outbox,
/// written with one statement just before it commits, or before its savepoint is released) and,
/// on PostgreSQL, the inserts it holds back to send with its next statement (`HeldInserts`).
///
/// As an `SQLDatabase` it runs statements on its connection, the held inserts first, so a body
/// reads its own writes. A read-only helper can take `any SQLDatabase` and be given either a
/// transaction or a plain connection; a helper that appends events or holds inserts takes a
/// `Transaction`, so that the compiler, not the task it happens to run in, says which
/// transaction its writes join.
public struct Transaction: SQLDatabase {
    public let engine: Engine
    /// The connection (or, in a savepoint, the enclosing transaction) statements run on.
    let connection: any SQLDatabase
    /// The same connection sending statements unprepared (PostgreSQL; `connection` on SQLite).
    private let unpreparedConnection: any SQLDatabase
    /// Whether statements are prepared (PostgreSQL; SQLite always prepares its own).
    private let prepares: Bool
    let outbox: EventLog.Outbox
    /// On PostgreSQL, what the transaction holds back; on SQLite every statement runs at once.
    let held: HeldInserts?

    private var current: any SQLDatabase { prepares ? connection : unpreparedConnection }

    public var logger: Logger { connection.logger }
    public var eventLoop: any EventLoop { connection.eventLoop }
    public var version: (any SQLDatabaseReportedVersion)? { connection.version }
    public var dialect: any SQLDialect { connection.dialect }
    public var queryLogLevel: Logger.Level? { connection.queryLogLevel }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        if let held { try await held.flush(on: current) }
        try await current.execute(sql: query, onRow)
    }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }

    private init(engine: Engine, connection: any SQLDatabase, unprepared: any SQLDatabase, prepared: Bool) {
        self.engine = engine
        self.connection = connection
        self.unpreparedConnection = unprepared
        self.prepares = prepared
        self.outbox = EventLog.Outbox()
        self.held = engine == .postgres ? HeldInserts() : nil
    }

    private init(_ other: Transaction, prepared: Bool) {
        engine = other.engine
        connection = other.connection
        unpreparedConnection = other.unpreparedConnection
        prepares = prepared
        outbox = other.outbox
        held = other.held
    }

    /// The same transaction (its outbox and held inserts shared) with its statements prepared
    /// or sent unprepared. Work whose statements have shapes that rarely come again (several
    /// orders placed together) runs unprepared, so that it does not fill the prepared-statement
    /// cache (`PreparedStatements`); its reads of one shape can still be prepared.
    func withStatements(prepared: Bool) -> Transaction {
        Transaction(self, prepared: prepared)
    }

    /// Runs `body` between `begin` and COMMIT on `connection` (or `unprepared`, the same
    /// connection sending its statements unprepared, when `prepared` is false), rolling back if
    /// it throws; its held inserts and events are written just before COMMIT.
    static func run<T: Sendable>(
        on connection: any SQLDatabase, unprepared: any SQLDatabase, prepared: Bool, engine: Engine, begin: String,
        _ body: @Sendable (Transaction) async throws -> T
    ) async throws -> T {
        try await connection.raw(SQLQueryString(begin)).run()
        do {
            let transaction = Transaction(engine: engine, connection: connection, unprepared: unprepared, prepared: prepared)
            let result = try await body(transaction)
            try await transaction.finish()
            try await connection.raw("COMMIT").run()
            return result
        } catch {
            try? await connection.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Runs `body` in a savepoint of this transaction, as a transaction of its own (its own
    /// outbox and held inserts): if it throws, what it wrote is rolled back and the enclosing
    /// transaction goes on.
    func inSavepoint<T: Sendable>(_ body: (Transaction) async throws -> T) async throws -> Result<T, any Error> {
        try await raw("SAVEPOINT orderly_batch").run()
        do {
            let nested = Transaction(
                engine: engine, connection: withStatements(prepared: true), unprepared: withStatements(prepared: false), prepared: prepares)
            let value = try await body(nested)
            try await nested.finish()
            try await raw("RELEASE SAVEPOINT orderly_batch").run()
            return .success(value)
        } catch {
            try await raw("ROLLBACK TO SAVEPOINT orderly_batch").run()
            try await raw("RELEASE SAVEPOINT orderly_batch").run()
            return .failure(error)
        }
    }

    /// Writes what the body left: the held inserts, then the events, in as few statements as
    /// the engine allows.
    private func finish() async throws {
        let events = outbox.take()
        let messages = outbox.takeMessages()
        if !messages.isEmpty { try await insertLater(into: MessageStore.insertInto, values: try MessageStore.rows(messages)) }
        if let held {
            try await held.flush(on: current, then: EventLog.statements(engine, events))
        } else {
            for statement in EventLog.statements(engine, events) { try await current.raw(statement).run() }
        }
    }

    /// Runs an INSERT of new rows (or an UPDATE of a row nothing else held touches) whose result
    /// is not read. On PostgreSQL it is held and sent with the transaction's other held inserts
    /// in one statement (`HeldInserts`), before the next statement that is not one. Its rows
    /// must not conflict with those of other held statements; an error it raises surfaces at
    /// that later statement.
    func insertLater(_ query: SQLQueryString) async throws {
        if let held {
            held.hold(query)
        } else {
            try await current.raw(query).run()
        }
    }

    /// Runs `INSERT INTO \(into) VALUES \(values)\(then)` (`into`: `table (columns)`, `values`:
    /// rows of new rows, `then`: an `ON CONFLICT` clause or nothing), held like `insertLater(_:)`
    /// on PostgreSQL, where its rows join those held for the same `into` and `then` (one insert
    /// per table for all the orders of a batch).
    func insertLater(into: String, values: SQLQueryString, then: String = "") async throws {
        if let held {
            held.hold(into: into, values: values, then: then)
        } else {
            try await current.raw(SQLQueryString.insert(into: into, values: values, then: then)).run()
        }
    }

    /// Runs `update(quantity)`, a conditional `UPDATE … RETURNING` that adds `quantity` to one
    /// `row` and must touch it, else throws `failure`. On PostgreSQL it is held like
    /// `insertLater` (merged with an update of the same row held already) and `failure` is
    /// thrown at the statement that sends it (before the commit at the latest).
    func updateLater(
        row: [String], adding quantity: Int64, orElse failure: any Error & Sendable, _ update: @escaping @Sendable (Int64) -> SQLQueryString
    ) async throws {
        guard let held else {
            if try await current.raw(update(quantity)).first() == nil { throw failure }
            return
        }
        held.hold(HeldInserts.Update(check: HeldInserts.Check(row: row, failure: failure), quantity: quantity, update: update))
    }
}
