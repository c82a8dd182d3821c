import Foundation
import OrderlyCore
import SQLKit

extension FulfillmentOrderStore {
    /// Moves a fulfillment order by hand to another location (`FulfillmentOrder.moving`
    /// decides): it is cancelled, its reservation given back, and its units reserved at
    /// `target`, where a new fulfillment order opens once the order is released. Refused with
    /// nothing changed when the target cannot take every unit.
    public func move(_ id: FulfillmentOrderID, to target: LocationID, reason: String?, actor: String?) async throws -> FulfillmentOrder {
        if let reason {
            var v = Validator()
            v.text(reason, "reason", max: 500)
            try v.validate()
        }
        let moved = try await Replanning.untilStockSettles {
            try await database.transaction { [time] db in try await Self.move(db, id, to: target, reason: reason, actor: actor, at: time.now) }
        }
        guard let moved else { throw OrderlyError.conflict("Stock kept changing while the fulfillment order moved; retry it") }
        return moved
    }

    private static func move(
        _ db: Transaction, _ id: FulfillmentOrderID, to target: LocationID, reason: String?, actor: String?, at now: Date
    ) async throws -> FulfillmentOrder {
        guard let peek = try await fetch(db, id) else { throw OrderlyError.notFound("Fulfillment order", id) }
        guard let order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true), let fo = try await fetch(db, id, forUpdate: true),
            let channel = try await ChannelStore.fetch(db, order.channel)
        else { throw OrderlyError.notFound("Fulfillment order", id) }
        var stock = try await OrderStore.snapshot(db, channel: channel, skus: fo.lines.map(\.sku), destination: order.coordinates, at: now)
        // The target as it is, also when it is inactive or holds none of these skus.
        if stock.locations[target] == nil { stock.locations[target] = try await LocationStore.fetch(db, target) }
        let plan = try fo.moving(to: target, reason: reason, by: actor, order: order, stock: stock)

        try await saveStatus(db, plan.fulfillmentOrder, at: now)
        try await ReservationStore.unreserve(db, plan.returned.map { ($0.sku, fo.locationId, $0.quantity) })
        for unit in plan.returned {
            try await shrinkAllocation(db, order.id, line: unit.orderLine, location: fo.locationId, type: fo.type, units: unit.quantity)
        }
        var moved = plan.order
        try await Allocations.reserve(db, plan.routing)
        try await Allocations.record(db, order.id, plan.routing.allocations(of: moved))
        try await OrderRows.saveProgress(db, moved, at: now)
        for event in plan.events { try EventLog.append(db, event, actor: actor, at: now) }
        try await Allocations.release(db, &moved, actor: actor, at: now)
        return plan.fulfillmentOrder
    }
}

extension FulfillmentOrderStore {
    /// Splits units off into a new fulfillment order at the same location
    /// (`FulfillmentOrder.splitting` decides); the allocations stay as they are.
    public func split(_ id: FulfillmentOrderID, units: [(orderLine: Int, quantity: Int64)], actor: String?) async throws -> [FulfillmentOrder] {
        try await database.transaction { [time] db in
            let (_, fo) = try await Self.lockedWork(db, id)
            let plan = try fo.splitting(units, newID: Allocations.newFulfillmentOrderID(), at: time.now)
            try await Self.write(db, plan, actor: actor, at: time.now)
            return plan.fulfillmentOrders
        }
    }

    /// Takes `other`'s units into `id` (`FulfillmentOrder.merging` decides); `other` is cancelled.
    public func merge(_ id: FulfillmentOrderID, absorbing other: FulfillmentOrderID, actor: String?) async throws -> FulfillmentOrder {
        try await database.transaction { [time] db in
            let (_, fo) = try await Self.lockedWork(db, id)
            guard let absorbed = try await Self.fetch(db, other, forUpdate: true) else {
                throw OrderlyError.invalid("fulfillmentOrderId", "fulfillment order '\(other)' does not exist")
            }
            let plan = try fo.merging(absorbed)
            try await Self.write(db, plan, actor: actor, at: time.now)
            return plan.fulfillmentOrders[0]
        }
    }

    /// The fulfillment order with its order locked first (the order's changes take that lock),
    /// then itself.
    private static func lockedWork(_ db: Transaction, _ id: FulfillmentOrderID) async throws -> (Order, FulfillmentOrder) {
        guard let peek = try await fetch(db, id) else { throw OrderlyError.notFound("Fulfillment order", id) }
        guard let order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true), let fo = try await fetch(db, id, forUpdate: true) else {
            throw OrderlyError.notFound("Fulfillment order", id)
        }
        return (order, fo)
    }

    /// Writes each fulfillment order's lines and status as the plan leaves them, the one a
    /// split opens, and the events.
    private static func write(_ db: Transaction, _ plan: RegroupPlan, actor: String?, at now: Date) async throws {
        if let opened = plan.opened { try await insert(db, [opened]) }
        for fo in plan.fulfillmentOrders where fo.id != plan.opened?.id {
            for line in fo.lines {
                try await db.raw(
                    """
                    INSERT INTO fulfillment_order_lines (fulfillment_order_id, order_line_no, sku, quantity, fulfilled_quantity)
                    VALUES (\(bind: fo.id.rawValue), \(bind: Int64(line.orderLine)), \(bind: line.sku.rawValue), \(bind: line.quantity), \(bind: line.fulfilledQuantity))
                    ON CONFLICT (fulfillment_order_id, order_line_no) DO UPDATE SET quantity = excluded.quantity
                    """
                ).run()
            }
            try await saveStatus(db, fo, at: now)
        }
        for event in plan.events { try EventLog.append(db, event, actor: actor, at: now) }
    }
}
