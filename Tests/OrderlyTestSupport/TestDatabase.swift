import Foundation
import Logging
import OrderlyCore
import OrderlyStore
import PostgresNIO
import Synchronization

/// Fresh, migrated databases for tests, on either engine. Each test gets its own database,
/// cloned from one migrated template per process (a file copy for SQLite,
/// `CREATE DATABASE … TEMPLATE` for PostgreSQL), so no test migrates and none sees another's data.
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "orderly.test")
        logger.logLevel = ProcessInfo.processInfo.environment["ORDERLY_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    /// Opens a new database of `engine`. PostgreSQL needs `ORDERLY_TEST_POSTGRES_URL`
    /// (`scripts/test` sets it); without it the test fails rather than skipping.
    /// PostgreSQL places orders in batches (`orderBatchLanes`) as the server does by default.
    public static func make(_ engine: Engine, poolSize: Int = 8, groupCommitLanes: Int = 0, orderBatchLanes: Int = 2) async throws -> Database {
        try await open(engine, poolSize: poolSize, groupCommitLanes: groupCommitLanes, orderBatchLanes: orderBatchLanes).database
    }

    /// A new database, and on SQLite its file (for the caller to remove when done).
    static func open(_ engine: Engine, poolSize: Int, groupCommitLanes: Int, orderBatchLanes: Int) async throws -> (database: Database, file: String?)
    {
        let (url, file) = try await url(engine)
        switch engine {
        case .sqlite:
            return (try await Database.open(url: url, logger: logger), file)
        case .postgres:
            let database = try await Database.open(
                url: url, poolSize: poolSize, groupCommitLanes: groupCommitLanes, orderBatchLanes: orderBatchLanes, logger: logger)
            return (database, nil)
        }
    }

    /// The URL of a new, migrated database nobody has opened, for a test that starts the
    /// `orderly` program on it; on SQLite also its file (`remove(_:)` it when done).
    public static func url(_ engine: Engine) async throws -> (url: String, file: String?) {
        switch engine {
        case .sqlite:
            let path = NSTemporaryDirectory() + "orderly-test-\(UUID().uuidString).sqlite"
            try FileManager.default.copyItem(atPath: try await Templates.shared.sqliteTemplate(), toPath: path)
            return ("sqlite://" + path, path)
        case .postgres:
            let (base, template) = try await Templates.shared.postgresTemplate()
            let name = "orderly_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
            try await Templates.shared.admin(base) { db in try await db.execute("CREATE DATABASE \(name) TEMPLATE \(template)") }
            return (base.replacingDatabase(with: name), nil)
        }
    }

    /// Removes an SQLite database file with its write-ahead log and shared memory.
    public static func remove(_ file: String?) {
        guard let file else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
    }

    /// Runs `body` with the stores of a fresh database and closes it afterwards.
    public static func withStores<T: Sendable>(
        _ engine: Engine, time: any TimeSource = SystemTime(), poolSize: Int = 8, groupCommitLanes: Int = 0, orderBatchLanes: Int = 2,
        _ body: (Stores) async throws -> T
    ) async throws -> T {
        let (database, file) = try await open(engine, poolSize: poolSize, groupCommitLanes: groupCommitLanes, orderBatchLanes: orderBatchLanes)
        let result: T
        let findings: [ConsistencyCheck.Finding]
        do {
            // bcrypt at its lowest cost: tests sign in often, and the cost changes nothing they check.
            let stores = Stores(database: database, time: time, bcryptCost: 4)
            result = try await body(stores)
            // Whatever a test did, stock, reservations, the ledger and orders must still agree.
            findings = try await stores.consistency.run()
        } catch {
            await database.close()
            remove(file)
            throw error
        }
        // Closed once: a database closed twice waits for ever (a finding used to be thrown
        // inside the `do`, and the test hung instead of failing).
        await database.close()
        remove(file)
        if !findings.isEmpty { throw Inconsistent(findings: findings) }
        return result
    }
}

public struct MissingPostgres: Error, CustomStringConvertible {
    public init() {}

    public var description: String {
        "ORDERLY_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (run scripts/test, which starts one)"
    }
}

/// The SQLite template of this test process, removed when the process exits (with its WAL
/// files), so that test runs leave nothing in the temporary folder.
private let sqliteTemplateFile = Mutex<String?>(nil)

private func removeSQLiteTemplate() {
    sqliteTemplateFile.withLock { path in
        guard let path else { return }
        for file in [path, path + "-wal", path + "-shm"] { unlink(file) }
    }
}

/// Builds each engine's template once per test process.
actor Templates {
    static let shared = Templates()
    private var sqlitePath: Task<String, any Error>?
    private var postgres: Task<(String, String), any Error>?

    func sqliteTemplate() async throws -> String {
        if sqlitePath == nil {
            sqlitePath = Task {
                let path = NSTemporaryDirectory() + "orderly-template-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
                let database = try await Database.open(url: "sqlite://" + path, logger: TestDatabase.logger)
                try await Migrator.migrate(database)
                try await database.checkpoint()
                await database.close()
                sqliteTemplateFile.withLock { $0 = path }
                atexit { removeSQLiteTemplate() }
                return path
            }
        }
        return try await sqlitePath!.value
    }

    func postgresTemplate() async throws -> (base: String, template: String) {
        guard let base = ProcessInfo.processInfo.environment["ORDERLY_TEST_POSTGRES_URL"], !base.isEmpty else {
            throw MissingPostgres()
        }
        if postgres == nil {
            postgres = Task {
                let template = "orderly_template_\(ProcessInfo.processInfo.processIdentifier)"
                try await self.admin(base) { db in
                    try await db.execute("DROP DATABASE IF EXISTS \(template)")
                    try await db.execute("CREATE DATABASE \(template)")
                }
                let database = try await Database.open(url: base.replacingDatabase(with: template), poolSize: 1, logger: TestDatabase.logger)
                try await Migrator.migrate(database)
                await database.close()
                return (base, template)
            }
        }
        return try await postgres!.value
    }

    private var adminDatabase: Database?

    /// Runs administrative statements (CREATE DATABASE) on one shared connection pool,
    /// retrying while PostgreSQL reports the template busy.
    func admin(_ base: String, _ body: @Sendable (Database) async throws -> Void) async throws {
        let database: Database
        if let adminDatabase {
            database = adminDatabase
        } else {
            database = try await Database.open(url: base, poolSize: 2, logger: TestDatabase.logger)
            adminDatabase = database
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body(database)
            } catch  where attempt < 50 && String(reflecting: error).contains("55006") {
                try await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }
}

extension String {
    /// The same postgres:// URL naming another database.
    func replacingDatabase(with name: String) -> String {
        guard var components = URLComponents(string: self) else { return self }
        components.path = "/" + name
        return components.string ?? self
    }
}

/// A test left the database in a state `ConsistencyCheck` refuses.
public struct Inconsistent: Error, CustomStringConvertible {
    public let findings: [ConsistencyCheck.Finding]
    public var description: String { "the database is inconsistent after the test:\n" + findings.map(\.description).joined(separator: "\n") }
}
