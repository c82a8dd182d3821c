import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import OrderlyCore
import OrderlyServer
import OrderlyStore
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the API and back office.")

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on.") var port: Int?
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Fill an empty database with a small demo business.") var demo = false

    func run() async throws {
        var configuration = try ServerConfiguration.fromEnvironment()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let url = database.databaseURL { configuration.databaseURL = url }
        let logger = LogSetup.bootstrap()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let db = try await Database.open(
            url: configuration.databaseURL, poolSize: configuration.databasePoolSize, groupCommitLanes: configuration.groupCommitLanes,
            orderBatchLanes: configuration.orderBatchLanes, logger: logger)
        do {
            let applied = try await Migrator.migrate(db)
            if !applied.isEmpty { logger.info("applied migrations", metadata: ["versions": "\(applied)"]) }
            let stores = Stores(database: db, secrets: configuration.secrets)
            if configuration.secrets.current == nil {
                logger.warning(
                    "ORDERLY_SECRET_KEY is not set: webhook signing secrets are stored unencrypted; set it (openssl rand -hex 32) and run `orderly secrets rotate`"
                )
            }
            try await bootstrapAdminKey(stores, configuration: configuration, logger: logger)
            if let email = configuration.adminEmail, let password = configuration.adminPassword {
                try await stores.staff.ensureAdmin(email: email, password: password)
            }
            if demo { try await DemoBusiness.seed(stores, logger: logger) }
            logger.info("Orderly on \(db.engine) listening", metadata: ["address": "http://\(configuration.host):\(configuration.port)"])
            let app = try buildApplication(configuration: configuration, stores: stores, logger: logger, metrics: registry)
            try await app.runService()
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    /// `ORDERLY_ADMIN_KEY` becomes an admin key; without it, a first start creates one and prints it once.
    private func bootstrapAdminKey(_ stores: Stores, configuration: ServerConfiguration, logger: Logger) async throws {
        if let key = configuration.adminKey {
            try await stores.apiKeys.ensureAdmin(secret: key)
        } else if try await !stores.apiKeys.hasAdmin() {
            let (_, secret) = try await stores.apiKeys.create(name: "first admin", role: .admin, channel: nil, locations: [], actor: "system")
            // Written straight to standard output, not through `print`: under systemd, in a
            // container or with a redirect `print` is block-buffered, and the key reached the file
            // only when the server stopped. The secret stays out of the log itself (logs are
            // shipped and kept); the log line says where to look.
            FileHandle.standardOutput.write(
                Data(
                    """

                    Created the first admin API key (shown only now; only its hash is stored):

                        \(secret)

                    Use it as:  curl -H 'Authorization: Bearer \(secret)' http://\(configuration.host):\(configuration.port)/v1/locations
                    Another one:  orderly keys --name NAME --role admin

                    """.utf8))
            logger.notice("created the first admin API key; its secret is on standard output, shown only once")
        }
    }
}

enum LogSetup {
    /// Logs to standard error at `ORDERLY_LOG_LEVEL` (default `info`).
    static func bootstrap() -> Logger {
        let level = ProcessInfo.processInfo.environment["ORDERLY_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "orderly")
    }
}
