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
