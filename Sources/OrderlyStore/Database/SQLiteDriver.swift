import Foundation
import Logging
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLite in WAL mode: one writer connection, taken in turn, so write transactions never
/// fight over the file lock inside one process; a few reader connections that WAL lets read
/// while the writer writes. A busy timeout covers other processes on the same file.
final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnectionPool
    private let readers: SQLiteConnectionPool

    private init(writer: SQLiteConnectionPool, readers: SQLiteConnectionPool) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readers: Int, logger: Logger) async throws -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        func connect() async throws -> SQLiteConnection {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            for pragma in [
                "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
            ] {
                _ = try await connection.query(pragma, [])
            }
            return connection
        }
        let writer = try await connect()
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<readers { readerConnections.append(try await connect()) }
        return SQLiteDriver(writer: SQLiteConnectionPool([writer]), readers: SQLiteConnectionPool(readerConnections))
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.with { connection in try await body(connection.sql(queryLogLevel: .trace)) }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.with { connection in
            try await connection.sql(queryLogLevel: .trace).inTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.reason == .busy || error.reason == .locked
    }

    func close() async {
        for connection in await writer.drain() + readers.drain() {
            try? await connection.close()
        }
    }
}

/// A fixed set of SQLite connections handed out one caller at a time, in arrival order.
actor SQLiteConnectionPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    private var all: [SQLiteConnection]

    init(_ connections: [SQLiteConnection]) {
        idle = connections
        all = connections
    }

    private func acquire() async -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    nonisolated func with<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = await acquire()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    func drain() -> [SQLiteConnection] {
        defer { all = []; idle = [] }
        return all
    }
}
