import Logging
import NIOCore
import SQLKit
import Synchronization

/// Inserts (and conditional stock updates) a transaction holds back and sends together, on
/// PostgreSQL.
///
/// Every statement costs PostgreSQL (and PostgresNIO) a round trip: parse, plan, execute, a
/// socket write and read each way — ~0.2 ms of CPU apiece on our machine, most of an order's
/// cost. An insert of new rows whose result nobody reads (an order's lines, its allocations,
/// fulfillment orders, events) need not be sent on its own: it is held, and the held inserts go
/// as **one** statement (a data-modifying `WITH`) just before the transaction's next other
/// statement, or its commit. Whatever the transaction reads next therefore sees them, exactly
/// as if each had run when it was issued; only the number of round trips changes. Rows held for
/// the same table and columns (`insertLater(into:values:then:)`) join one insert, so a batch of
/// orders writes each table with one part of that statement, which PostgreSQL plans once.
///
/// A conditional update that adds a quantity to one row and whose only result is whether it
/// matched (reserving stock: `reserved + q` only where enough is free) may be held too
/// (`updateLater`): the statement then reports how many rows each such update touched, and if
/// one touched none its error is thrown there — before the commit, so the transaction rolls back
/// as it would have at once. Held updates run before the held inserts of the same statement,
/// in the order of the rows they touch (every transaction locks rows in that one order).
///
/// Held statements must not touch the same rows as one another (a data-modifying `WITH` runs its
/// parts against one snapshot, and a row updated twice in one statement keeps only one of the
/// changes): a second update of a row already held is merged into the first — one update of
/// the sum, which succeeds exactly when both would have one after the other. On SQLite
/// statements are calls on the writer's own thread and cost little, so they run at once.
final class HeldInserts: Sendable {
    struct Statement: Sendable {
        var query: SQLQueryString
        /// For a held conditional update: the row it touches and what to throw if it touches none.
        var check: Check?
    }

    struct Check: Sendable {
        /// The row, as values that order rows the way every transaction locks them.
        var row: [String]
        var failure: any Error & Sendable
    }

    /// A held conditional update: `quantity` added to `row`, by `update(quantity)`.
    struct Update: Sendable {
        var check: Check
        var quantity: Int64
        var update: @Sendable (Int64) -> SQLQueryString

        var statement: Statement { Statement(query: update(quantity), check: check) }
    }

    /// A held statement: as given, or an insert of new rows whose rows later inserts into the
    /// same table and columns join (`into`: `table (columns)`, `then`: what follows the rows).
    private enum Held {
        case statement(SQLQueryString)
        case rows(into: String, values: SQLQueryString, then: String)

        var query: SQLQueryString {
            switch self {
            case .statement(let query): query
            case .rows(let into, let values, let then): SQLQueryString.insert(into: into, values: values, then: then)
            }
        }
    }

    private struct State {
        var inserts: [Held] = []
        /// Where in `inserts` the rows for each `into` and `then` are held.
        var rows: [[String]: Int] = [:]
        var updates: [[String]: Update] = [:]
    }

    private let held = Mutex(State())

    func hold(_ query: SQLQueryString) { held.withLock { $0.inserts.append(.statement(query)) } }

    /// Holds new rows for `into` (`table (columns)`); they join the rows held for the same
    /// `into` and `then`, so that the orders of a batch are one insert per table, whose
    /// statement PostgreSQL plans and runs once, in the place of the first of them.
    func hold(into: String, values: SQLQueryString, then: String) {
        held.withLock { held in
            let key = [into, then]
            if let index = held.rows[key], case .rows(_, var rows, _) = held.inserts[index] {
                rows.appendLiteral(", ")
                rows.appendInterpolation(values)
                held.inserts[index] = .rows(into: into, values: rows, then: then)
            } else {
                held.rows[key] = held.inserts.count
                held.inserts.append(.rows(into: into, values: values, then: then))
            }
        }
    }

    /// Holds a conditional update; one of a row already held is merged into it (the sum).
    func hold(_ update: Update) {
        held.withLock { held in
            held.updates[update.check.row, default: Update(check: update.check, quantity: 0, update: update.update)].quantity += update.quantity
        }
    }

    /// Statements held now.
    var count: Int { held.withLock { $0.inserts.count + $0.updates.count } }

    /// The held updates in the order of their rows, then the held inserts in the order held
    /// (rows joined to an earlier insert of the same table go with it).
    func take() -> [Statement] {
        held.withLock { held in
            defer { held = State() }
            let updates = held.updates.values.sorted { $0.check.row.lexicographicallyPrecedes($1.check.row) }
            return updates.map(\.statement) + held.inserts.map { Statement(query: $0.query) }
        }
    }

    /// Sends everything held, then `last` (the events, whose ids must follow their order),
    /// in as few statements as the bind limit allows; throws the failure of a held update that
    /// touched no row.
    func flush(on db: any SQLDatabase, then last: [SQLQueryString] = []) async throws {
        let statements = take()
        guard !statements.isEmpty || !last.isEmpty else { return }
        for batch in Self.batches(statements, then: last.map { Statement(query: $0) }, on: db) {
            let checks = batch.compactMap(\.check)
            guard !checks.isEmpty else {
                try await db.raw(Self.combined(batch.map(\.query))).run()
                continue
            }
            let touched = try await db.raw(Self.checked(batch)).first()
            for (index, check) in checks.enumerated() where try (touched?.int64("touched_\(index)") ?? 0) == 0 {
                throw check.failure
            }
        }
    }

    /// Binds PostgreSQL accepts in one statement (its protocol counts them in 16 bits), with room.
    static let maxBinds = 30_000

    /// Consecutive statements grouped so that no group exceeds `maxBinds`. Each of `last` ends
    /// a group: it is that statement's main part (or, beside held updates, its last part), and
    /// the parts of a `WITH` run in no order the statement promises, so statements whose order
    /// matters must not share one.
    static func batches(_ statements: [Statement], then last: [Statement], on db: any SQLDatabase) -> [[Statement]] {
        var batches: [[Statement]] = []
        var open = false
        var binds = 0
        for (index, statement) in (statements + last).enumerated() {
            var serializer = SQLSerializer(database: db)
            statement.query.serialize(to: &serializer)
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

    /// One statement running every statement of `batch` as a part of a `WITH`, whose result is
    /// how many rows each held update touched (`touched_0`, … in the order held). The updates
    /// are read by the main query, so they run first and in that order; the inserts run after.
    static func checked(_ batch: [Statement]) -> SQLQueryString {
        var query = SQLQueryString("WITH ")
        var counts: [String] = []
        for (index, statement) in batch.enumerated() {
            query.appendLiteral(index == 0 ? "held_\(index) AS (" : ", held_\(index) AS (")
            query.appendInterpolation(statement.query)
            query.appendLiteral(")")
            if statement.check != nil { counts.append("(SELECT count(*) FROM held_\(index)) AS touched_\(counts.count)") }
        }
        query.appendLiteral(" SELECT " + counts.joined(separator: ", "))
        return query
    }
}
