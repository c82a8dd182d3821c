import Foundation
import OrderlyCore
import SQLKit

/// Warehouses, stores and suppliers.
public struct LocationStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Creates a location; refuses an id that exists (409).
    public func create(_ location: Location, actor: String?) async throws -> Location {
        try location.validate()
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            if try await Self.fetch(db, location.id) != nil {
                throw OrderlyError.conflict("Location '\(location.id)' already exists")
            }
            try await Self.write(db, location, at: now, insert: true)
            try EventLog.append(db, .locationCreated(location), actor: actor, at: now)
            return location
        }
    }

    /// Replaces a location's fields with `change` applied to the stored one.
    public func update(
        _ id: LocationID, actor: String?, _ change: @escaping @Sendable (inout Location) throws -> Void
    ) async throws -> Location {
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard var location = try await Self.fetch(db, id, forUpdate: true) else {
                throw OrderlyError.notFound("Location", id)
            }
            try change(&location)
            location.id = id
            try location.validate()
            try await Self.write(db, location, at: now, insert: false)
            try EventLog.append(db, .locationUpdated(location), actor: actor, at: now)
            return location
        }
    }

    public func get(_ id: LocationID) async throws -> Location {
        guard let location = try await database.read({ db in try await Self.fetch(db, id) }) else {
            throw OrderlyError.notFound("Location", id)
        }
        return location
    }

    public func list(after cursor: String?, limit: Int?, type: Location.Kind? = nil) async throws -> Page<Location> {
        let size = try pageSize(limit)
        let rows = try await database.read { db in
            var query = SQLQueryString("SELECT \(Self.columns) FROM locations WHERE id > \(bind: cursor ?? "")")
            if let type { query.appendInterpolation(SQLQueryString(" AND type = \(bind: type.rawValue)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let items = try rows.prefix(size).map(Self.decode)
        return Page(items: items, nextCursor: rows.count > size ? items.last?.id.rawValue : nil)
    }

    static func fetch(_ db: any SQLDatabase, _ id: LocationID, forUpdate: Bool = false) async throws -> Location? {
        try await db.raw("SELECT \(Self.columns) FROM locations WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")")
            .first().map(decode)
    }

    /// The locations among `ids` that exist, by id, in one query.
    static func fetch(_ db: any SQLDatabase, ids: some Collection<LocationID>) async throws -> [LocationID: Location] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw("SELECT \(Self.columns) FROM locations WHERE id IN (\(binds: Set(ids).map(\.rawValue)))").all()
        return Dictionary(uniqueKeysWithValues: try rows.map(decode).map { ($0.id, $0) })
    }

    /// The locations among `ids` that exist.
    static func existing(_ db: any SQLDatabase, _ ids: some Collection<LocationID>) async throws -> Set<LocationID> {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("SELECT id FROM locations WHERE id IN (\(binds: Set(ids).map(\.rawValue)))").all()
        return Set(try rows.map { LocationID(try $0.string("id")) })
    }

    private static func write(_ db: any SQLDatabase, _ l: Location, at now: Date, insert: Bool) async throws {
        let address = try l.address.map(StoredJSON.encode)
        if insert {
            try await db.raw(
                """
                INSERT INTO locations (id, name, type, address, latitude, longitude, can_ship, can_pickup, can_return,
                    priority, daily_capacity, active, tags, opening_hours, alerts, created_at, updated_at)
                VALUES (\(bind: l.id.rawValue), \(bind: l.name), \(bind: l.kind.rawValue), \(bind: address),
                    \(bind: l.coordinates?.latitude), \(bind: l.coordinates?.longitude), \(bind: l.capabilities.ship),
                    \(bind: l.capabilities.pickup), \(bind: l.capabilities.returns), \(bind: Int64(l.priority)),
                    \(bind: l.dailyCapacity.map(Int64.init)), \(bind: l.active), \(bind: try OrderRows.json(l.tags)), \(bind: l.openingHours),
                    \(bind: try StoredJSON.encode(l.alerts)), \(bind: now.stored), \(bind: now.stored))
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE locations SET name = \(bind: l.name), type = \(bind: l.kind.rawValue), address = \(bind: address),
                    latitude = \(bind: l.coordinates?.latitude), longitude = \(bind: l.coordinates?.longitude),
                    can_ship = \(bind: l.capabilities.ship), can_pickup = \(bind: l.capabilities.pickup),
                    can_return = \(bind: l.capabilities.returns), priority = \(bind: Int64(l.priority)),
                    daily_capacity = \(bind: l.dailyCapacity.map(Int64.init)), active = \(bind: l.active),
                    tags = \(bind: try OrderRows.json(l.tags)), opening_hours = \(bind: l.openingHours),
                    alerts = \(bind: try StoredJSON.encode(l.alerts)), updated_at = \(bind: now.stored)
                WHERE id = \(bind: l.id.rawValue)
                """
            ).run()
        }
    }

    /// The columns `decode` reads.
    static let columns = columns(of: nil)

    /// `columns`, each named with the table's alias in a join.
    static func columns(of alias: String?) -> SQLQueryString {
        let names = [
            "id", "name", "type", "address", "latitude", "longitude", "can_ship", "can_pickup", "can_return", "priority", "daily_capacity",
            "active", "tags", "opening_hours", "alerts",
        ]
        return .columns(names, of: alias)
    }

    static func decode(_ row: any SQLRow) throws -> Location {
        let latitude = try row.decode(column: "latitude", as: Double?.self)
        let longitude = try row.decode(column: "longitude", as: Double?.self)
        let coordinates = latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } }
        var location = Location(
            id: LocationID(try row.string("id")), name: try row.string("name"),
            kind: Location.Kind(rawValue: try row.string("type")) ?? .warehouse,
            address: try row.optionalString("address").map { try StoredJSON.decode(Address.self, from: $0) },
            coordinates: coordinates,
            capabilities: .init(
                ship: try row.bool("can_ship"), pickup: try row.bool("can_pickup"), returns: try row.bool("can_return")),
            priority: Int(try row.int64("priority")), dailyCapacity: try row.optionalInt64("daily_capacity").map(Int.init),
            active: try row.bool("active"))
        location.tags = try row.json("tags", as: [String].self)
        location.openingHours = try row.optionalString("opening_hours")
        location.alerts = try row.json("alerts", as: AlertThresholds.self)
        return location
    }
}
