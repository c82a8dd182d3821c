import Foundation
import OrderlyCore
import SQLKit

/// When stock arrives (a receipt, a count, an adjustment, an import) or a pre-order's release
/// date passes, gives stock to the lines waiting for it, oldest order first, with the same
/// routing rules as at placement. Restricted to `location` when stock arrived there.
enum BackorderAllocator {
    /// Reads the waiting orders of `skus` and, one by one, what serving them needs; Core
    /// decides (`BackorderServing`); writes each order's allocations. Restricted to `location`
    /// when stock arrived there. When supply arrives (`promisedFrom`), the orders it was
    /// promised to come first. Promises of `skus` are made anew afterwards (served units no
    /// longer wait; received units are no longer incoming).
    static func allocate(
        _ db: Transaction, skus: Set<SKU>, at location: LocationID?, reason: String, promisedFrom supply: SupplyID? = nil, actor: String?,
        now: Date
    ) async throws {
        guard !skus.isEmpty else { return }
        var promised = Set<OrderID>()
        if let supply {
            promised = Set(
                try await db.raw("SELECT DISTINCT order_id FROM supply_promises WHERE supply_id = \(bind: supply.rawValue)").all().map {
                    OrderID(try $0.string("order_id"))
                })
        }
        var candidates: [BackorderServing.Candidate] = []
        for chunk in Array(skus).sorted().chunked(500) {
            candidates += try await db.raw(
                """
                SELECT DISTINCT o.id, o.created_at, o.number FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.sku IN (\(binds: chunk.map(\.rawValue))) AND l.backordered > 0
                ORDER BY o.created_at, o.number LIMIT 5000
                """
            ).all().map {
                let id = OrderID(try $0.string("id"))
                return .init(id: id, createdAt: try $0.date("created_at"), number: try $0.string("number"), promised: promised.contains(id))
            }
        }
        let servingOrder = BackorderServing.servingOrder(candidates)
        for id in servingOrder {
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true),
                let channel = try await ChannelStore.fetch(db, order.channel)
            else { continue }
            let products = try await ProductStore.fetch(db, skus: order.lines.map(\.sku))
            let lines = BackorderServing.lines(of: order, skus: skus, at: location, products: products)
            guard !lines.isEmpty else { continue }
            var snapshot = try await OrderStore.snapshot(
                db, channel: channel, skus: lines.map(\.product.sku), destination: order.coordinates, at: now)
            // Served by the strategy version that placed it, as a rejection re-routes it.
            snapshot.strategy = try await OrderStore.strategy(db, routed: order)
            guard let plan = BackorderServing.plan(lines, snapshot, at: location, reason: reason, order: order, products: products) else { continue }
            try await Allocations.commit(db, plan, to: &order, at: now)
            for allocation in plan.allocations { order.lines[allocation.lineIndex].backorderedQuantity -= allocation.quantity }
            try await OrderRows.saveProgress(db, order, at: now)
            try EventLog.append(db, .orderAllocated(order, plan.allocations), actor: actor, at: now)
            try await Allocations.release(db, &order, actor: actor, at: now)
        }
        if !servingOrder.isEmpty { try await SupplyStore.repromise(db, skus: skus, at: now) }
    }
}

extension OrderStore {
    /// Routes waiting lines of `skus`, or (by default) of pre-orders whose release date has
    /// passed. Run by a background job; safe in every instance (orders are locked one by one).
    @discardableResult
    public func allocateWaiting(skus: Set<SKU>? = nil, actor: String? = "system") async throws -> Int {
        let now = time.now
        return try await database.transaction { db in
            var targets = skus ?? []
            if skus == nil {
                let rows = try await db.raw(
                    """
                    SELECT DISTINCT l.sku FROM order_lines l JOIN products p ON p.sku = l.sku
                    WHERE l.backordered > 0 AND p.sell_beyond_stock = \(bind: Product.SellBeyondStock.preorder.rawValue) AND p.release_date <= \(bind: now.stored)
                    LIMIT 1000
                    """
                ).all()
                targets = Set(try rows.map { SKU(try $0.string("sku")) })
            }
            guard !targets.isEmpty else { return 0 }
            let before = try await Self.waitingUnits(db)
            try await BackorderAllocator.allocate(db, skus: targets, at: nil, reason: "stock became available", actor: actor, now: now)
            return Int(before - (try await Self.waitingUnits(db)))
        }
    }

    static func waitingUnits(_ db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT CAST(COALESCE(SUM(backordered), 0) AS BIGINT) AS n FROM order_lines WHERE backordered > 0").first()?.int64("n") ?? 0
    }
}
