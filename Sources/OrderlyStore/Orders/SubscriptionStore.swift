import Foundation
import OrderlyCore
import SQLKit

/// Recurring orders. Each due period places one ordinary order whose externalId is derived
/// from the subscription and the period, so a period can never produce two orders — not with
/// several server instances running the scheduler, nor after a restart.
public struct SubscriptionStore: Sendable {
    let database: Database
    let time: any TimeSource

    public func create(_ subscription: Subscription, actor: String?) async throws -> Subscription {
        try subscription.validate()
        let now = time.now
        return try await database.transaction { db in
            guard try await ChannelStore.fetch(db, subscription.channel) != nil else {
                throw OrderlyError.invalid("channel", "channel '\(subscription.channel)' does not exist")
            }
            let known = try await ProductStore.existing(db, subscription.lines.map(\.sku))
            var v = Validator()
            for (i, line) in subscription.lines.enumerated() where !known.contains(line.sku) {
                v.add("lines[\(i)].sku", "product '\(line.sku)' does not exist")
            }
            try v.validate()
            try await db.raw(
                """
                INSERT INTO subscriptions (id, channel_id, customer, currency, lines, shipping_address, latitude, longitude, interval, start_at,
                    period, next_run_at, status, created_at, updated_at)
                VALUES (\(bind: subscription.id.rawValue), \(bind: subscription.channel.rawValue), \(bind: try StoredJSON.encode(CustomerJSON(subscription.customer))),
                    \(bind: subscription.currency.rawValue), \(bind: try StoredJSON.encode(subscription.lines)),
                    \(bind: try subscription.shippingAddress.map(StoredJSON.encode)), \(bind: subscription.coordinates?.latitude),
                    \(bind: subscription.coordinates?.longitude), \(bind: subscription.interval.description), \(bind: subscription.startAt.stored),
                    \(bind: Int64(subscription.period)), \(bind: subscription.nextRunAt.stored), \(bind: subscription.status.rawValue),
                    \(bind: now.stored), \(bind: now.stored))
                """
            ).run()
            try EventLog.append(db, .subscriptionCreated(subscription.id), actor: actor, at: now)
            return subscription
        }
    }

    /// Pauses, resumes or cancels; changes lines or the next date.
    public func update(
        _ id: SubscriptionID, actor: String?, _ change: @escaping @Sendable (inout Subscription) throws -> Void
    ) async throws -> Subscription {
        let now = time.now
        return try await database.transaction { db in
            guard var subscription = try await Self.fetch(db, id, lock: db.forUpdate) else { throw OrderlyError.notFound("Subscription", id) }
            guard subscription.status != .cancelled else { throw OrderlyError.conflict("Subscription \(id) is cancelled") }
            try change(&subscription)
            try subscription.validate()
            try await Self.save(db, subscription, at: now)
            try EventLog.append(db, .subscriptionUpdated(subscription), actor: actor, at: now)
            return subscription
        }
    }

    public func get(_ id: SubscriptionID) async throws -> Subscription {
        guard let subscription = try await database.read({ db in try await Self.fetch(db, id, lock: "") }) else {
            throw OrderlyError.notFound("Subscription", id)
        }
        return subscription
    }

    public func list(after cursor: String?, limit: Int?) async throws -> Page<Subscription> {
        let size = try pageSize(limit)
        let items = try await database.read { db in
            var result: [Subscription] = []
            for row in try await db.raw("SELECT id FROM subscriptions WHERE id > \(bind: cursor ?? "") ORDER BY id LIMIT \(literal: size + 1)").all()
            {
                if let s = try await Self.fetch(db, SubscriptionID(try row.string("id")), lock: "") { result.append(s) }
            }
            return result
        }
        let page = Array(items.prefix(size))
        return Page(items: page, nextCursor: items.count > size ? page.last?.id.rawValue : nil)
    }

    /// Runs every period due at `asOf` (default now) of every active subscription; returns the
    /// number of periods run. A period whose order is refused is recorded with its reason and
    /// skipped, so one bad period never blocks the next.
    @discardableResult
    public func runDue(asOf: Date? = nil, actor: String? = "scheduler") async throws -> Int {
        let asOf = asOf ?? time.now
        let due = try await database.read { db in
            try await db.raw(
                "SELECT id FROM subscriptions WHERE status = \(bind: Subscription.Status.active.rawValue) AND next_run_at <= \(bind: asOf.stored) ORDER BY next_run_at LIMIT 500"
            ).all().map { SubscriptionID(try $0.string("id")) }
        }
        var ran = 0
        for id in due {
            ran += try await runPeriods(id, asOf: asOf, actor: actor)
        }
        return ran
    }

