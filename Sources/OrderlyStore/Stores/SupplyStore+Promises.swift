import Foundation
import OrderlyCore
import SQLKit

/// Promises of incoming supply to waiting order lines (`supply_promises`, and each supply
/// line's `promised` total). Core decides who is promised what (`SupplyPromising`); this reads
/// what it needs and writes the result, in the caller's transaction.
extension SupplyStore {
    private static let openStatuses = [Supply.Status.open, .partiallyReceived].map(\.rawValue)

    /// The promises made to `order`'s lines.
    static func promises(_ db: any SQLDatabase, of order: OrderID) async throws -> [SupplyPromise] {
        try await db.raw(
            """
            SELECT order_id, line_no, supply_id, supply_line_no, sku, quantity, expected_at FROM supply_promises
            WHERE order_id = \(bind: order.rawValue) ORDER BY line_no, expected_at, supply_id, supply_line_no
            """
        ).all().map(decode)
    }

    /// Brings `order`'s promises in line with its waiting units: units no longer waiting (served,
    /// cancelled) give their promises back, latest expected first, and waiting units promised
    /// nothing are promised what supply has left. Supply given back is promised again to the
    /// lines that wait without it (`repromise`). Returns the order's promises.
    @discardableResult
    static func settle(_ db: Transaction, _ order: Order, channel: Channel, isNew: Bool = false, at now: Date) async throws -> [SupplyPromise] {
        var current = isNew ? [] : try await promises(db, of: order.id)
        let giveBack = SupplyPromising.excess(of: order, current)
        for (promise, quantity) in giveBack { try await give(db, promise, back: quantity) }
        if !giveBack.isEmpty {
            try await repromise(db, skus: Set(giveBack.map(\.promise.sku)), at: now)
            current = try await promises(db, of: order.id)
        }
        let waiting = SupplyPromising.waiting(in: order, channel: channel, current)
        guard !waiting.isEmpty else { return current }
        let (supply, locations) = try await openLines(db, skus: Set(waiting.map(\.line.sku)))
        // Rows taken in the order `repromise` locks them (by supply and line), so the two never deadlock.
        let planned = SupplyPromising.promise(waiting, from: supply, locations: locations)
        for promise in planned.sorted(by: { ($0.supplyId, $0.supplyLine) < ($1.supplyId, $1.supplyLine) }) {
            // Conditional: another order may have been promised these units since they were read.
            let taken = try await db.raw(
                """
                UPDATE supply_lines SET promised = promised + \(bind: promise.quantity)
                WHERE supply_id = \(bind: promise.supplyId.rawValue) AND line_no = \(bind: Int64(promise.supplyLine))
                    AND quantity - received_quantity - promised >= \(bind: promise.quantity)
                RETURNING line_no
                """
            ).all()
            guard !taken.isEmpty else { continue }
            try await insert(db, [promise], at: now)
            current.append(promise)
        }
        // As `promises(_:of:)` reads them back, so a new order's answer equals a later GET.
        return current.sorted {
            ($0.lineNumber, $0.expectedAt, $0.supplyId, $0.supplyLine) < ($1.lineNumber, $1.expectedAt, $1.supplyId, $1.supplyLine)
        }
    }

    /// Makes every promise of `skus` anew, oldest waiting order first, earliest supply first:
    /// after supply arrives or is created, and after units are given back. The supply lines of
    /// `skus` are locked first (by supply and line), so that promises of the same units are
    /// never made by two transactions at once.
    static func repromise(_ db: Transaction, skus: Set<SKU>, at now: Date) async throws {
        guard !skus.isEmpty else { return }
        let names = skus.map(\.rawValue).sorted()
        _ = try await db.raw(
            "SELECT supply_id, line_no FROM supply_lines WHERE sku IN (\(binds: names)) ORDER BY supply_id, line_no\(db.forUpdate)"
        ).all()
        try await db.raw("DELETE FROM supply_promises WHERE sku IN (\(binds: names))").run()
        try await db.raw("UPDATE supply_lines SET promised = 0 WHERE sku IN (\(binds: names)) AND promised <> 0").run()
        let rows = try await db.raw(
            """
            SELECT l.order_id, \(SQLQueryString.columns(OrderRows.lineColumns, of: "l")), o.channel_id
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.sku IN (\(binds: names)) AND l.backordered > 0
            ORDER BY o.created_at, o.number, l.line_no
            """
        ).all()
        guard !rows.isEmpty else { return }
        var channels: [ChannelID: Channel] = [:]
        var waiting: [SupplyPromising.Waiting] = []
        for row in rows {
            let channelID = ChannelID(try row.string("channel_id"))
            if channels[channelID] == nil { channels[channelID] = try await ChannelStore.fetch(db, channelID) }
            guard let channel = channels[channelID] else { continue }
            let line = try OrderRows.line(row)
            waiting.append(.init(orderId: OrderID(try row.string("order_id")), line: line, channel: channel, quantity: line.backorderedQuantity))
        }
        let (supply, locations) = try await openLines(db, skus: skus)
        let promises = SupplyPromising.promise(waiting, from: supply, locations: locations)
        guard !promises.isEmpty else { return }
        var totals: [String: (supply: SupplyID, line: Int, quantity: Int64)] = [:]
        for promise in promises {
            totals["\(promise.supplyId)#\(promise.supplyLine)", default: (promise.supplyId, promise.supplyLine, 0)].quantity += promise.quantity
        }
        for total in totals.values.sorted(by: { ($0.supply, $0.line) < ($1.supply, $1.line) }) {
            try await db.raw(
                """
                UPDATE supply_lines SET promised = \(bind: total.quantity)
                WHERE supply_id = \(bind: total.supply.rawValue) AND line_no = \(bind: Int64(total.line))
                """
            ).run()
        }
        try await insert(db, promises, at: now)
    }

