import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import VaporCSQLite

/// One SQLite connection on its own thread (`SQLiteThread`), with its statements prepared
/// once and kept: SQLite's C API used directly, as SQLiteNIO does, minus its thread-pool hop
/// and its fresh `prepare` per statement (11 % of the server's profile under load).
///
/// Only the connection's thread touches the handle and the statement cache.
final class SQLiteConnection: @unchecked Sendable {
    let thread: SQLiteThread
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    private let logger: Logger

    /// Prepared statements kept per connection; past this the cache starts afresh (the
    /// multi-row inserts make a statement per row count).
    static let cachedStatements = 512

    private init(handle: OpaquePointer, thread: SQLiteThread, logger: Logger) {
        self.handle = handle
        self.thread = thread
        self.logger = logger
    }

    static func open(path: String, name: String, pragmas: [String], logger: Logger) async throws -> SQLiteConnection {
        let thread = SQLiteThread(name: name)
        do {
            return try await thread.perform {
                var handle: OpaquePointer?
                let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
                let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
                guard status == SQLITE_OK, let handle else {
                    let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
                    sqlite_nio_sqlite3_close_v2(handle)
                    throw SQLiteFailure(code: status, message: message)
                }
                let connection = SQLiteConnection(handle: handle, thread: thread, logger: logger)
                for pragma in pragmas { try connection.run(pragma, []) { _ in } }
                return connection
            }
        } catch {
            thread.stop()
            throw error
        }
    }

    /// This connection as an `SQLDatabase`. Use it on the connection's thread (see
    /// `SQLiteDriver`); from elsewhere each statement is handed over to the thread.
    func sql(queryLogLevel: Logger.Level?) -> any SQLDatabase {
        SQLiteSession(connection: self, logger: logger, queryLogLevel: queryLogLevel)
    }

    /// Runs one statement (the first of `sql`) with `binds`, passing each row to `onRow`.
    /// Must be called on the connection's thread.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteValuesRow) -> Void) throws {
        assert(thread.isCurrent, "an SQLite connection used off its thread")
        let statement = try prepared(sql)
        // Reset, but not `clear_bindings`: that marks a statement whose plan took a bound value
        // into account as expired, and it would be prepared again on every use. Every use binds
        // all of its parameters anew.
        defer { sqlite_nio_sqlite3_reset(statement) }
        for (index, bind) in binds.enumerated() {
            try check(Self.bind(bind, at: Int32(index + 1), to: statement))
        }
        var columns: SQLiteValuesRow.Columns?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status) }
            let names = columns ?? Self.columns(of: statement)
            columns = names
            onRow(SQLiteValuesRow(columns: names, values: try (0..<Int32(names.names.count)).map { try value(statement, $0) }))
        }
    }

    /// Leaves this connection's checkpoints to `checkpointer` (SQLite's automatic checkpoint
    /// after a commit is off from then on). `checkpointer` must outlive the connection.
    func handCheckpoints(to checkpointer: SQLiteCheckpointer) async throws {
        try await thread.perform { [self] in
            let context = Unmanaged.passUnretained(checkpointer).toOpaque()
            _ = sqlite_nio_sqlite3_wal_hook(
                handle,
                { context, handle, _, pages in
                    guard let context, let handle else { return SQLITE_OK }
                    Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: Int(pages), writer: handle)
                    return SQLITE_OK
                }, context)
        }
    }

    /// Finalizes the statements and closes the connection; then ends its thread.
    func close() async {
        _ = try? await thread.perform { [self] in
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
            sqlite_nio_sqlite3_close_v2(handle)
        }
        thread.stop()
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.cachedStatements {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let value):
            sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
        case .float(let value):
            sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .text(let value):
            sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let value):
            value.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
            }
        case .null:
            sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func columns(of statement: OpaquePointer) -> SQLiteValuesRow.Columns {
        let count = sqlite_nio_sqlite3_column_count(statement)
        return SQLiteValuesRow.Columns(names: (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
    }

    private func value(_ statement: OpaquePointer, _ index: Int32) throws -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, index)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, index) else { throw failure(SQLITE_NOMEM) }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, index) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw failure(status) }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// An error SQLite reported, with its extended result code.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    /// Another connection holds the lock (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes).
    var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }

    var description: String { "SQLite error \(code): \(message)" }
}

/// A result row: its values in column order, the names shared by all rows of the statement.
struct SQLiteValuesRow: SQLRow {
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]

        init(names: [String]) {
            self.names = names
            index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let columns: Columns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let offset = columns.index[column] else { return true }
        return values[offset] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let offset = columns.index[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "No column \(column) in the result"))
        }
        let value = values[offset]
        if let decoded = Self.decodeDirectly(value, as: D.self) { return decoded }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }

    /// The column types rows mostly hold, without the generic decoder (which looks up protocol
    /// conformances for every value); `nil` for anything else.
    private static func decodeDirectly<D>(_ value: SQLiteData, as type: D.Type) -> D? {
        switch value {
        case .text(let text):
            if D.self == String.self { return text as? D }
            if D.self == String?.self { return Optional(text) as? D }
        case .integer(let integer):
            if D.self == Int.self { return integer as? D }
            if D.self == Int?.self { return Optional(integer) as? D }
            if D.self == Int64.self { return Int64(integer) as? D }
            if D.self == Int64?.self { return Optional(Int64(integer)) as? D }
            if D.self == Bool.self { return (integer != 0) as? D }
            if D.self == Bool?.self { return Optional(integer != 0) as? D }
        case .float(let float):
            if D.self == Double.self { return float as? D }
            if D.self == Double?.self { return Optional(float) as? D }
        case .null:
            if D.self == String?.self { return String?.none as? D }
            if D.self == Int?.self { return Int?.none as? D }
            if D.self == Int64?.self { return Int64?.none as? D }
            if D.self == Bool?.self { return Bool?.none as? D }
            if D.self == Double?.self { return Double?.none as? D }
        case .blob:
            break
        }
        return nil
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `SQLDatabase` over one `SQLiteConnection`: serializes the query, encodes the binds and runs
/// the statement on the connection's thread — inline when the caller is already there.
struct SQLiteSession: AsyncSQLDatabase {
    let connection: SQLiteConnection
    let logger: Logger
    let queryLogLevel: Logger.Level?

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, rawBinds) = serialize(query)
        if let queryLogLevel {
            logger.log(level: queryLogLevel, "Executing query", metadata: ["sql": .string(sql), "binds": .array(rawBinds.map { .string("\($0)") })])
        }
        let binds = try rawBinds.map(Self.data)
        try await connection.thread.perform { [connection] in
            try connection.run(sql, binds) { onRow($0) }
        }
    }

    /// A bind as SQLite stores it: the types we bind, directly; anything else as SQLiteKit's
    /// encoder does (which makes a JSON encoder and looks up a protocol conformance per value).
    static func data(_ bind: any Encodable & Sendable) throws -> SQLiteData {
        switch bind {
        case let text as String: .text(text)
        case let integer as Int64: .integer(Int(integer))
        case let integer as Int: .integer(integer)
        case let float as Double: .float(float)
        case let bool as Bool: .integer(bool ? 1 : 0)
        default: try SQLiteDataEncoder().encode(bind)
        }
    }
}
