import Foundation
import OrderlyCore
import SQLKit

/// The only code that changes on-hand stock: it locks levels in a stable order (sku, then
/// location, so concurrent batches cannot deadlock), writes the new on-hand and appends one
/// ledger entry per change, all inside the caller's transaction.
enum StockLedger {
    struct Key: Hashable, Comparable, Sendable {
        var sku: SKU
        var locationId: LocationID
        static func < (a: Key, b: Key) -> Bool { (a.sku, a.locationId) < (b.sku, b.locationId) }
    }

    /// One on-hand change to write.
    struct Change: Sendable {
        var level: InventoryLevel
        var newOnHand: Int64
        var newSafetyStock: Int64
        var reason: LedgerReason
        var reference: String?
        var delta: Int64 { newOnHand - level.onHand }
    }

    /// Creates missing levels (on hand 0) and returns every level for `keys`, locked for this
    /// transaction. With `createMissing: false` (dry runs) nothing is written and a missing
    /// level reads as an empty one.
    static func lock(
        _ db: any SQLDatabase, _ keys: some Collection<Key>, at now: Date, createMissing: Bool = true
    ) async throws -> [Key: InventoryLevel] {
        var levels: [Key: InventoryLevel] = [:]
        if !createMissing {
            for key in keys { levels[key] = InventoryLevel(sku: key.sku, locationId: key.locationId) }
        }
        for chunk in Set(keys).sorted().chunked(400) {
            var insert = SQLQueryString("INSERT INTO inventory_levels (sku, location_id, on_hand, reserved, safety_stock, updated_at) VALUES ")
            var select = SQLQueryString(
                "SELECT sku, location_id, on_hand, reserved, safety_stock FROM inventory_levels WHERE (sku, location_id) IN (VALUES ")
            for (i, key) in chunk.enumerated() {
                let separator: SQLQueryString = i == 0 ? "" : ", "
                insert.appendInterpolation(separator)
                insert.appendInterpolation(
                    SQLQueryString("(\(bind: key.sku.rawValue), \(bind: key.locationId.rawValue), 0, 0, 0, \(bind: now.stored))"))
                select.appendInterpolation(separator)
                select.appendInterpolation(SQLQueryString("(\(bind: key.sku.rawValue), \(bind: key.locationId.rawValue))"))
            }
            insert.appendInterpolation(SQLQueryString(" ON CONFLICT (sku, location_id) DO NOTHING"))
            select.appendInterpolation(SQLQueryString(") ORDER BY sku, location_id\(db.forUpdate)"))
            if createMissing { try await db.raw(insert).run() }
            for row in try await db.raw(select).all() {
                let level = try decodeLevel(row)
                levels[Key(sku: level.sku, locationId: level.locationId)] = level
            }
        }
        return levels
    }

    /// Writes the changes' on-hand and safety stock and their ledger entries (only for a non-zero delta).
    /// Several changes to one level (a batch adjusting it twice) are written as one row update
    /// (the last on-hand wins, as the changes were computed in order) and as several ledger entries.
    static func apply(_ db: any SQLDatabase, _ changes: [Change], actor: String?, at now: Date) async throws {
        var last: [Key: Int] = [:]
        for (i, change) in changes.enumerated() { last[Key(sku: change.level.sku, locationId: change.level.locationId)] = i }
        let finalChanges = last.values.sorted().map { changes[$0] }
        for chunk in finalChanges.chunked(400) {
            var upsert = SQLQueryString(
                "INSERT INTO inventory_levels (sku, location_id, on_hand, reserved, safety_stock, updated_at) VALUES ")
            for (i, change) in chunk.enumerated() {
                if i > 0 { upsert.appendInterpolation(", " as SQLQueryString) }
                upsert.appendInterpolation(
                    SQLQueryString(
                        "(\(bind: change.level.sku.rawValue), \(bind: change.level.locationId.rawValue), \(bind: change.newOnHand), 0, \(bind: change.newSafetyStock), \(bind: now.stored))"
                    ))
            }
            upsert.appendInterpolation(
                SQLQueryString(
                    " ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = excluded.on_hand, safety_stock = excluded.safety_stock, updated_at = excluded.updated_at"
                ))
            try await db.raw(upsert).run()
        }
        for chunk in changes.chunked(400) {
            let moved = chunk.filter { $0.delta != 0 }
            guard !moved.isEmpty else { continue }
            var ledger = SQLQueryString(
                "INSERT INTO inventory_ledger (sku, location_id, delta, on_hand_after, reason, reference, actor, at) VALUES ")
            for (i, change) in moved.enumerated() {
                if i > 0 { ledger.appendInterpolation(", " as SQLQueryString) }
                ledger.appendInterpolation(
                    SQLQueryString(
                        "(\(bind: change.level.sku.rawValue), \(bind: change.level.locationId.rawValue), \(bind: change.delta), \(bind: change.newOnHand), \(bind: change.reason.rawValue), \(bind: change.reference), \(bind: actor), \(bind: now.stored))"
                    ))
            }
            try await db.raw(ledger).run()
        }
    }

