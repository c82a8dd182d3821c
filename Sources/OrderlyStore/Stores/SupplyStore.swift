import Foundation
import OrderlyCore
import SQLKit

/// Purchase orders and advance shipping notices: expected stock that receiving turns into
/// on-hand stock through the ledger.
public struct SupplyStore: Sendable {
    let database: Database
    let time: any TimeSource

    public func create(_ supply: Supply, actor: String?) async throws -> Supply {
        var supply = supply
        supply.status = .open
        supply.lines = supply.lines.map { Supply.Line(sku: $0.sku, quantity: $0.quantity) }
        try supply.validate()
        let now = time.now
        let created = supply
        return try await database.transaction { db in
            if try await Self.fetch(db, created.id) != nil { throw OrderlyError.conflict("Supply '\(created.id)' already exists") }
            var v = Validator()
            let known = try await ProductStore.existing(db, created.lines.map(\.sku))
            for (i, line) in created.lines.enumerated() where !known.contains(line.sku) {
                v.add("lines[\(i)].sku", "product '\(line.sku)' does not exist")
            }
            if try await LocationStore.fetch(db, created.locationId) == nil {
                v.add("locationId", "location '\(created.locationId)' does not exist")
            }
            try v.validate()
            try await db.raw(
                """
                INSERT INTO supplies (id, location_id, expected_at, status, created_at, updated_at)
                VALUES (\(bind: created.id.rawValue), \(bind: created.locationId.rawValue), \(bind: created.expectedAt.stored),
                    \(bind: created.status.rawValue), \(bind: now.stored), \(bind: now.stored))
                """
            ).run()
            for (i, line) in created.lines.enumerated() {
                try await db.raw(
                    """
                    INSERT INTO supply_lines (supply_id, line_no, sku, quantity, received_quantity)
                    VALUES (\(bind: created.id.rawValue), \(bind: Int64(i)), \(bind: line.sku.rawValue), \(bind: line.quantity), 0)
                    """
                ).run()
            }
            // Lines waiting without a date may be promised this supply now.
            try await Self.repromise(db, skus: Set(created.lines.map(\.sku)), at: now)
            try EventLog.append(db, .supplyCreated(created), actor: actor, at: now)
            return created
        }
    }

    /// Receives the given lines (or everything outstanding): adds on-hand at the supply's
    /// location through the ledger (reason `receipt`, reference the supply id).
    public func receive(_ id: SupplyID, lines requested: [(sku: SKU, quantity: Int64)]?, actor: String?) async throws -> Supply {
        let now = time.now
        let requestedLines = requested.map { $0.map { ReceiptLine(sku: $0.sku, quantity: $0.quantity) } }
        return try await database.transaction { db in
            guard var supply = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Supply", id) }
            let receipt = try supply.receipt(requestedLines?.map { ($0.sku, $0.quantity) })
            var totals: [SKU: Int64] = [:]
            for line in receipt { totals[line.sku, default: 0] += line.quantity }
            let keys = totals.keys.map { StockLedger.Key(sku: $0, locationId: supply.locationId) }
            let levels = try await StockLedger.lock(db, keys, at: now)
            var changes: [StockLedger.Change] = []
            for key in keys.sorted() {
                guard let level = levels[key], let quantity = totals[key.sku] else { continue }
                let newOnHand = try StockChange.adjust(level, by: quantity, field: "lines")
                changes.append(.init(level: level, newOnHand: newOnHand, newSafetyStock: level.safetyStock, reason: .receipt, reference: id.rawValue))
            }
            try await StockLedger.apply(db, changes, actor: actor, at: now)
            for i in supply.lines.indices {
                guard let quantity = totals[supply.lines[i].sku] else { continue }
                supply.lines[i].receivedQuantity += quantity
                try await db.raw(
                    """
                    UPDATE supply_lines SET received_quantity = \(bind: supply.lines[i].receivedQuantity)
                    WHERE supply_id = \(bind: id.rawValue) AND line_no = \(bind: Int64(i))
                    """
                ).run()
            }
            try await BackorderAllocator.allocate(
                db, skus: Set(totals.keys), at: supply.locationId, reason: "supply \(id) received at \(supply.locationId)", promisedFrom: id,
                actor: actor, now: now)
            supply.status = supply.statusAfterReceipt
            try await db.raw(
                "UPDATE supplies SET status = \(bind: supply.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue)"
            ).run()
            try EventLog.append(
                db, .supplyReceived(supply, lines: totals.map { SupplyLinePayload(sku: $0.key, quantity: $0.value) }.sorted { $0.sku < $1.sku }),
                actor: actor, at: now)
            return supply
        }
    }

    /// Cancels what is still expected of a supply (a purchase order the vendor will not
    /// deliver): it is no longer incoming, and the units promised against it are promised
    /// again elsewhere or wait without a date.
    public func cancel(_ id: SupplyID, actor: String?) async throws -> Supply {
        let now = time.now
        return try await database.transaction { db in
            guard var supply = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Supply", id) }
            let cancelled = try supply.cancelling()
            supply.status = .cancelled
            try await db.raw(
                "UPDATE supplies SET status = \(bind: supply.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue)"
            ).run()
            try await Self.repromise(db, skus: Set(supply.lines.map(\.sku)), at: now)
            try EventLog.append(db, .supplyCancelled(supply, lines: cancelled), actor: actor, at: now)
            return supply
        }
    }

    public func get(_ id: SupplyID) async throws -> Supply {
        guard let supply = try await database.read({ db in try await Self.fetch(db, id) }) else {
            throw OrderlyError.notFound("Supply", id)
        }
        return supply
    }

    public func list(locationId: LocationID?, status: Supply.Status?, after cursor: String?, limit: Int?) async throws -> Page<Supply> {
        let size = try pageSize(limit)
        let supplies = try await database.read { db in
            var query = SQLQueryString("SELECT id FROM supplies WHERE id > \(bind: cursor ?? "")")
            if let locationId { query.appendInterpolation(SQLQueryString(" AND location_id = \(bind: locationId.rawValue)")) }
            if let status { query.appendInterpolation(SQLQueryString(" AND status = \(bind: status.rawValue)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            var result: [Supply] = []
            for row in try await db.raw(query).all() {
                if let supply = try await Self.fetch(db, SupplyID(try row.string("id"))) { result.append(supply) }
            }
            return result
        }
        let items = Array(supplies.prefix(size))
        return Page(items: items, nextCursor: supplies.count > size ? items.last?.id.rawValue : nil)
    }

    static func fetch(_ db: any SQLDatabase, _ id: SupplyID, forUpdate: Bool = false) async throws -> Supply? {
        guard
            let row = try await db.raw(
                "SELECT location_id, expected_at, status FROM supplies WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")"
            ).first()
        else { return nil }
        let lines = try await db.raw(
            "SELECT sku, quantity, received_quantity FROM supply_lines WHERE supply_id = \(bind: id.rawValue) ORDER BY line_no"
        ).all().map { row in
            Supply.Line(sku: SKU(try row.string("sku")), quantity: try row.int64("quantity"), receivedQuantity: try row.int64("received_quantity"))
        }
        return Supply(
            id: id, locationId: LocationID(try row.string("location_id")), expectedAt: try row.date("expected_at"),
            status: Supply.Status(rawValue: try row.string("status")) ?? .open, lines: lines)
    }
}

struct ReceiptLine: Codable, Sendable {
    var sku: SKU
    var quantity: Int64
}
