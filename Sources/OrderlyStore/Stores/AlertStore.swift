import Foundation
import OrderlyCore
import SQLKit

/// Late work (`Alert`, decided in Core from what this store reads): fulfillment orders not
/// accepted, pickups not collected, units waiting for stock beyond their promise. `current`
/// answers the dashboard and the store page; `raiseDue` announces each new one once
/// (`alert.raised`, for webhooks), in every instance at once without announcing twice (the
/// alert's key is the primary key of `alerts_raised`).
public struct AlertStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// The alerts due now, oldest first; at some locations only (their fulfillment orders) when given.
    public func current(at locations: [LocationID]? = nil) async throws -> [Alert] {
        let now = time.now
        return try await database.read { db in try await Self.due(db, at: locations, now: now) }
    }

    /// Announces the alerts due now that were not announced before; returns how many.
    @discardableResult
    public func raiseDue() async throws -> Int {
        let now = time.now
        let due = try await current()
        guard !due.isEmpty else { return 0 }
        return try await database.transaction { db in
            var raised = 0
            for chunk in due.chunked(200) {
                let rows = SQLQueryString.rows(chunk) { alert in
                    "\(bind: alert.key), \(bind: alert.kind.rawValue), \(bind: alert.orderId.rawValue), \(bind: now.stored)"
                }
                let inserted = Set(
                    try await db.raw(
                        "INSERT INTO alerts_raised (key, kind, order_id, raised_at) VALUES \(rows) ON CONFLICT (key) DO NOTHING RETURNING key"
                    )
                    .all().map { try $0.string("key") })
                for alert in chunk where inserted.contains(alert.key) {
                    try EventLog.append(db, .alertRaised(alert), actor: "alerts", at: now)
                    raised += 1
                }
            }
            return raised
        }
    }

    static func due(_ db: any SQLDatabase, at locations: [LocationID]?, now: Date) async throws -> [Alert] {
        var query = SQLQueryString(
            """
            SELECT f.id, f.order_id, o.number, o.channel_id, f.location_id, f.status, f.created_at, f.ready_at
            FROM fulfillment_orders f JOIN orders o ON o.id = f.order_id
            WHERE f.status IN (\(bind: FulfillmentOrder.Status.open.rawValue), \(bind: FulfillmentOrder.Status.readyForPickup.rawValue))
            """)
        if let locations {
            guard !locations.isEmpty else { return [] }
            query.appendInterpolation(SQLQueryString(" AND f.location_id IN (\(binds: locations.map(\.rawValue)))"))
        }
        let fulfillment = try await db.raw(query).all().map { row in
            Alerts.OpenFulfillment(
                id: FulfillmentOrderID(try row.string("id")), orderId: OrderID(try row.string("order_id")), orderNumber: try row.string("number"),
                channel: ChannelID(try row.string("channel_id")), location: LocationID(try row.string("location_id")),
                status: FulfillmentOrder.Status(rawValue: try row.string("status")) ?? .open, createdAt: try row.date("created_at"),
                readyAt: try row.optionalDate("ready_at"))
        }
        // Waiting lines are the desk's, not a store's.
        let waiting =
            locations != nil
            ? []
            : try await db.raw(
                """
                SELECT l.order_id, o.number, o.channel_id, l.line_no, l.sku, l.backordered, o.created_at,
                    (SELECT max(p.expected_at) FROM supply_promises p WHERE p.order_id = l.order_id AND p.line_no = l.line_no) AS promised_by
                FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.backordered > 0
                """
            ).all().map { row in
                Alerts.WaitingLine(
                    orderId: OrderID(try row.string("order_id")), orderNumber: try row.string("number"),
                    channel: ChannelID(try row.string("channel_id")),
                    line: Int(try row.int64("line_no")), sku: SKU(try row.string("sku")), waiting: try row.int64("backordered"),
                    placedAt: try row.date("created_at"), promisedBy: try row.optionalDate("promised_by"))
            }
        var channels: [ChannelID: AlertThresholds] = [:]
        for row in try await db.raw("SELECT id, alerts FROM channels WHERE alerts <> '{}'").all() {
            channels[ChannelID(try row.string("id"))] = try row.json("alerts", as: AlertThresholds.self)
        }
        var places: [LocationID: AlertThresholds] = [:]
        for row in try await db.raw("SELECT id, alerts FROM locations WHERE alerts <> '{}'").all() {
            places[LocationID(try row.string("id"))] = try row.json("alerts", as: AlertThresholds.self)
        }
        return Alerts.due(fulfillment: fulfillment, waiting: waiting, channels: channels, locations: places, now: now)
    }
}
