import Foundation
import OrderlyCore
import SQLKit

/// Checkout holds. Creating one plans with `ReservationPlanner` and commits the plan with
/// conditional updates (`reserved + q` only where `on_hand − reserved − safety_stock ≥ q`);
/// when another request took the stock in between, the whole transaction is re-planned.
public struct ReservationStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Thrown inside the transaction when a conditional update found less stock than planned.
    struct StockMoved: Error {}

    public func create(
        channel channelId: ChannelID, lines: [ReservationPlanner.Line], ttlSeconds: Int?, actor: String?
    ) async throws -> Reservation {
        let ttl = ttlSeconds ?? Reservation.defaultTTLSeconds
        try Reservation.validateRequest(lines: lines, ttlSeconds: ttl)
        let created = try await Replanning.untilStockSettles {
            let now = time.now
            let id = ReservationID("res_" + Token.random(bytes: 12))
            return try await database.transaction { db in
                guard let channel = try await ChannelStore.fetch(db, channelId) else {
                    throw OrderlyError.invalid("channel", "channel '\(channelId)' does not exist")
                }
                let skus = lines.map(\.sku)
                let (levels, locations) = try await AvailabilityStore.snapshot(db, skus: skus)
                try Self.checkReferences(lines, known: Set(try await ProductStore.existing(db, skus)), channel: channel, locations: locations)
                let candidates = levels.compactMap { level -> ReservationPlanner.Candidate? in
                    guard let location = locations[level.locationId], channel.sells(from: location) else { return nil }
                    return .init(sku: level.sku, locationId: level.locationId, available: level.available, priority: location.priority)
                }
                let plan = try ReservationPlanner.plan(lines, candidates: candidates)
                try await Self.reserve(db, plan.map { ($0.sku, $0.locationId, $0.quantity) })
                let reservation = Reservation(
                    id: id, channel: channelId, status: .active,
                    lines: plan.map { .init(sku: $0.sku, locationId: $0.locationId, quantity: $0.quantity) },
                    expiresAt: now.addingTimeInterval(TimeInterval(ttl)), createdAt: now)
                try await Self.insert(db, reservation)
                try EventLog.append(db, .reservationCreated(reservation), actor: actor, at: now)
                return reservation
            }
        }
        if let created { return created }
        // Stock kept moving under every plan: report what is available now.
        let shortages = try await currentShortages(channelId, lines)
        throw OrderlyError.insufficientStock(shortages)
    }

    /// Releases an active reservation's stock. Releasing one that is no longer active changes
    /// nothing and returns it as it is, so a retried `DELETE` is harmless.
    public func release(_ id: ReservationID, actor: String?) async throws -> Reservation {
        try await close(id, as: .released, actor: actor).reservation
    }

    public func get(_ id: ReservationID) async throws -> Reservation {
        guard let reservation = try await database.read({ db in try await Self.fetch(db, id) }) else {
            throw OrderlyError.notFound("Reservation", id)
        }
        return reservation
    }

    /// Releases reservations whose time is up, at most `limit` per call. Several instances may
    /// run this at once: each claims different rows (SKIP LOCKED on PostgreSQL), and the
    /// status-conditional update means no reservation is released twice.
    @discardableResult
    public func expireDue(limit: Int = 100) async throws -> Int {
        let now = time.now
        let due = try await database.read { db in
            try await db.raw(
                """
                SELECT id FROM reservations WHERE status = \(bind: Reservation.Status.active.rawValue) AND expires_at <= \(bind: now.stored)
                ORDER BY expires_at LIMIT \(literal: limit)
                """
            ).all().map { ReservationID(try $0.string("id")) }
        }
        var expired = 0
        for id in due {
            if try await close(id, as: .expired, actor: "system", skipLocked: true).changed { expired += 1 }
        }
        return expired
    }

    /// Moves an active reservation to `status` and gives its stock back; `changed` is false
    /// when it was no longer active (someone else closed it first).
    private func close(
        _ id: ReservationID, as status: Reservation.Status, actor: String?, skipLocked: Bool = false
    ) async throws -> (reservation: Reservation, changed: Bool) {
        let now = time.now
        return try await database.transaction { db in
            let lock = skipLocked ? db.forUpdateSkipLocked : db.forUpdate
            let locked = try await db.raw("SELECT status FROM reservations WHERE id = \(bind: id.rawValue)\(lock)").first()
            guard var reservation = try await Self.fetch(db, id) else { throw OrderlyError.notFound("Reservation", id) }
            guard locked != nil, reservation.status == .active else { return (reservation, false) }
            if status == .expired && reservation.expiresAt > now { return (reservation, false) }
            let updated = try await db.raw(
                """
                UPDATE reservations SET status = \(bind: status.rawValue), closed_at = \(bind: now.stored)
                WHERE id = \(bind: id.rawValue) AND status = \(bind: Reservation.Status.active.rawValue) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { return (reservation, false) }
            try await Self.unreserve(db, reservation.lines.map { ($0.sku, $0.locationId, $0.quantity) })
            reservation.status = status
            try EventLog.append(db, .reservationClosed(reservation), actor: actor, at: now)
            return (reservation, true)
        }
    }

    /// Closes a reservation an order takes over (`OrderPlacement.ReservationUse`) with a
    /// status-conditional update, and gives back the units the order did not need. Throws when
    /// it was closed or expired since it was read.
    static func consume(_ db: any SQLDatabase, _ use: OrderPlacement.ReservationUse, at now: Date) async throws {
        let closed = try await db.raw(
            """
            UPDATE reservations SET status = \(bind: Reservation.Status.consumed.rawValue), closed_at = \(bind: now.stored)
            WHERE id = \(bind: use.id.rawValue) AND status = \(bind: Reservation.Status.active.rawValue) AND expires_at > \(bind: now.stored)
            RETURNING id
            """
        ).all()
        guard !closed.isEmpty else {
            guard let reservation = try await fetch(db, use.id) else { throw OrderlyError.notFound("Reservation", use.id) }
            throw OrderPlacement.unavailable(reservation)
        }
        try await unreserve(db, use.leftovers.map { ($0.sku, $0.locationId, $0.quantity) })
    }

    /// Takes stock with conditional updates in (sku, location) order; throws `StockMoved` when
    /// a level no longer has what the plan counted on.
    static func reserve(_ db: Transaction, _ takes: [(sku: SKU, locationId: LocationID, quantity: Int64)]) async throws {
        // One update per row (two takes of one row checked as their sum), in (sku, location)
        // order; held on PostgreSQL and sent with the order's inserts (`updateLater`).
        var merged: [StockLedger.Key: Int64] = [:]
        for take in takes { merged[StockLedger.Key(sku: take.sku, locationId: take.locationId), default: 0] += take.quantity }
        for (key, quantity) in merged.sorted(by: { $0.key < $1.key }) {
            try await db.updateLater(row: ["inventory_levels", key.sku.rawValue, key.locationId.rawValue], adding: quantity, orElse: StockMoved()) {
                quantity in
                """
                UPDATE inventory_levels SET reserved = reserved + \(bind: quantity)
                WHERE sku = \(bind: key.sku.rawValue) AND location_id = \(bind: key.locationId.rawValue)
                    AND on_hand - reserved - safety_stock >= \(bind: quantity)
                RETURNING sku
                """
            }
        }
    }

    /// Gives reserved stock back, in (sku, location) order.
    static func unreserve(_ db: any SQLDatabase, _ gives: [(sku: SKU, locationId: LocationID, quantity: Int64)]) async throws {
        for give in gives.sorted(by: { ($0.sku, $0.locationId) < ($1.sku, $1.locationId) }) {
            try await db.raw(
                """
                UPDATE inventory_levels SET reserved = reserved - \(bind: give.quantity)
                WHERE sku = \(bind: give.sku.rawValue) AND location_id = \(bind: give.locationId.rawValue)
                """
            ).run()
        }
    }

    private static func checkReferences(
        _ lines: [ReservationPlanner.Line], known: Set<SKU>, channel: Channel, locations: [LocationID: Location]
    ) throws(OrderlyError) {
        var v = Validator()
        for (i, line) in lines.enumerated() {
            v.check(known.contains(line.sku), "lines[\(i)].sku", "product '\(line.sku)' does not exist")
            if let pinned = line.locationId, !channel.pools(pinned) {
                v.add("lines[\(i)].locationId", "location '\(pinned)' is not in channel \(channel.id)'s pool")
            }
        }
        try v.validate()
    }

    private func currentShortages(_ channelId: ChannelID, _ lines: [ReservationPlanner.Line]) async throws -> [OrderlyError.Shortage] {
        let availability = try await AvailabilityStore(database: database).availability(channel: channelId, skus: lines.map(\.sku), origin: nil)
        return lines.map { line in
            .init(
                sku: line.sku, locationId: line.locationId, requested: line.quantity,
                available: availability.first { $0.sku == line.sku }?.available ?? 0)
        }
    }

    private static func insert(_ db: any SQLDatabase, _ r: Reservation) async throws {
        try await db.raw(
            """
            INSERT INTO reservations (id, channel_id, status, expires_at, created_at)
            VALUES (\(bind: r.id.rawValue), \(bind: r.channel.rawValue), \(bind: r.status.rawValue), \(bind: r.expiresAt.stored), \(bind: r.createdAt.stored))
            """
        ).run()
        for (i, line) in r.lines.enumerated() {
            try await db.raw(
                """
                INSERT INTO reservation_lines (reservation_id, line_no, sku, location_id, quantity)
                VALUES (\(bind: r.id.rawValue), \(bind: Int64(i)), \(bind: line.sku.rawValue), \(bind: line.locationId.rawValue), \(bind: line.quantity))
                """
            ).run()
        }
    }

    static func fetch(_ db: any SQLDatabase, _ id: ReservationID) async throws -> Reservation? {
        guard
            let row = try await db.raw("SELECT channel_id, status, expires_at, created_at FROM reservations WHERE id = \(bind: id.rawValue)").first()
        else { return nil }
        let lines = try await db.raw(
            "SELECT sku, location_id, quantity FROM reservation_lines WHERE reservation_id = \(bind: id.rawValue) ORDER BY line_no"
        )
        .all().map { row in
            Reservation.Line(
                sku: SKU(try row.string("sku")), locationId: LocationID(try row.string("location_id")), quantity: try row.int64("quantity"))
        }
        return Reservation(
            id: id, channel: ChannelID(try row.string("channel_id")),
            status: Reservation.Status(rawValue: try row.string("status")) ?? .active, lines: lines,
            expiresAt: try row.date("expires_at"), createdAt: try row.date("created_at"))
    }
}
