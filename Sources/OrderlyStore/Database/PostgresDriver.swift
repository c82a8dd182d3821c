import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through PostgresNIO's connection pool. Transactions run at READ COMMITTED;
/// stock changes rely on conditional updates, which PostgreSQL re-checks against the latest
/// committed row when two transactions race for it.
final class PostgresDriver: DatabaseDriver {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// Nil when statements are sent unprepared (`?prepare=false` in the URL).
    let statements: PreparedStatements?

    init(configuration: PostgresClient.Configuration, poolSize: Int, prepare: Bool = true, logger: Logger) {
        var configuration = configuration
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.statements = prepare ? PreparedStatements() : nil
        self.runner = Task { await client.run() }
    }

    func read<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(session(connection, prepared: prepared))
        }
    }

    func transaction<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await Transaction.run(
                on: session(connection), unprepared: session(connection, prepared: false), prepared: prepared, engine: .postgres,
                begin: "BEGIN", body)
        }
    }

    /// The connection as an `SQLDatabase` that prepares its statements, or sends them unprepared.
    private func session(_ connection: PostgresConnection, prepared: Bool = true) -> PostgresSession {
        PostgresSession(connection: connection, statements: prepared ? statements : nil, logger: logger, queryLogLevel: .trace)
    }

    func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        // serialization_failure, deadlock_detected
        return state == "40001" || state == "40P01"
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }
}
