import Foundation
import OrderlyCore
import SQLKit

/// Writes routing results: allocations (stock reserved for an order line at a location),
/// and fulfillment orders for the allocated units once the order may be released.
enum Allocations {
    /// Reserves and records `plan`'s allocations and backorders on `order` (in memory and in
    /// the database); throws `ReservationStore.StockMoved` when stock moved since the snapshot.
    static func commit(_ db: Transaction, _ plan: RoutingPlanner.Plan, to order: inout Order, at now: Date) async throws {
        order.apply(plan)
        try await reserve(db, plan)
        try await record(db, order.id, plan.allocations(of: order))
    }

    /// Reserves `plan`'s stock with conditional updates; throws `ReservationStore.StockMoved`
    /// when stock moved since the snapshot it was made from.
    static func reserve(_ db: Transaction, _ plan: RoutingPlanner.Plan) async throws {
        try await ReservationStore.reserve(db, plan.allocations.map { ($0.sku, $0.locationId, $0.quantity) })
    }

    typealias Entry = OrderAllocation

    /// Adds every entry to its allocation (creating them) with one statement; entries for the
    /// same line, location and type are summed first (one row may be touched once per statement).
    /// `released`: the units go into fulfillment orders in this same transaction.
    /// `newOrder`: the order has no allocations yet, so the rows are all new and the insert
    /// may be held back (`insertLater`).
    static func record(_ db: Transaction, _ order: OrderID, _ entries: [Entry], released: Bool = false, newOrder: Bool = false) async throws {
        let merged = OrderAllocation.merged(entries)
        guard !merged.isEmpty else { return }
        let rows = SQLQueryString.rows(merged) { entry in
            "\(bind: order.rawValue), \(bind: Int64(entry.line)), \(bind: entry.location.rawValue), \(bind: entry.type.rawValue), \(bind: entry.quantity), \(bind: released ? entry.quantity : 0), \(bind: entry.reason)"
        }
        let into = "order_allocations (order_id, line_no, location_id, type, quantity, released, reason)"
        let then = """
             ON CONFLICT (order_id, line_no, location_id, type) DO UPDATE SET quantity = order_allocations.quantity + excluded.quantity,
                released = order_allocations.released + excluded.released, reason = excluded.reason
            """
        if newOrder {
            try await db.insertLater(into: into, values: rows, then: then)
        } else {
            try await db.raw(SQLQueryString.insert(into: into, values: rows, then: then)).run()
        }
    }

    /// Creates one fulfillment order per location and type for every allocated unit not yet
    /// in one, unless the order is on hold (`FulfillmentOrder.release`). Returns them.
    @discardableResult
    static func release(_ db: Transaction, _ order: inout Order, actor: String?, at now: Date) async throws -> [FulfillmentOrder] {
        guard order.isReleasable else { return [] }
        let rows = try await db.raw(
            """
            SELECT line_no, location_id, type, quantity - released AS pending FROM order_allocations
            WHERE order_id = \(bind: order.id.rawValue) AND quantity > released
            """
        ).all()
        let pending = try rows.map { row in
            FulfillmentOrder.Pending(
                orderLine: Int(try row.int64("line_no")), locationId: LocationID(try row.string("location_id")),
                type: FulfillmentType(rawValue: try row.string("type")) ?? .ship, quantity: try row.int64("pending"))
        }
        let release = try FulfillmentOrder.release(pending, of: order, at: now, id: Self.newFulfillmentOrderID)
        guard !release.opened.isEmpty else { return [] }
        // The units now in fulfillment orders are released, each allocation by what it gave.
        let releases = SQLQueryString.rows(release.opened.flatMap { fo in fo.lines.map { (fo, $0) } }) { fo, line in
            "\(bind: Int64(line.orderLine)), \(bind: fo.locationId.rawValue), \(bind: fo.type.rawValue), \(bind: line.quantity)"
        }
        try await FulfillmentOrderStore.insert(db, release.opened)
        try await db.raw(
            """
            UPDATE order_allocations SET released = order_allocations.released + v.column4 FROM (VALUES \(releases)) AS v
            WHERE order_allocations.order_id = \(bind: order.id.rawValue) AND order_allocations.line_no = v.column1
                AND order_allocations.location_id = v.column2 AND order_allocations.type = v.column3
            """
        ).run()
        try await write(db, release, of: &order, actor: actor, at: now, events: release.events)
        return release.current
    }

