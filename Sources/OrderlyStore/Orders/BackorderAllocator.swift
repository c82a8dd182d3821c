import Foundation
import OrderlyCore
import SQLKit

/// When stock arrives (a receipt, a count, an adjustment, an import) or a pre-order's release
/// date passes, gives stock to the lines waiting for it, oldest order first, with the same
/// routing rules as at placement. Restricted to `location` when stock arrived there.
enum BackorderAllocator {
    ///
    /// When supply arrives (`promisedFrom`), the orders it was promised to come first, oldest
    /// first, then the others. Promises of `skus` are made anew afterwards (served units no
    /// longer wait; received units are no longer incoming).
    static func allocate(
        _ db: Transaction, skus: Set<SKU>, at location: LocationID?, reason: String, promisedFrom supply: SupplyID? = nil, actor: String?,
        now: Date
    ) async throws {
        guard !skus.isEmpty else { return }
        var waiting: [(id: OrderID, createdAt: Int64, number: String)] = []
        for chunk in Array(skus).sorted().chunked(500) {
            waiting += try await db.raw(
                """
                SELECT DISTINCT o.id, o.created_at, o.number FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.sku IN (\(binds: chunk.map(\.rawValue))) AND l.backordered > 0
                ORDER BY o.created_at, o.number LIMIT 5000
                """
            ).all().map { (OrderID(try $0.string("id")), try $0.int64("created_at"), try $0.string("number")) }
        }
        var seen = Set<OrderID>()
        var promised = Set<OrderID>()
        if let supply {
            promised = Set(
                try await db.raw("SELECT DISTINCT order_id FROM supply_promises WHERE supply_id = \(bind: supply.rawValue)").all().map {
                    OrderID(try $0.string("order_id"))
                })
        }
        let oldestFirst = waiting.sorted {
            (promised.contains($0.id) ? 0 : 1, $0.createdAt, $0.number) < (promised.contains($1.id) ? 0 : 1, $1.createdAt, $1.number)
        }.filter { seen.insert($0.id).inserted }
        for id in oldestFirst.map(\.id) {
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true),
                let channel = try await ChannelStore.fetch(db, order.channel)
            else { continue }
            let products = try await ProductStore.fetch(db, skus: order.lines.map(\.sku))
            let lines = order.lines.enumerated().compactMap { index, line -> RoutingPlanner.Line? in
                guard line.backorderedQuantity > 0, skus.contains(line.sku), let product = products[line.sku] else { return nil }
                if let store = line.delivery.storeLocation, let location, store != location { return nil }
                return .init(index: index, quantity: line.backorderedQuantity, delivery: line.delivery, product: product)
            }
            guard !lines.isEmpty else { continue }
            var snapshot = try await OrderStore.snapshot(
                db, channel: channel, skus: lines.map(\.product.sku), destination: order.coordinates, at: now)
            // Only the receiving location: other stock was already considered when the order waited.
            if let location { snapshot.stock = snapshot.stock.mapValues { $0.filter { $0.key == location } } }
            snapshot.channel.routing.onShortage = .partial
            guard let plan = try? RoutingPlanner.plan(lines, snapshot), !plan.allocations.isEmpty else { continue }
            var allocated = plan
            allocated.backorders = []
            allocated.allocations = plan.allocations.map { a in
                var a = a
                a.reason = "\(reason); \(a.reason)"
                return a
            }
            try await Allocations.commit(db, allocated, to: &order, at: now)
            for allocation in allocated.allocations { order.lines[allocation.lineIndex].backorderedQuantity -= allocation.quantity }
            try await OrderRows.saveProgress(db, order, at: now)
            try EventLog.append(db, .orderAllocated(order, allocated.allocations), actor: actor, at: now)
            try await Allocations.release(db, &order, actor: actor, at: now)
        }
        if !oldestFirst.isEmpty { try await SupplyStore.repromise(db, skus: skus, at: now) }
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
