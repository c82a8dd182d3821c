import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// One PostgreSQL connection as an `SQLDatabase` whose statements are prepared once per
/// connection and then only bound and executed.
///
/// PostgresKit sends every statement as an unnamed one: PostgreSQL parses, analyses and plans
/// it each time, about a third of its CPU per order. PostgresNIO caches named statements per
/// connection, but only for `PostgresPreparedStatement` types whose SQL is fixed at compile
/// time; SQLKit builds its SQL at run time. So a statement is registered process-wide under a
/// short name (`PreparedStatements`) and executed through one such type whose name and SQL
/// come from a task-local value set around the call (PostgresNIO reads both at once, in the
/// calling task). The parameter types sent are those of the binds, exactly as for an unnamed
/// statement, so a statement means the same prepared or not.
///
/// Statements are sent unprepared when preparing them would not pay or cannot work: binds that
/// are not plain PostgreSQL values (PostgresKit encodes those through its JSON machinery),
/// more than `PreparedStatements.maximumBinds` of them, statements other than queries and data
/// changes (transaction control, migrations), and every
/// statement once `PreparedStatements.capacity` (1,000) different ones exist (so that generated SQL of
/// many shapes cannot grow each connection's statements without bound).
struct PostgresSession: AsyncSQLDatabase {
    let connection: PostgresConnection
    let statements: PreparedStatements?
    let logger: Logger
    let queryLogLevel: Logger.Level?

    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { PostgresDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard let statements, let encoded = PreparedStatements.encode(binds),
            let name = statements.name(sql: sql, types: encoded.types)
        else {
            return try await connection.sql(queryLogLevel: queryLogLevel).execute(sql: query, onRow)
        }
        if let queryLogLevel {
            logger.log(
                level: queryLogLevel, "Executing query",
                metadata: [
                    "sql": .string(sql), "statement": .string(name), "binds": .array(binds.map { .string("\($0)") }),
                ])
        }
        do {
            let rows = try await GeneratedStatement.$current.withValue(.init(name: name, sql: sql)) {
                try await connection.execute(GeneratedStatement(bindings: encoded.bindings), logger: logger)
            }
            for try await row in rows { onRow(row.sql()) }
        } catch let error as PSQLError {
            statements.failed(sqlState: error.serverInfo?[.sqlState])
            throw error
        }
    }
}

/// The statements prepared on PostgreSQL connections, by SQL and parameter types: each gets a
/// short name, the same on every connection, and each connection prepares it on first use.
final class PreparedStatements: Sendable {
    /// Different statements prepared at most; later ones are sent unprepared.
    let capacity: Int
    /// Statements with more binds than this (bulk inserts, long `IN` lists) vary in shape from
    /// one use to the next and are sent unprepared.
    static let maximumBinds = 2_000

    private struct Key: Hashable {
        let sql: String
        let types: [PostgresDataType]
    }

    private struct State {
        var numbers: [Key: Int] = [:]
        /// Statements seen once and not prepared yet, by hash (a collision only prepares a
        /// statement one use early); forgotten when it grows past `capacity`.
        var seenOnce: Set<Int> = []
        var generation = 0
    }

    private let state = Mutex(State())

    init(capacity: Int = 1_000) {
        self.capacity = capacity
    }

    /// The name `sql` is prepared under, or nil if it is to be sent unprepared.
    ///
    /// A statement is prepared the second time it is seen: one seen once may never come again
    /// (the statement of several orders placed together has a shape of its own), and preparing
    /// it would cost a round of describing, a slot of `capacity` and memory on every connection.
    func name(sql: String, types: [PostgresDataType]) -> String? {
        guard types.count <= Self.maximumBinds, Self.isQueryOrDML(sql) else { return nil }
        let key = Key(sql: sql, types: types)
        return state.withLock { state -> String? in
            let number: Int
            if let known = state.numbers[key] {
                number = known
            } else {
                guard state.numbers.count < capacity else { return nil }
                guard state.seenOnce.remove(key.hashValue) != nil else {
                    if state.seenOnce.count >= capacity { state.seenOnce.removeAll() }
                    state.seenOnce.insert(key.hashValue)
                    return nil
                }
                number = state.numbers.count + 1
                state.numbers[key] = number
            }
            return "orderly_\(state.generation)_\(number)"
        }
    }

    /// How many different statements have names.
    var count: Int { state.withLock { $0.numbers.count } }

    /// PostgresNIO remembers a failed preparation for the connection's lifetime, failing every
    /// later use of the name with the same error. Errors that can come from preparing rather
    /// than from the statement — a transaction already aborted, a cancelled or timed-out wait
    /// for a lock, a table changed under a cached plan, a statement a pooler discarded — move
    /// every statement to fresh names, so no name stays broken.
    func failed(sqlState: String?) {
        guard let sqlState, Self.renamingStates.contains(sqlState) else { return }
        self.state.withLock { $0.generation += 1 }
    }

    /// in_failed_sql_transaction, query_canceled, lock_not_available, feature_not_supported
    /// ("cached plan must not change result type"), invalid_sql_statement_name.
    static let renamingStates: Set<String> = ["25P02", "57014", "55P03", "0A000", "26000"]

    /// Queries and data changes are prepared; transaction control, schema changes (migrations)
    /// and settings are sent as they are — they run once, or gain nothing from a plan.
    static func isQueryOrDML(_ sql: String) -> Bool {
        let word = sql.drop { $0.isWhitespace }.prefix { !$0.isWhitespace && $0 != "(" }.uppercased()
        return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(word)
    }

    /// The binds as PostgreSQL values with their types, or nil when one needs PostgresKit's
    /// JSON machinery (those statements are sent unprepared, through PostgresKit).
    static func encode(_ binds: [any Encodable & Sendable]) -> (bindings: PostgresBindings, types: [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            if let optional = bind as? any OptionalValue, optional.isNone {
                bindings.appendNull()
                types.append(.null)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                guard (try? bindings.append(value, context: .default)) != nil else { return nil }
                types.append(value.psqlType)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }
}

private protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

/// The one `PostgresPreparedStatement` type all generated statements run through; its name
/// and SQL are whatever the calling task set (`PostgresSession.execute`).
private struct GeneratedStatement: PostgresPreparedStatement {
    struct Current: Sendable {
        var name: String
        var sql: String
    }

    @TaskLocal static var current = Current(name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
