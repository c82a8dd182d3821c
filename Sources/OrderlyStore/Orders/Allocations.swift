import Foundation
import OrderlyCore
import SQLKit

/// Writes routing results: allocations (stock reserved for an order line at a location),
/// and fulfillment orders for the allocated units once the order may be released.
enum Allocations {
    /// Reserves and records `plan`'s allocations and backorders on `order` (in memory and in
    /// the database); throws `ReservationStore.StockMoved` when stock moved since the snapshot.
    static func commit(_ db: any SQLDatabase, _ plan: RoutingPlanner.Plan, to order: inout Order, at now: Date) async throws {
        try await ReservationStore.reserve(db, plan.allocations.map { ($0.sku, $0.locationId, $0.quantity) })
        for allocation in plan.allocations {
            try await record(db, order.id, line: order.lines[allocation.lineIndex].number, allocation.locationId, allocation.type, allocation.quantity, reason: allocation.reason)
            order.lines[allocation.lineIndex].allocatedQuantity += allocation.quantity
        }
        for backorder in plan.backorders {
            order.lines[backorder.lineIndex].backorderedQuantity += backorder.quantity
        }
    }

    /// Adds `quantity` to the allocation of a line at a location (creating it).
    static func record(
        _ db: any SQLDatabase, _ order: OrderID, line: Int, _ location: LocationID, _ type: FulfillmentType, _ quantity: Int64, reason: String
    ) async throws {
        try await db.raw(
            """
            INSERT INTO order_allocations (order_id, line_no, location_id, type, quantity, released, reason)
            VALUES (\(bind: order.rawValue), \(bind: Int64(line)), \(bind: location.rawValue), \(bind: type.rawValue), \(bind: quantity), 0, \(bind: reason))
            ON CONFLICT (order_id, line_no, location_id, type) DO UPDATE SET quantity = order_allocations.quantity + excluded.quantity, reason = excluded.reason
            """
        ).run()
    }

    /// Creates one fulfillment order per location and type for every allocated unit not yet
    /// in one, unless the order is on hold. Returns the fulfillment orders created.
    @discardableResult
    static func release(_ db: any SQLDatabase, _ order: inout Order, actor: String?, at now: Date) async throws -> [FulfillmentOrder] {
        guard order.holds.isEmpty else { return [] }
        let rows = try await db.raw(
            """
            SELECT line_no, location_id, type, quantity - released AS pending FROM order_allocations
            WHERE order_id = \(bind: order.id.rawValue) AND quantity > released ORDER BY location_id, type, line_no
            """
        ).all()
        var groups: [String: (location: LocationID, type: FulfillmentType, lines: [FulfillmentOrder.Line])] = [:]
        var keys: [String] = []
        for row in rows {
            let location = LocationID(try row.string("location_id"))
            let type = FulfillmentType(rawValue: try row.string("type")) ?? .ship
            let lineNo = Int(try row.int64("line_no"))
            let sku = order.lines.first { $0.number == lineNo }?.sku ?? SKU("")
            let key = "\(location)|\(type)"
            if groups[key] == nil { keys.append(key) }
            groups[key, default: (location, type, [])].lines.append(.init(orderLine: lineNo, sku: sku, quantity: try row.int64("pending")))
        }
        var created: [FulfillmentOrder] = []
        for key in keys {
            guard let group = groups[key] else { continue }
            let fo = FulfillmentOrder(
                id: FulfillmentOrderID("fo_" + Token.random(bytes: 10)), orderId: order.id, locationId: group.location, type: group.type,
                status: .open, lines: group.lines, createdAt: now)
            try await FulfillmentOrderStore.insert(db, fo)
            for line in fo.lines {
                try await db.raw(
                    """
                    UPDATE order_allocations SET released = released + \(bind: line.quantity)
                    WHERE order_id = \(bind: order.id.rawValue) AND line_no = \(bind: Int64(line.orderLine))
                        AND location_id = \(bind: fo.locationId.rawValue) AND type = \(bind: fo.type.rawValue)
                    """
                ).run()
            }
            try await EventLog.append(
                db, type: "fulfillment.created", subject: "order:\(order.id)", data: FulfillmentEvent(fo), actor: actor, at: now)
            if fo.type == .carryOut {
                // A counter sale leaves with the customer now: the units go out through the ledger at once.
                var sale = fo
                try sale.handOverAtCounter()
                let units = fo.lines.map { Shipment.Line(orderLine: $0.orderLine, sku: $0.sku, quantity: $0.quantity) }
                try await FulfillmentOrderStore.fulfil(db, fo: fo, order: &order, units: units, reference: fo.id.rawValue, actor: actor, at: now)
                try await FulfillmentOrderStore.saveStatus(db, sale, at: now)
                try await EventLog.append(
                    db, type: "fulfillment.carried_out", subject: "order:\(order.id)", data: FulfillmentEvent(sale), actor: actor, at: now)
                created.append(sale)
                continue
            }
            created.append(fo)
        }
        return created
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

struct FulfillmentEvent: Encodable {
    struct Line: Encodable {
        var orderLine: Int
        var sku: String
        var quantity: Int64
    }
    var fulfillmentOrderId: String
    var orderId: String
    var locationId: String
    var type: String
    var status: String
    var lines: [Line]
    init(_ fo: FulfillmentOrder) {
        fulfillmentOrderId = fo.id.rawValue
        orderId = fo.orderId.rawValue
        locationId = fo.locationId.rawValue
        type = fo.type.rawValue
        status = fo.status.rawValue
        lines = fo.lines.map { Line(orderLine: $0.orderLine, sku: $0.sku.rawValue, quantity: $0.quantity) }
    }
}