    /// Units leave the building: on-hand and reserved drop together, conditionally (never
    /// below zero), with a ledger entry. Throws `conflict` when the reservation is not there.
    static func consumeReserved(
        _ db: any SQLDatabase, sku: SKU, location: LocationID, quantity: Int64, reason: LedgerReason, reference: String, actor: String?, at now: Date
    ) async throws {
        let row = try await db.raw(
            """
            UPDATE inventory_levels SET on_hand = on_hand - \(bind: quantity), reserved = reserved - \(bind: quantity), updated_at = \(bind: now.stored)
            WHERE sku = \(bind: sku.rawValue) AND location_id = \(bind: location.rawValue)
                AND reserved >= \(bind: quantity) AND on_hand >= \(bind: quantity)
            RETURNING on_hand
            """
        ).first()
        guard let onHand = try row?.int64("on_hand") else {
            throw OrderlyError.conflict("\(location) holds no reservation of \(quantity) × \(sku) to take from")
        }
        try await db.raw(
            """
            INSERT INTO inventory_ledger (sku, location_id, delta, on_hand_after, reason, reference, actor, at)
            VALUES (\(bind: sku.rawValue), \(bind: location.rawValue), \(bind: -quantity), \(bind: onHand), \(bind: reason.rawValue),
                \(bind: reference), \(bind: actor), \(bind: now.stored))
            """
        ).run()
    }

    /// Offers stock that grew to lines waiting for it at that location, oldest order first.
    static func serveWaiting(_ db: Transaction, _ changes: [Change], actor: String?, at now: Date) async throws {
        var grown: [LocationID: Set<SKU>] = [:]
        for change in changes where change.delta > 0 || change.newSafetyStock < change.level.safetyStock {
            grown[change.level.locationId, default: []].insert(change.level.sku)
        }
        for (location, skus) in grown.sorted(by: { $0.key < $1.key }) {
            try await BackorderAllocator.allocate(db, skus: skus, at: location, reason: "stock arrived at \(location)", actor: actor, now: now)
        }
    }

    /// Every level of `skus`, unlocked (a batch of orders routes from them: `StockView`). One
    /// array bind on PostgreSQL, so the statement has one shape however many skus.
    static func levels(_ db: any SQLDatabase, skus: [SKU]) async throws -> [InventoryLevel] {
        guard !skus.isEmpty else { return [] }
        let columns: SQLQueryString = "sku, location_id, on_hand, reserved, safety_stock"
        let query: SQLQueryString =
            db.engine == .postgres
            ? "SELECT \(columns) FROM inventory_levels WHERE sku = ANY(\(bind: skus.map(\.rawValue)))"
            : "SELECT \(columns) FROM inventory_levels WHERE sku IN (\(binds: skus.map(\.rawValue)))"
        return try await db.raw(query).all().map(decodeLevel)
    }

    static func decodeLevel(_ row: any SQLRow) throws -> InventoryLevel {
        InventoryLevel(
            sku: SKU(try row.string("sku")), locationId: LocationID(try row.string("location_id")),
            onHand: try row.int64("on_hand"), reserved: try row.int64("reserved"), safetyStock: try row.int64("safety_stock"))
    }
}

extension LevelChangePayload {
    /// The event data of one change of a level.
    init(_ change: StockLedger.Change) {
        self.init(
            sku: change.level.sku, locationId: change.level.locationId, delta: change.delta, onHand: change.newOnHand,
            safetyStock: change.newSafetyStock, reason: change.reason, reference: change.reference)
    }
}