    /// Makes the promises of every sku that has waiting lines anew (after the upgrade that
    /// brought promises, lines already waiting have none). Returns how many skus it looked at.
    @discardableResult
    static func promiseWaiting(_ db: Transaction, at now: Date) async throws -> Int {
        let skus = try await db.raw("SELECT DISTINCT sku FROM order_lines WHERE backordered > 0").all().map { SKU(try $0.string("sku")) }
        for chunk in skus.sorted().chunked(500) { try await repromise(db, skus: Set(chunk), at: now) }
        return skus.count
    }

    /// Open supply lines of `skus` with units left to promise, and the locations they arrive at.
    private static func openLines(
        _ db: any SQLDatabase, skus: Set<SKU>
    ) async throws -> (lines: [SupplyPromising.OpenLine], locations: [LocationID: Location]) {
        let lines = try await db.raw(
            """
            SELECT sl.supply_id, sl.line_no, sl.sku, s.location_id, s.expected_at,
                sl.quantity - sl.received_quantity - sl.promised AS unpromised
            FROM supply_lines sl JOIN supplies s ON s.id = sl.supply_id
            WHERE sl.sku IN (\(binds: skus.map(\.rawValue).sorted())) AND s.status IN (\(binds: openStatuses))
                AND sl.quantity - sl.received_quantity - sl.promised > 0
            """
        ).all().map { row in
            SupplyPromising.OpenLine(
                supplyId: SupplyID(try row.string("supply_id")), line: Int(try row.int64("line_no")), sku: SKU(try row.string("sku")),
                locationId: LocationID(try row.string("location_id")), expectedAt: try row.date("expected_at"),
                unpromised: try row.int64("unpromised"))
        }
        return (lines, try await LocationStore.fetch(db, ids: Set(lines.map(\.locationId))))
    }

    /// Takes `quantity` units off `promise` (the whole promise when it is all of it).
    private static func give(_ db: Transaction, _ promise: SupplyPromise, back quantity: Int64) async throws {
        let key: SQLQueryString = """
            order_id = \(bind: promise.orderId.rawValue) AND line_no = \(bind: Int64(promise.lineNumber))
                AND supply_id = \(bind: promise.supplyId.rawValue) AND supply_line_no = \(bind: Int64(promise.supplyLine))
            """
        if quantity >= promise.quantity {
            try await db.raw("DELETE FROM supply_promises WHERE \(key)").run()
        } else {
            try await db.raw("UPDATE supply_promises SET quantity = quantity - \(bind: quantity) WHERE \(key)").run()
        }
        try await db.raw(
            """
            UPDATE supply_lines SET promised = promised - \(bind: quantity)
            WHERE supply_id = \(bind: promise.supplyId.rawValue) AND line_no = \(bind: Int64(promise.supplyLine))
            """
        ).run()
    }

    private static func insert(_ db: Transaction, _ promises: [SupplyPromise], at now: Date) async throws {
        guard !promises.isEmpty else { return }
        try await db.insertLater(
            into: "supply_promises (order_id, line_no, supply_id, supply_line_no, sku, quantity, expected_at, created_at)",
            values: SQLQueryString.rows(promises) { p in
                """
                \(bind: p.orderId.rawValue), \(bind: Int64(p.lineNumber)), \(bind: p.supplyId.rawValue), \(bind: Int64(p.supplyLine)), \
                \(bind: p.sku.rawValue), \(bind: p.quantity), \(bind: p.expectedAt.stored), \(bind: now.stored)
                """
            },
            then: " ON CONFLICT (order_id, line_no, supply_id, supply_line_no) DO UPDATE SET quantity = supply_promises.quantity + excluded.quantity")
    }

    private static func decode(_ row: any SQLRow) throws -> SupplyPromise {
        SupplyPromise(
            orderId: OrderID(try row.string("order_id")), lineNumber: Int(try row.int64("line_no")), supplyId: SupplyID(try row.string("supply_id")),
            supplyLine: Int(try row.int64("supply_line_no")), sku: SKU(try row.string("sku")), quantity: try row.int64("quantity"),
            expectedAt: try row.date("expected_at"))
    }
}
