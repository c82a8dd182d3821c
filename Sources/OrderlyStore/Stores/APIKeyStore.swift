import Foundation
import OrderlyCore
import SQLKit

/// API keys: only a SHA-256 hash of each secret is stored; the secret is shown once.
public struct APIKeyStore: Sendable {
    let database: Database
    let time: any TimeSource

    public struct Key: Sendable, Equatable {
        public var id: APIKeyID
        public var name: String
        public var role: Principal.Role
        public var channel: ChannelID?
        public var locations: [LocationID]
        public var createdAt: Date
        public var revokedAt: Date?
        public var principal: Principal { Principal(keyId: id, name: name, role: role, channel: channel, locations: locations) }
    }

    /// Creates a key and returns it with its secret, which is not kept.
    public func create(
        name: String, role: Principal.Role, channel: ChannelID?, locations: [LocationID], actor: String?
    ) async throws -> (key: Key, secret: String) {
        var v = Validator()
        v.text(name, "name", max: 100)
        try v.validate()
        try Principal.validateScope(role: role, channel: channel, locations: locations)
        let secret = "ork_" + Token.random(bytes: 32)
        let key = try await insert(name: name, role: role, channel: channel, locations: locations, hash: Token.hash(secret), actor: actor)
        return (key, secret)
    }

    /// Makes sure a key with this secret exists (the `ORDERLY_ADMIN_KEY` bootstrap).
    public func ensureAdmin(secret: String) async throws {
        let hash = Token.hash(secret)
        let exists = try await database.read { db in
            try await db.raw("SELECT id FROM api_keys WHERE key_hash = \(bind: hash) AND revoked_at IS NULL").first() != nil
        }
        if !exists {
            _ = try await insert(name: "bootstrap admin", role: .admin, channel: nil, locations: [], hash: hash, actor: "system")
        }
    }

    /// Whether any usable admin key exists (a first start creates one when none does).
    public func hasAdmin() async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT id FROM api_keys WHERE role = \(bind: Principal.Role.admin.rawValue) AND revoked_at IS NULL").first() != nil
        }
    }

    /// The principal a presented secret stands for, or `nil` for an unknown or revoked key.
    public func authenticate(secret: String) async throws -> Principal? {
        let hash = Token.hash(secret)
        return try await database.cache.value("key:" + hash) {
            try await database.read { db in
                try await db.raw("SELECT \(Self.columns) FROM api_keys WHERE key_hash = \(bind: hash) AND revoked_at IS NULL").first().map(
                    Self.decode)?.principal
            }
        }
    }

    public func list() async throws -> [Key] {
        try await database.read { db in
            try await db.raw("SELECT \(Self.columns) FROM api_keys ORDER BY created_at, id").all().map(Self.decode)
        }
    }

    /// Revokes a key; requests with it are refused from now on.
    public func revoke(_ id: APIKeyID, actor: String?) async throws {
        let now = time.now
        defer { database.cache.clear() }
        try await database.transaction { db in
            let rows = try await db.raw(
                "UPDATE api_keys SET revoked_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue) AND revoked_at IS NULL RETURNING id"
            ).all()
            if rows.isEmpty { throw OrderlyError.notFound("API key", id) }
            try EventLog.append(db, .apiKeyRevoked(id), actor: actor, at: now)
        }
    }

    private func insert(
        name: String, role: Principal.Role, channel: ChannelID?, locations: [LocationID], hash: String, actor: String?
    ) async throws -> Key {
        let now = time.now
        let key = Key(
            id: APIKeyID("key_" + Token.random(bytes: 8)), name: name, role: role, channel: channel, locations: locations,
            createdAt: now, revokedAt: nil)
        defer { database.cache.clear() }
        return try await database.transaction { db in
            if let channel, try await ChannelStore.fetch(db, channel) == nil {
                throw OrderlyError.invalid("channel", "channel '\(channel)' does not exist")
            }
            let known = try await LocationStore.existing(db, locations)
            var v = Validator()
            for (i, location) in locations.enumerated() where !known.contains(location) {
                v.add("locationIds[\(i)]", "location '\(location)' does not exist")
            }
            try v.validate()
            try await db.raw(
                """
                INSERT INTO api_keys (id, name, role, channel_id, location_ids, key_hash, created_at)
                VALUES (\(bind: key.id.rawValue), \(bind: name), \(bind: role.rawValue), \(bind: channel?.rawValue),
                    \(bind: try StoredJSON.encode(locations)), \(bind: hash), \(bind: now.stored))
                """
            ).run()
            try EventLog.append(db, .apiKeyCreated(key.id, name: name, role: role), actor: actor, at: now)
            return key
        }
    }

    /// The columns `decode` reads.
    static let columns: SQLQueryString = "id, name, role, channel_id, location_ids, created_at, revoked_at"

    static func decode(_ row: any SQLRow) throws -> Key {
        Key(
            id: APIKeyID(try row.string("id")), name: try row.string("name"),
            role: Principal.Role(rawValue: try row.string("role")) ?? .service,
            channel: try row.optionalString("channel_id").map(ChannelID.init),
            locations: try row.json("location_ids", as: [LocationID].self), createdAt: try row.date("created_at"),
            revokedAt: try row.optionalDate("revoked_at"))
    }
}