    static func newFulfillmentOrderID() -> FulfillmentOrderID { FulfillmentOrderID("fo_" + Token.random(bytes: 10)) }

    /// Writes what a release hands over at the counter (its units leave through the ledger at
    /// once), then `events`. The fulfillment orders themselves are already inserted.
    static func write(
        _ db: Transaction, _ release: FulfillmentOrder.Release, of order: inout Order, actor: String?, at now: Date, events: [DomainEvent]
    ) async throws {
        for sale in release.handedOver {
            let units = sale.lines.map { Shipment.Line(orderLine: $0.orderLine, sku: $0.sku, quantity: $0.quantity) }
            try await FulfillmentOrderStore.fulfil(db, fo: sale, order: &order, units: units, reference: sale.id.rawValue, actor: actor, at: now)
            try await FulfillmentOrderStore.saveStatus(db, sale, at: now)
        }
        for event in events { try EventLog.append(db, event, actor: actor, at: now) }
    }

    /// An order's allocations that still hold units.
    static func states(_ db: any SQLDatabase, _ order: OrderID) async throws -> [AllocationState] {
        try await db.raw(
            """
            SELECT line_no, location_id, type, quantity, released FROM order_allocations
            WHERE order_id = \(bind: order.rawValue) AND quantity > 0 ORDER BY line_no, location_id, type
            """
        ).all().map { row in
            AllocationState(
                line: Int(try row.int64("line_no")), location: LocationID(try row.string("location_id")),
                type: FulfillmentType(rawValue: try row.string("type")) ?? .ship, quantity: try row.int64("quantity"),
                released: try row.int64("released"))
        }
    }

    /// Takes units off allocations: `quantity` off each, `released` of them off what it had released.
    static func shrink(
        _ db: any SQLDatabase, _ order: OrderID,
        _ changes: [(line: Int, location: LocationID, type: FulfillmentType, quantity: Int64, released: Int64)]
    ) async throws {
        for change in changes {
            try await db.raw(
                """
                UPDATE order_allocations SET quantity = quantity - \(bind: change.quantity), released = released - \(bind: change.released)
                WHERE order_id = \(bind: order.rawValue) AND line_no = \(bind: Int64(change.line)) AND location_id = \(bind: change.location.rawValue)
                    AND type = \(bind: change.type.rawValue)
                """
            ).run()
        }
    }

    /// Fulfillment orders created today (UTC) at each location that has a daily capacity.
    static func capacityLeft(_ db: any SQLDatabase, _ locations: [LocationID: Location], at now: Date) async throws -> [LocationID: Int] {
        let limited = locations.values.filter { $0.dailyCapacity != nil }
        guard !limited.isEmpty else { return [:] }
        let dayStart = Calendar.utc.startOfDay(for: now)
        let rows = try await db.raw(
            """
            SELECT location_id, COUNT(*) AS n FROM fulfillment_orders
            WHERE location_id IN (\(binds: limited.map(\.id.rawValue))) AND created_at >= \(bind: dayStart.stored)
            GROUP BY location_id
            """
        ).all()
        var used: [LocationID: Int] = [:]
        for row in rows { used[LocationID(try row.string("location_id"))] = Int(try row.int64("n")) }
        var left: [LocationID: Int] = [:]
        for location in limited { left[location.id] = (location.dailyCapacity ?? 0) - (used[location.id] ?? 0) }
        return left
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar
    }()
}
