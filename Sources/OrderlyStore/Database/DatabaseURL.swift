import Foundation
import OrderlyCore
import PostgresNIO

/// A parsed `--database-url`.
///
/// A PostgreSQL URL may end in `?prepare=false`: statements are then sent unprepared, for
/// connection poolers that do not keep a connection's prepared statements (PgBouncer in
/// transaction mode before 1.21).
enum DatabaseURL {
    case sqlite(path: String)
    case postgres(PostgresClient.Configuration, prepare: Bool)

    init(_ string: String) throws {
        if string.hasPrefix("sqlite://") {
            let path = String(string.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw OrderlyError.invalid("databaseURL", "names no SQLite file") }
            self = .sqlite(path: path)
        } else if string.hasPrefix("postgres://") || string.hasPrefix("postgresql://") {
            guard let url = URLComponents(string: string), let host = url.host, !host.isEmpty else {
                throw OrderlyError.invalid("databaseURL", "is not a valid postgres:// URL")
            }
            let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            var configuration = PostgresClient.Configuration(
                host: host, port: url.port ?? 5432, username: url.user ?? "postgres",
                password: url.password, database: database.isEmpty ? nil : database, tls: .disable)
            configuration.options.keepAliveBehavior = nil
            var prepare = true
            for item in url.queryItems ?? [] {
                switch (item.name, item.value) {
                case ("prepare", "true"): prepare = true
                case ("prepare", "false"): prepare = false
                case ("sslmode", "disable"): break  // what Orderly does anyway
                default:
                    throw OrderlyError.invalid(
                        "databaseURL", "knows no option \(item.name)=\(item.value ?? ""); only prepare=true|false and sslmode=disable")
                }
            }
            self = .postgres(configuration, prepare: prepare)
        } else if string.contains("://") {
            throw OrderlyError.invalid("databaseURL", "must start with sqlite:// or postgres://")
        } else {
            self = .sqlite(path: string)
        }
    }
}
