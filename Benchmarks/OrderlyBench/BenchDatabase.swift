import ArgumentParser
import Foundation
import Logging
import OrderlyStore

/// A fresh database for one benchmark run: a new SQLite file, or a new database
/// `orderly_bench_<time>` on the PostgreSQL server `postgresURL` names.
enum BenchDatabase {
    static func open(engine: String, postgresURL: String?, poolSize: Int, logger: Logger) async throws -> Database {
        switch engine {
        case "sqlite":
            let path = NSTemporaryDirectory() + "orderly-bench-\(UUID().uuidString).sqlite"
            return try await Database.open(url: "sqlite://" + path, logger: logger)
        case "postgres":
            guard let postgresURL, var components = URLComponents(string: postgresURL) else {
                throw ValidationError("--postgres-url is required for postgres")
            }
            let admin = try await Database.open(url: postgresURL, poolSize: 1, logger: logger)
            let name = "orderly_bench_\(Int(Date().timeIntervalSince1970))"
            try await admin.execute("CREATE DATABASE \(name)")
            await admin.close()
            components.path = "/" + name
            return try await Database.open(url: components.string ?? postgresURL, poolSize: poolSize, logger: logger)
        default:
            throw ValidationError("--engine is sqlite or postgres")
        }
    }
}
