import Foundation
import Logging
import OrderlyCore
import SQLKit
import Synchronization

/// The two engines Orderly runs on. One SQL implementation serves both; the few places
/// where they differ branch on this.
public enum Engine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// A connection to Orderly's database: reads on any pooled connection, use cases in one
/// transaction each. Transactions that lose a race the engine reports (deadlock,
/// serialization failure, SQLite busy) are retried a bounded number of times.
public final class Database: Sendable {
    public let engine: Engine
    public let logger: Logger
    let driver: any DatabaseDriver
    let groupCommit: GroupCommit?
    /// New orders placed together, several per transaction (PostgreSQL; nil: each alone).
    let orderBatches: Batches<OrderStore.Batched, OrderStore.Batched.Outcome>?
    /// Channels, locations and API keys for a second (`ConfigCache`).
    let cache = ConfigCache()

    init(engine: Engine, driver: any DatabaseDriver, groupCommitLanes: Int, orderBatchLanes: Int = 0, logger: Logger) {
        self.engine = engine
        self.driver = driver
        self.logger = logger
        groupCommit = groupCommitLanes > 0 ? GroupCommit(driver: driver, lanes: groupCommitLanes, logger: logger) : nil
        if orderBatchLanes > 0 {
            let batches = Mutex<Batches<OrderStore.Batched, OrderStore.Batched.Outcome>?>(nil)
            let created = Batches<OrderStore.Batched, OrderStore.Batched.Outcome>(
                lanes: orderBatchLanes, logger: logger,
                cause: { [driver] error in
                    if error is ReservationStore.StockMoved { return "stock_moved" }
                    return driver.isUniqueViolation(error) ? "duplicate" : "other"
                },
                run: { [driver] batch in
                    try await OrderStore.placeTogether(batch, in: driver) {
                        _ = batches.withLock { $0?.retries.add(1, ordering: .relaxed) }
                    }
                })
            batches.withLock { $0 = created }
            orderBatches = created
        } else {
            orderBatches = nil
        }
    }

    /// Opens the database a URL names: `sqlite:///path/file.sqlite`, `sqlite://relative.sqlite`,
    /// a plain file path, or `postgres://user:password@host:port/db`.
    ///
    /// `groupCommitLanes`: how many batches of write transactions may run at once (see
    /// `GroupCommit`); 0 runs every transaction on its own. SQLite always batches in its one
    /// writer lane; on PostgreSQL the default is 0.
    ///
    /// `orderBatchLanes` (PostgreSQL): how many transactions placing several new orders each
    /// may run at once (`OrderStore.placeTogether`); 0 places every order alone. SQLite's one
    /// writer batches everything already.
    public static func open(
        url: String, poolSize: Int = 16, groupCommitLanes: Int = 0, orderBatchLanes: Int = 0, logger: Logger
    ) async throws -> Database {
        switch try DatabaseURL(url) {
        case .sqlite(let path):
            let driver = try await SQLiteDriver.open(path: path, readers: 4, logger: logger)
            return Database(engine: .sqlite, driver: driver, groupCommitLanes: 1, logger: logger)
        case .postgres(let configuration, let prepare):
            let driver = PostgresDriver(configuration: configuration, poolSize: poolSize, prepare: prepare, logger: logger)
            return Database(engine: .postgres, driver: driver, groupCommitLanes: groupCommitLanes, orderBatchLanes: orderBatchLanes, logger: logger)
        }
    }

    /// How writes were gathered since the database was opened, for `/metrics`.
    public struct WriteStatistics: Sendable {
        /// Group commit (always on SQLite): transactions committed, and the use cases they ran.
        public struct GroupCommits: Sendable {
            public var transactions: Int
            public var jobs: Int
        }

        /// Order batches (PostgreSQL): batches run, the orders in them, batches that failed (their
        /// orders were then placed alone), and orders waiting for a batch now.
        public struct OrderBatches: Sendable {
            public var batches: Int
            public var orders: Int
            public var failures: Int
            public var queued: Int
            /// Failed batches by cause: `stock_moved` (after `OrderStore.batchAttempts` runs),
            /// `duplicate` (a repeat of an order placed meanwhile), `other`.
            public var failuresByCause: [String: Int] = [:]
            /// Batches run again because stock moved under them.
            public var retries: Int = 0
        }

        public var groupCommits: GroupCommits?
        public var orderBatches: OrderBatches?
    }

    public var writeStatistics: WriteStatistics {
        WriteStatistics(
            groupCommits: groupCommit.map {
                .init(transactions: $0.transactions.load(ordering: .relaxed), jobs: $0.jobs.load(ordering: .relaxed))
            },
            orderBatches: orderBatches.map {
                .init(
                    batches: $0.batches.load(ordering: .relaxed), orders: $0.jobs.load(ordering: .relaxed),
                    failures: $0.failures.load(ordering: .relaxed), queued: $0.queued, failuresByCause: $0.failuresByCause,
                    retries: $0.retries.load(ordering: .relaxed))
            })
    }

    /// Runs `body` on a connection outside any explicit transaction (each statement is atomic).
    /// With `prepared: false` its statements are sent unprepared on PostgreSQL: for a search with
    /// free text, whose best plan depends on the pattern (see `PreparedStatements`).
    public func read<T: Sendable>(prepared: Bool = true, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await driver.read(prepared: prepared, body)
    }

    /// Runs `body` as one transaction (or, with group commit, in a savepoint of a transaction
    /// it shares with others that arrived meanwhile), retrying it from the start when the engine
    /// reports a transient conflict. `body` must therefore have no effect outside the database.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (Transaction) async throws -> T
    ) async throws -> T {
        if let groupCommit { return try await groupCommit.run(body) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await driver.transaction(prepared: true, body)
            } catch let error where attempt < Self.maxAttempts && driver.isTransient(error) {
                logger.debug("retrying transaction after a transient conflict", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    static let maxAttempts = 8

    /// Closes every connection. The database must not be used afterwards.
    public func close() async {
        await driver.close()
    }
}

/// What an engine's driver provides to `Database`.
protocol DatabaseDriver: Sendable {
    func read<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// A transaction whose statements are prepared, or (`prepared: false`) sent unprepared on
    /// PostgreSQL until the body asks otherwise (`Transaction.withStatements(prepared:)`).
    func transaction<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
    func isTransient(_ error: any Error) -> Bool
    /// Whether `error` is a unique constraint refusing a row (such as a repeated order).
    func isUniqueViolation(_ error: any Error) -> Bool
    func close() async
}

extension Database {
    /// Runs one statement outside a transaction (for administration such as `CREATE DATABASE`).
    public func execute(_ sql: String) async throws {
        try await read { db in try await db.raw(SQLQueryString(sql)).run() }
    }

    /// Folds the SQLite write-ahead log into the database file (so that a copy of the file
    /// alone is complete). Does nothing on PostgreSQL.
    public func checkpoint() async throws {
        guard engine == .sqlite else { return }
        try await transaction { _ in }
        try await read { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
    }
}

extension Database {
    /// A trivial query, for health checks.
    public func ping() async throws {
        try await read { db in try await db.raw("SELECT 1 AS one").run() }
    }
}
