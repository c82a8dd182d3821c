import Foundation
import OrderlyCore
import SQLKit

/// When stock arrives at a location, gives it to the lines waiting for it, oldest order
/// first, with the same routing rules as at placement (restricted to that location).
enum BackorderAllocator {
    static func allocate(_ db: any SQLDatabase, skus: Set<SKU>, at location: LocationID, reason: String, actor: String?, now: Date) async throws {
        guard !skus.isEmpty else { return }
        let waiting = try await db.raw(
            """
            SELECT DISTINCT o.id, o.created_at, o.number FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.sku IN (\(binds: skus.map(\.rawValue))) AND l.backordered > 0
            ORDER BY o.created_at, o.number LIMIT 5000
            """
        ).all().map { OrderID(try $0.string("id")) }
        for id in waiting {
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true),
                let channel = try await ChannelStore.fetch(db, order.channel)
            else { continue }
            let products = try await OrderStore.products(db, order.lines.map(\.sku))
            let lines = order.lines.enumerated().compactMap { index, line -> RoutingPlanner.Line? in
                guard line.backorderedQuantity > 0, skus.contains(line.sku), let product = products[line.sku] else { return nil }
                if let store = line.delivery.pickupLocation, store != location { return nil }
                return .init(index: index, quantity: line.backorderedQuantity, delivery: line.delivery, product: product)
            }
            guard !lines.isEmpty else { continue }
            var snapshot = try await OrderStore.snapshot(db, channel: channel, skus: lines.map(\.product.sku), destination: order.coordinates, at: now)
            // Only the receiving location: other stock was already considered when the order waited.
            snapshot.stock = snapshot.stock.mapValues { $0.filter { $0.key == location } }
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
            try await OrderStore.recordRouting(db, order, allocated, actor: actor, at: now)
            try await Allocations.release(db, order, actor: actor, at: now)
        }
    }
}
