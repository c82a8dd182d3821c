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
final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnectionPool
    private let readers: SQLiteConnectionPool

    private init(writer: SQLiteConnectionPool, readers: SQLiteConnectionPool) {
        self.writer = writer
        self.readers = readers
    }

    static let pragmas = [
        "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
    ]

    static func open(path: String, readers: Int, logger: Logger) async throws -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let writer = try await SQLiteConnection.open(path: path, name: "sqlite-writer", pragmas: pragmas, logger: logger)
        var readerConnections: [SQLiteConnection] = []
        do {
            for index in 0..<readers {
                readerConnections.append(
                    try await SQLiteConnection.open(path: path, name: "sqlite-reader-\(index)", pragmas: pragmas, logger: logger))
            }
        } catch {
            for connection in [writer] + readerConnections { await connection.close() }
            throw error
        }
        return SQLiteDriver(writer: SQLiteConnectionPool([writer]), readers: SQLiteConnectionPool(readerConnections))
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.with { connection in
            try await withTaskExecutorPreference(connection.thread) {
                try await body(connection.sql(queryLogLevel: .trace))
            }
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.with { connection in
            try await withTaskExecutorPreference(connection.thread) {
                try await connection.sql(queryLogLevel: .trace).inTransaction(begin: "BEGIN IMMEDIATE", body)
            }
        }
    }

    func isTransient(_ error: any Error) -> Bool {
        (error as? SQLiteFailure)?.isBusy ?? false
    }

    func close() async {
        for connection in writer.drain() + readers.drain() {
            await connection.close()
        }
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
            defer { state.all = []; state.idle = [] }
            return state.all
        }
    }
}
