import Foundation
import OrderlyCore
import SQLKit

/// One view of stock across every location: levels, counts, adjustments, snapshot imports
/// and the append-only ledger.
public struct InventoryStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// A level with the supply still expected for it.
    public struct LevelView: Sendable, Equatable {
        public var level: InventoryLevel
        public var incoming: Int64
    }

    /// One line of the ledger.
    public struct LedgerEntry: Sendable, Equatable {
        public var id: Int64
        public var sku: SKU
        public var locationId: LocationID
        public var delta: Int64
        public var onHandAfter: Int64
        public var reason: LedgerReason
        public var reference: String?
        public var actor: String?
        public var at: Date
    }

    /// What a snapshot import did (or, on a dry run, would do).
    public struct ImportSummary: Sendable, Equatable {
        public struct Difference: Sendable, Equatable {
            public var line: Int
            public var sku: SKU
            public var locationId: LocationID
            public var before: Int64
            public var after: Int64
        }
        public var rows: Int
        public var changed: Int
        public var unchanged: Int
        public var dryRun: Bool
        /// The first differences, in file order (at most `maxDifferences`).
        public var differences: [Difference]
        public static let maxDifferences = 1000
    }

    /// A physical count: sets on-hand (and safety stock when given; a new level gets 0).
    public func count(
        sku: SKU, locationId: LocationID, onHand: Int64, safetyStock: Int64?, reference: String? = nil, actor: String?
    ) async throws -> LevelView {
        var v = Validator()
        v.quantity(onHand, "onHand", allowZero: true)
        if let safetyStock { v.quantity(safetyStock, "safetyStock", allowZero: true) }
        try v.validate()
        let now = time.now
        return try await database.transaction { db in
            guard try await ProductStore.fetch(db, sku) != nil else { throw OrderlyError.notFound("Product", sku) }
            guard try await LocationStore.fetch(db, locationId) != nil else { throw OrderlyError.notFound("Location", locationId) }
            let key = StockLedger.Key(sku: sku, locationId: locationId)
            let levels = try await StockLedger.lock(db, [key], at: now)
            guard let level = levels[key] else { throw OrderlyError.notFound("Inventory level", "\(sku)@\(locationId)") }
            _ = try StockChange.count(level, newOnHand: onHand)
            let change = StockLedger.Change(
                level: level, newOnHand: onHand, newSafetyStock: safetyStock ?? level.safetyStock, reason: .count,
                reference: reference)
            try await StockLedger.apply(db, [change], actor: actor, at: now)
            try await StockLedger.serveWaiting(db, [change], actor: actor, at: now)
            try EventLog.append(db, .inventoryCounted(.init(change)), actor: actor, at: now)
            return try await Self.view(db, key)
        }
    }

    /// Applies a batch of on-hand adjustments atomically: every line or none.
    public func adjust(_ batch: [StockAdjustment], actor: String?) async throws -> [LevelView] {
        try StockAdjustment.validate(batch)
        let now = time.now
        return try await database.transaction { db in
            let skus = try await ProductStore.existing(db, batch.map(\.sku))
            let locations = try await LocationStore.existing(db, batch.map(\.locationId))
            var v = Validator()
            for (i, a) in batch.enumerated() {
                v.check(skus.contains(a.sku), "adjustments[\(i)].sku", "product '\(a.sku)' does not exist")
                v.check(locations.contains(a.locationId), "adjustments[\(i)].locationId", "location '\(a.locationId)' does not exist")
            }
            try v.validate()
            var levels = try await StockLedger.lock(db, batch.map { StockLedger.Key(sku: $0.sku, locationId: $0.locationId) }, at: now)
            var changes: [StockLedger.Change] = []
            for (i, a) in batch.enumerated() {
                let key = StockLedger.Key(sku: a.sku, locationId: a.locationId)
                guard let level = levels[key] else { continue }
                do {
                    let newOnHand = try StockChange.adjust(level, by: a.delta, field: "adjustments[\(i)].delta")
                    changes.append(
                        .init(level: level, newOnHand: newOnHand, newSafetyStock: level.safetyStock, reason: a.reason, reference: a.reference))
                    levels[key]?.onHand = newOnHand
                } catch let error as OrderlyError {
                    v.add("adjustments[\(i)].delta", error.firstMessage)
                }
            }
            try v.validate()
            try await StockLedger.apply(db, changes, actor: actor, at: now)
            try await StockLedger.serveWaiting(db, changes, actor: actor, at: now)
            try EventLog.append(db, .inventoryAdjusted(changes.map(LevelChangePayload.init)), actor: actor, at: now)
            var views: [LevelView] = []
            for a in batch { views.append(try await Self.view(db, .init(sku: a.sku, locationId: a.locationId))) }
            return views
        }
    }

    /// Applies a snapshot of counts (`sku,locationId,onHand`), all or nothing. Every unknown
    /// sku or location and every count below what is reserved is reported with its line.
    public func importSnapshot(_ rows: [StockSnapshotCSV.Row], dryRun: Bool, reference: String?, actor: String?) async throws -> ImportSummary {
        let now = time.now
        return try await database.transaction { db in
            let skus = try await ProductStore.existing(db, rows.map(\.sku))
            let locations = try await LocationStore.existing(db, rows.map(\.locationId))
            var v = Validator()
            for row in rows where v.errors.count < StockSnapshotCSV.maxErrors {
                v.check(skus.contains(row.sku), "line \(row.line)", "product '\(row.sku)' does not exist")
                v.check(locations.contains(row.locationId), "line \(row.line)", "location '\(row.locationId)' does not exist")
            }
            try v.validate()
            let levels = try await StockLedger.lock(
                db, rows.map { StockLedger.Key(sku: $0.sku, locationId: $0.locationId) }, at: now, createMissing: !dryRun)
            var changes: [StockLedger.Change] = []
            var summary = ImportSummary(rows: rows.count, changed: 0, unchanged: 0, dryRun: dryRun, differences: [])
            for row in rows {
                guard let level = levels[.init(sku: row.sku, locationId: row.locationId)] else { continue }
                do {
                    _ = try StockChange.count(level, newOnHand: row.onHand, field: "line \(row.line)")
                } catch let error as OrderlyError {
                    if v.errors.count < StockSnapshotCSV.maxErrors { v.add("line \(row.line)", error.firstMessage) }
                    continue
                }
                if level.onHand == row.onHand {
                    summary.unchanged += 1
                    continue
                }
                summary.changed += 1
                if summary.differences.count < ImportSummary.maxDifferences {
                    summary.differences.append(
                        .init(line: row.line, sku: row.sku, locationId: row.locationId, before: level.onHand, after: row.onHand))
                }
                changes.append(.init(level: level, newOnHand: row.onHand, newSafetyStock: level.safetyStock, reason: .count, reference: reference))
            }
            try v.validate()
            if dryRun { return summary }
            try await StockLedger.apply(db, changes, actor: actor, at: now)
            try await StockLedger.serveWaiting(db, changes, actor: actor, at: now)
            try EventLog.append(
                db, .inventoryImported(rows: summary.rows, changed: summary.changed, reference: reference), actor: actor, at: now)
            return summary
        }
    }

    public func level(sku: SKU, locationId: LocationID) async throws -> LevelView {
        try await database.read { db in
            guard let view = try await Self.fetchViews(db, sku: sku, locationId: locationId, after: nil, limit: 1).first else {
                throw OrderlyError.notFound("Inventory level", "\(sku)@\(locationId)")
            }
            return view
        }
    }

    /// Levels, optionally of one sku and/or at one location, ordered by sku then location.
    public func levels(sku: SKU?, locationId: LocationID?, after cursor: String?, limit: Int?) async throws -> Page<LevelView> {
        let size = try pageSize(limit)
        let after = try cursor.map(LevelCursor.decode)
        let views = try await database.read { db in
            try await Self.fetchViews(db, sku: sku, locationId: locationId, after: after, limit: size + 1)
        }
        let items = Array(views.prefix(size))
        let next = views.count > size ? items.last.map { LevelCursor.encode(.init(sku: $0.level.sku, locationId: $0.level.locationId)) } : nil
        return Page(items: items, nextCursor: next)
    }

    /// Ledger entries, newest first, optionally of one sku and/or at one location.
    public func ledger(sku: SKU?, locationId: LocationID?, before cursor: String?, limit: Int?) async throws -> Page<LedgerEntry> {
        let size = try pageSize(limit)
        guard let before = cursor.map({ Int64($0) }) ?? Int64.max else {
            throw OrderlyError.invalid("cursor", "is not a cursor this list returned")
        }
        let rows = try await database.read { db in
            var query = SQLQueryString(
                "SELECT id, sku, location_id, delta, on_hand_after, reason, reference, actor, at FROM inventory_ledger WHERE id < \(bind: before)")
            if let sku { query.appendInterpolation(SQLQueryString(" AND sku = \(bind: sku.rawValue)")) }
            if let locationId { query.appendInterpolation(SQLQueryString(" AND location_id = \(bind: locationId.rawValue)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id DESC LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let entries = try rows.prefix(size).map { row in
            LedgerEntry(
                id: try row.int64("id"), sku: SKU(try row.string("sku")), locationId: LocationID(try row.string("location_id")),
                delta: try row.int64("delta"), onHandAfter: try row.int64("on_hand_after"),
                reason: LedgerReason(rawValue: try row.string("reason")) ?? .adjustment,
                reference: try row.optionalString("reference"), actor: try row.optionalString("actor"), at: try row.date("at"))
        }
        return Page(items: entries, nextCursor: rows.count > size ? entries.last.map { String($0.id) } : nil)
    }

    static func view(_ db: any SQLDatabase, _ key: StockLedger.Key) async throws -> LevelView {
        guard let view = try await fetchViews(db, sku: key.sku, locationId: key.locationId, after: nil, limit: 1).first else {
            throw OrderlyError.notFound("Inventory level", "\(key.sku)@\(key.locationId)")
        }
        return view
    }

    /// Levels with their incoming supply in one query.
    static func fetchViews(
        _ db: any SQLDatabase, sku: SKU?, locationId: LocationID?, after: StockLedger.Key?, limit: Int
    ) async throws -> [LevelView] {
        var query = SQLQueryString(
            """
            SELECT l.sku, l.location_id, l.on_hand, l.reserved, l.safety_stock,
                CAST(COALESCE((SELECT SUM(sl.quantity - sl.received_quantity) FROM supply_lines sl
                    JOIN supplies s ON s.id = sl.supply_id
                    WHERE sl.sku = l.sku AND s.location_id = l.location_id AND s.status IN (\(binds: [Supply.Status.open, .partiallyReceived].map(\.rawValue)))), 0) AS BIGINT) AS incoming
            FROM inventory_levels l WHERE 1 = 1
            """)
        if let sku { query.appendInterpolation(SQLQueryString(" AND l.sku = \(bind: sku.rawValue)")) }
        if let locationId { query.appendInterpolation(SQLQueryString(" AND l.location_id = \(bind: locationId.rawValue)")) }
        if let after {
            query.appendInterpolation(
                SQLQueryString(" AND (l.sku, l.location_id) > (\(bind: after.sku.rawValue), \(bind: after.locationId.rawValue))"))
        }
        query.appendInterpolation(SQLQueryString(" ORDER BY l.sku, l.location_id LIMIT \(literal: limit)"))
        return try await db.raw(query).all().map { row in
            LevelView(level: try StockLedger.decodeLevel(row), incoming: try row.int64("incoming"))
        }
    }
}

/// The opaque cursor of the levels list: the last (sku, location) seen.
enum LevelCursor {
    static func encode(_ key: StockLedger.Key) -> String {
        Data("\(key.sku.rawValue)\n\(key.locationId.rawValue)".utf8).base64EncodedString()
    }
    static func decode(_ cursor: String) throws -> StockLedger.Key {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else {
            throw OrderlyError.invalid("cursor", "is not a cursor this list returned")
        }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw OrderlyError.invalid("cursor", "is not a cursor this list returned") }
        return .init(sku: SKU(String(parts[0])), locationId: LocationID(String(parts[1])))
    }
}
