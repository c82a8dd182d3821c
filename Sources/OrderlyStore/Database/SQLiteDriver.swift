import Foundation
import Logging
import SQLKit
import Synchronization

/// SQLite in WAL mode: one writer connection, taken in turn, so write transactions never
/// fight over the file lock inside one process; a few reader connections that WAL lets read
/// while the writer writes. A busy timeout covers other processes on the same file.
///
/// Each connection has its own thread, and a use case runs on it (`withTaskExecutorPreference`):
/// its statements are direct calls into SQLite rather than hand-offs (see `SQLiteThread`).
/// One more connection checkpoints the log beside the writer (`SQLiteCheckpointer`).
final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnectionPool
    private let readers: SQLiteConnectionPool
    let checkpointer: SQLiteCheckpointer

    private init(writer: SQLiteConnectionPool, readers: SQLiteConnectionPool, checkpointer: SQLiteCheckpointer) {
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
    }

    /// `temp_store = MEMORY`: group commit runs each use case of a batch in a savepoint, and
    /// SQLite keeps the pages a savepoint changes in a statement journal that spills to a
    /// temporary file past 64 KiB — a `pwrite` per page on the writer, 7 % of the server's time
    /// under load. In memory it is a copy.
    static let pragmas = [
        "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY",
    ]

    static func open(path: String, readers: Int, logger: Logger) async throws -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        var opened: [SQLiteConnection] = []
        do {
            for name in ["sqlite-writer", "sqlite-checkpointer"] + (0..<readers).map({ "sqlite-reader-\($0)" }) {
                opened.append(try await SQLiteConnection.open(path: path, name: name, pragmas: pragmas, logger: logger))
            }
            let checkpointer = SQLiteCheckpointer(connection: opened[1], logger: logger)
            try await opened[0].handCheckpoints(to: checkpointer)
            return SQLiteDriver(
                writer: SQLiteConnectionPool([opened[0]]), readers: SQLiteConnectionPool(Array(opened.dropFirst(2))), checkpointer: checkpointer)
        } catch {
            for connection in opened { await connection.close() }
            throw error
        }
    }

    func read<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.with { connection in
            try await withTaskExecutorPreference(connection.thread) {
                try await body(connection.sql(queryLogLevel: .trace))
            }
        }
    }

    func transaction<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await writer.with { connection in
            try await withTaskExecutorPreference(connection.thread) {
                let sql = connection.sql(queryLogLevel: .trace)
                return try await Transaction.run(on: sql, unprepared: sql, prepared: prepared, engine: .sqlite, begin: "BEGIN IMMEDIATE", body)
            }
        }
    }

    func isUniqueViolation(_ error: any Error) -> Bool {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY
        [2067, 1555].contains((error as? SQLiteFailure)?.code)
    }

    func isTransient(_ error: any Error) -> Bool {
        (error as? SQLiteFailure)?.isBusy ?? false
    }

    func close() async {
        // The writer first: it is the one that asks the checkpointer for checkpoints.
        for connection in writer.drain() + readers.drain() {
            await connection.close()
        }
        await checkpointer.close()
    }
}

/// A fixed set of SQLite connections handed out one caller at a time, in arrival order.
final class SQLiteConnectionPool: Sendable {
    private struct State {
        var idle: [SQLiteConnection]
        var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
        var all: [SQLiteConnection]
    }

    private let state: Mutex<State>

    init(_ connections: [SQLiteConnection]) {
        state = Mutex(State(idle: connections, all: connections))
    }

    private func acquire() async -> SQLiteConnection {
        await withCheckedContinuation { continuation in
            let connection = state.withLock { state -> SQLiteConnection? in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let connection { continuation.resume(returning: connection) }
        }
    }

    private func release(_ connection: SQLiteConnection) {
        let waiter = state.withLock { state -> CheckedContinuation<SQLiteConnection, Never>? in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    func with<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    func drain() -> [SQLiteConnection] {
        state.withLock { state in
            defer {
                state.all = []
                state.idle = []
            }
            return state.all
        }
    }
}
