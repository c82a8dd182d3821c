import Foundation
import OrderlyCore
import SQLKit

extension OrderStore {
    /// Changes the order's lines (`Order.changing` decides): more units, fewer units, a sku or
    /// delivery swapped, new lines. Only the added units are routed and reserved; exactly the
    /// units taken off give their stock back. Refused, with nothing changed, once a unit of a
    /// changed line has shipped. Stock that moves while the change is decided routes it again.
    public func change(_ id: OrderID, lines changes: [OrderLineChange], reason: String?, actor: String?) async throws -> Order {
        if let reason {
            var v = Validator()
            v.text(reason, "reason", max: 500)
            try v.validate()
        }
        let changed = try await Replanning.untilStockSettles { [database, time] in
            try await database.transaction { db in try await Self.change(db, id, changes, reason: reason, actor: actor, at: time.now) }
        }
        guard let changed else { throw OrderlyError.conflict("Stock kept changing while the order's new units were routed; retry the change") }
        return changed
    }

    private static func change(
        _ db: Transaction, _ id: OrderID, _ changes: [OrderLineChange], reason: String?, actor: String?, at now: Date
    ) async throws -> Order {
        guard let order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
        guard let channel = try await ChannelStore.fetch(db, order.channel) else { throw OrderlyError.notFound("Channel", order.channel) }
        let skus = Set(order.lines.map(\.sku) + changes.compactMap(\.sku))
        let products = try await ProductStore.fetch(db, skus: Array(skus))
        // A line added (or replacing one) must be deliverable where it says.
        let added = changes.enumerated().compactMap { i, change -> (index: Int, sku: SKU, delivery: Delivery)? in
            let line = change.line.flatMap { n in order.lines.first { $0.number == n } }
            guard change.line == nil || change.sku != nil || change.delivery != nil, let sku = change.sku ?? line?.sku else { return nil }
            return (i, sku, change.delivery ?? line?.delivery ?? .ship)
        }
        try await checkReferences(db, lines: added, channel: channel, products: products)
        let taxRates = try await TaxRateStore.rates(db, stores: Set(added.compactMap(\.delivery.storeLocation)), products: products, cache: nil)
        var stock = try await snapshot(db, channel: channel, skus: Array(skus), destination: order.coordinates, at: now)
        stock.strategy = try await strategy(db, routed: order)
        let plan = try order.changing(
            changes, products: products, taxRates: taxRates, stock: stock, allocations: try await Allocations.states(db, id),
            fulfillment: try await FulfillmentOrderStore.openLines(db, id), reason: reason, now: now,
            newFulfillmentOrderID: Allocations.newFulfillmentOrderID)

        try await Allocations.reserve(db, plan.routing)
        try await OrderRows.insertLines(db, id, plan.addedLines)
        try await OrderRows.saveGrowth(db, plan.grown, lines: plan.grownLines, at: now)
        try await Allocations.record(db, id, plan.allocations, released: plan.order.isReleasable)
        if let cancellation = plan.cancellation { try await takeOff(db, cancellation, of: id, at: now) }
        for hold in plan.holds { try await OrderRows.insertHold(db, id, hold, at: now) }
        try await FulfillmentOrderStore.insert(db, plan.release.opened)
        var changed = plan.order
        try await OrderRows.saveProgress(db, changed, at: now)
        try await Allocations.write(db, plan.release, of: &changed, actor: actor, at: now, events: plan.events)
        // Units that wait now, or no longer, are promised the supply on its way.
        if order.lines.contains(where: { $0.backorderedQuantity > 0 }) || plan.grown.lines.contains(where: { $0.backorderedQuantity > 0 }) {
            try await SupplyStore.settle(db, changed, channel: channel, at: now)
        }
        if plan.cancellation != nil {
            try await settleCancelled(db, &changed, refund: plan.refund, reason: "order change", actor: actor, at: now)
        }
        return changed
    }
}
