import Foundation

/// Everything `orderly serve` can be told, from flags and `ORDERLY_*` environment variables,
/// with defaults that need none.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var databaseURL: String = "sqlite://orderly.sqlite"
    /// Connections in the PostgreSQL pool.
    public var databasePoolSize: Int = 16
    /// The bootstrap admin key (`ORDERLY_ADMIN_KEY`).
    public var adminKey: String?
    /// Largest JSON body accepted, in bytes.
    public var maxBodyBytes: Int = 1 << 20
    /// Largest CSV upload accepted (streamed), in bytes.
    public var maxImportBytes: Int = 256 << 20
    /// How often expired reservations are released.
    public var expiryInterval: Duration = .seconds(5)
    /// Pickups ready but not collected for this many days are cancelled, releasing their stock.
    public var pickupExpiryDays: Int = 7

    public init() {}

    /// Defaults overridden by the environment (flags are applied on top by the CLI).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["ORDERLY_HOST"] { configuration.host = host }
        if let port = environment["ORDERLY_PORT"].flatMap(Int.init) { configuration.port = port }
        if let url = environment["ORDERLY_DATABASE_URL"], !url.isEmpty { configuration.databaseURL = url }
        if let size = environment["ORDERLY_DATABASE_POOL_SIZE"].flatMap(Int.init) { configuration.databasePoolSize = size }
        if let key = environment["ORDERLY_ADMIN_KEY"], !key.isEmpty { configuration.adminKey = key }
        if let days = environment["ORDERLY_PICKUP_EXPIRY_DAYS"].flatMap(Int.init), days > 0 { configuration.pickupExpiryDays = days }
        return configuration
    }
}
