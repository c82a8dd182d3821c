import Foundation
import OrderlyCore
import SQLKit

/// Reads what a channel can sell, for many skus at once, in a fixed number of queries.
public struct AvailabilityStore: Sendable {
    let database: Database

    /// `locationLimit`: at most this many locations per sku in the answer (the totals count all).
    public func availability(
        channel channelId: ChannelID, skus: [SKU], origin: Coordinates?, locationLimit: Int? = nil
    ) async throws -> [SkuAvailability] {
        var v = Validator()
        v.check(!skus.isEmpty, "sku", "name at least one sku")
        v.check(skus.count <= Limits.maxPageSize, "sku", "may name at most \(Limits.maxPageSize) skus")
        if let locationLimit { v.check((1...1000).contains(locationLimit), "limit", "must be between 1 and 1000") }
        try v.validate()
        var seen = Set<SKU>()
        let unique = skus.filter { seen.insert($0).inserted }
        return try await database.read { db in
            guard let channel = try await ChannelStore.fetch(db, channelId) else {
                throw OrderlyError.invalid("channel", "channel '\(channelId)' does not exist")
            }
            let snapshot = try await Self.snapshot(db, skus: unique, locationsApart: true)
            let incoming = try await Self.incoming(db, skus: unique)
            let missing = Set(incoming.values.joined().map(\.locationId)).subtracting(snapshot.locations.keys)
            let locations = snapshot.locations.merging(try await LocationStore.fetch(db, ids: missing)) { known, _ in known }
            return AvailabilityCalculator.compute(
                channel: channel, skus: unique, levels: snapshot.levels, locations: locations, incoming: incoming, origin: origin,
                locationLimit: locationLimit)
        }
    }

    /// Supply still expected for `skus` and not promised to a waiting order, per location and
    /// expected date.
    static func incoming(_ db: any SQLDatabase, skus: [SKU]) async throws -> [SKU: [SkuAvailability.Incoming]] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await db.raw(
            """
            SELECT sl.sku, s.location_id, s.expected_at, CAST(SUM(sl.quantity - sl.received_quantity - sl.promised) AS BIGINT) AS quantity
            FROM supply_lines sl JOIN supplies s ON s.id = sl.supply_id
            WHERE sl.sku IN (\(binds: skus.map(\.rawValue))) AND s.status IN (\(binds: [Supply.Status.open, .partiallyReceived].map(\.rawValue)))
            GROUP BY sl.sku, s.location_id, s.expected_at
            """
        ).all()
        var incoming: [SKU: [SkuAvailability.Incoming]] = [:]
        for row in rows {
            let quantity = try row.int64("quantity")
            guard quantity > 0 else { continue }
            incoming[SKU(try row.string("sku")), default: []].append(
                .init(locationId: LocationID(try row.string("location_id")), quantity: quantity, expectedAt: try row.date("expected_at")))
        }
        return incoming
    }

    /// Levels of `skus` at active locations, with those locations. Joined in one query by
    /// default — the right shape for an order or a reservation, which name a few skus.
    /// `locationsApart`: the levels alone, then their locations once each, for availability,
    /// which asks for up to a hundred skus across every location (joined, each location's
    /// columns would come back once per level: 50 skus × 1,000 locations, 50,000 times).
    static func snapshot(
        _ db: any SQLDatabase, skus: [SKU], locationsApart: Bool = false
    ) async throws -> (levels: [InventoryLevel], locations: [LocationID: Location]) {
        guard !skus.isEmpty else { return ([], [:]) }
        let locationColumns: SQLQueryString = locationsApart ? "" : ", \(LocationStore.columns(of: "loc"))"
        let rows = try await db.raw(
            """
            SELECT l.sku, l.location_id, l.on_hand, l.reserved, l.safety_stock\(locationColumns)
            FROM inventory_levels l JOIN locations loc ON loc.id = l.location_id
            WHERE l.sku IN (\(binds: skus.map(\.rawValue))) AND loc.active = \(bind: true)
            """
        ).all()
        let levels = try rows.map(StockLedger.decodeLevel)
        if locationsApart { return (levels, try await LocationStore.fetch(db, ids: Set(levels.map(\.locationId)))) }
        var locations: [LocationID: Location] = [:]
        for (row, level) in zip(rows, levels) where locations[level.locationId] == nil {
            locations[level.locationId] = try LocationStore.decode(row)
        }
        return (levels, locations)
    }
}
