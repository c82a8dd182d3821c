import Foundation
import OrderlyCore
import SQLKit

/// Sales channels with their location pool, routing policy and hold rules, stored as data.
public struct ChannelStore: Sendable {
    let database: Database
    let time: any TimeSource

    public func create(_ channel: Channel, actor: String?) async throws -> Channel {
        try channel.validate()
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            if try await Self.fetch(db, channel.id) != nil {
                throw OrderlyError.conflict("Channel '\(channel.id)' already exists")
            }
            try await Self.checkPool(db, channel)
            try await Self.write(db, channel, at: now, insert: true)
            try EventLog.append(db, .channelCreated(channel), actor: actor, at: now)
            return channel
        }
    }

    public func update(
        _ id: ChannelID, actor: String?, _ change: @escaping @Sendable (inout Channel) throws -> Void
    ) async throws -> Channel {
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard var channel = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Channel", id) }
            try change(&channel)
            channel.id = id
            try channel.validate()
            try await Self.checkPool(db, channel)
            try await Self.write(db, channel, at: now, insert: false)
            try EventLog.append(db, .channelUpdated(channel), actor: actor, at: now)
            return channel
        }
    }

    public func get(_ id: ChannelID) async throws -> Channel {
        guard let channel = try await database.read({ db in try await Self.fetch(db, id) }) else {
            throw OrderlyError.notFound("Channel", id)
        }
        return channel
    }

    public func list(after cursor: String?, limit: Int?) async throws -> Page<Channel> {
        let size = try pageSize(limit)
        let rows = try await database.read { db in
            try await db.raw(
                "SELECT \(Self.columns) FROM channels WHERE id > \(bind: cursor ?? "") ORDER BY id LIMIT \(literal: size + 1)"
            ).all()
        }
        let items = try rows.prefix(size).map(Self.decode)
        return Page(items: items, nextCursor: rows.count > size ? items.last?.id.rawValue : nil)
    }

    private static func checkPool(_ db: any SQLDatabase, _ channel: Channel) async throws {
        let known = try await LocationStore.existing(db, channel.locations)
        var v = Validator()
        for (i, location) in channel.locations.enumerated() where !known.contains(location) {
            v.add("locations[\(i)]", "location '\(location)' does not exist")
        }
        if let workflow = channel.workflow, try await !WorkflowStore.exists(db, workflow) {
            v.add("workflow", "workflow '\(workflow)' does not exist")
        }
        if let strategy = channel.routing.strategy, try await !RoutingStrategyStore.exists(db, strategy) {
            v.add("routing.strategy", "routing strategy '\(strategy)' does not exist")
        }
        try v.validate()
    }

    static func fetch(_ db: any SQLDatabase, _ id: ChannelID, forUpdate: Bool = false) async throws -> Channel? {
        try await db.raw("SELECT \(Self.columns) FROM channels WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")")
            .first().map(decode)
    }

    private static func write(_ db: any SQLDatabase, _ c: Channel, at now: Date, insert: Bool) async throws {
        let pool = try StoredJSON.encode(c.locations)
        let routing = try StoredJSON.encode(c.routing)
        let holdRules = try StoredJSON.encode(c.holdRules)
        let payments = try StoredJSON.encode(c.payments)
        if insert {
            try await db.raw(
                """
                INSERT INTO channels (id, name, type, locations, routing, hold_rules, payments, workflow, language, alerts, created_at, updated_at)
                VALUES (\(bind: c.id.rawValue), \(bind: c.name), \(bind: c.kind.rawValue), \(bind: pool), \(bind: routing),
                    \(bind: holdRules), \(bind: payments), \(bind: c.workflow), \(bind: c.language.rawValue), \(bind: try StoredJSON.encode(c.alerts)), \(bind: now.stored), \(bind: now.stored))
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE channels SET name = \(bind: c.name), type = \(bind: c.kind.rawValue), locations = \(bind: pool),
                    routing = \(bind: routing), hold_rules = \(bind: holdRules), payments = \(bind: payments), workflow = \(bind: c.workflow),
                    language = \(bind: c.language.rawValue), alerts = \(bind: try StoredJSON.encode(c.alerts)),
                    updated_at = \(bind: now.stored)
                WHERE id = \(bind: c.id.rawValue)
                """
            ).run()
        }
    }

    /// The columns `decode` reads.
    static let columns: SQLQueryString = "id, name, type, locations, routing, hold_rules, payments, workflow, language, alerts"

    static func decode(_ row: any SQLRow) throws -> Channel {
        var channel = Channel(
            id: ChannelID(try row.string("id")), name: try row.string("name"),
            kind: Channel.Kind(rawValue: try row.string("type")) ?? .other,
            locations: try row.json("locations", as: [LocationID].self),
            routing: try row.json("routing", as: RoutingPolicy.self),
            holdRules: try row.json("hold_rules", as: [HoldRule].self), payments: try row.json("payments", as: PaymentPolicy.self))
        channel.workflow = try row.optionalString("workflow")
        channel.language = Language(rawValue: try row.string("language")) ?? .en
        channel.alerts = try row.json("alerts", as: AlertThresholds.self)
        return channel
    }
}