    private func runPeriods(_ id: SubscriptionID, asOf: Date, actor: String?) async throws -> Int {
        var ran = 0
        // One period per transaction, each claimed under a row lock (skipped when another
        // instance holds it); the order's derived externalId makes a repeat impossible anyway.
        for _ in 0..<120 {
            let now = time.now
            let done: Bool
            do {
                done = try await database.transaction { db in
                    guard var subscription = try await Self.fetch(db, id, lock: db.forUpdateSkipLocked), subscription.isDue(asOf: asOf) else {
                        return false
                    }
                    let draft = subscription.draft(period: subscription.period)
                    var placed: OrderID?
                    var failure: OrderlyError?
                    try await db.raw("SAVEPOINT subscription_run").run()
                    do {
                        placed = try await OrderStore.place(db, draft, actor: actor, at: now).order.id
                        try await db.raw("RELEASE SAVEPOINT subscription_run").run()
                    } catch let error as OrderlyError {
                        try await db.raw("ROLLBACK TO SAVEPOINT subscription_run").run()
                        failure = error
                    }
                    let (run, event) = subscription.completePeriod(orderId: placed, failure: failure, at: now)
                    try await db.raw(
                        """
                        INSERT INTO subscription_runs (subscription_id, period, order_id, error, at)
                        VALUES (\(bind: id.rawValue), \(bind: Int64(run.period)), \(bind: run.orderId?.rawValue), \(bind: run.error), \(bind: now.stored))
                        """
                    ).run()
                    try await Self.save(db, subscription, at: now)
                    try EventLog.append(db, event, actor: actor, at: now)
                    return true
                }
            } catch is ReservationStore.StockMoved {
                continue
            }
            guard done else { break }
            ran += 1
        }
        return ran
    }

    static func save(_ db: any SQLDatabase, _ s: Subscription, at now: Date) async throws {
        try await db.raw(
            """
            UPDATE subscriptions SET lines = \(bind: try StoredJSON.encode(s.lines)), shipping_address = \(bind: try s.shippingAddress.map(StoredJSON.encode)),
                period = \(bind: Int64(s.period)), anchor_period = \(bind: Int64(s.anchorPeriod)), start_at = \(bind: s.startAt.stored), next_run_at = \(bind: s.nextRunAt.stored), status = \(bind: s.status.rawValue),
                updated_at = \(bind: now.stored)
            WHERE id = \(bind: s.id.rawValue)
            """
        ).run()
    }

    static func fetch(_ db: any SQLDatabase, _ id: SubscriptionID, lock: SQLQueryString) async throws -> Subscription? {
        guard
            let row = try await db.raw(
                "SELECT channel_id, customer, currency, lines, shipping_address, latitude, longitude, \"interval\", start_at, period, status, anchor_period FROM subscriptions WHERE id = \(bind: id.rawValue)\(lock)"
            ).first()
        else { return nil }
        let runs = try await db.raw(
            "SELECT period, order_id, error, at FROM subscription_runs WHERE subscription_id = \(bind: id.rawValue) ORDER BY period DESC LIMIT 20"
        ).all().map { r in
            Subscription.Run(
                period: Int(try r.int64("period")), orderId: try r.optionalString("order_id").map(OrderID.init), error: try r.optionalString("error"),
                at: try r.date("at"))
        }
        let latitude = try row.decode(column: "latitude", as: Double?.self)
        let longitude = try row.decode(column: "longitude", as: Double?.self)
        guard let interval = ISODuration(try row.string("interval")) else {
            throw OrderlyError.conflict("Subscription \(id) has an unreadable interval")
        }
        var subscription = Subscription(
            id: id, channel: ChannelID(try row.string("channel_id")), customer: try row.json("customer", as: CustomerJSON.self).details,
            currency: CurrencyCode(try row.string("currency")), lines: try row.json("lines", as: [Subscription.Line].self),
            shippingAddress: try row.optionalString("shipping_address").map { try StoredJSON.decode(Address.self, from: $0) },
            coordinates: latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } },
            interval: interval, startAt: try row.date("start_at"),
            period: Int(try row.int64("period")), status: Subscription.Status(rawValue: try row.string("status")) ?? .active, runs: runs)
        subscription.anchorPeriod = Int(try row.int64("anchor_period"))
        return subscription
    }
}

struct CustomerJSON: Codable {
    var email: String?
    var name: String?
    var phone: String?
    init(_ c: CustomerDetails) {
        email = c.email
        name = c.name
        phone = c.phone
    }
    var details: CustomerDetails { CustomerDetails(email: email, name: name, phone: phone) }
}
