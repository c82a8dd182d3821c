import Foundation
import OrderlyCore
import SQLKit

extension OrderStore {
    /// Cancels the given lines (or the whole order), releasing exactly the cancelled units'
    /// reservations: waiting (backordered) units first, then allocated ones. Refused once
    /// nothing is left to cancel.
    public func cancel(_ id: OrderID, lines requested: [OrderCancellation]?, reason: String?, actor: String?) async throws -> Order {
        let now = time.now
        return try await database.transaction { db in
            guard let order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            return try await Self.cancel(db, order, lines: requested, reason: reason, actor: actor, at: now)
        }
    }

    /// Cancels inside the caller's transaction, which has `order` locked; `within` one
    /// fulfillment order, only its units (a pickup's units the customer declined).
    static func cancel(
        _ db: Transaction, _ order: Order, lines requested: [OrderCancellation]?, reason: String?, actor: String?, at now: Date,
        within fo: FulfillmentOrder? = nil
    ) async throws -> Order {
        let id = order.id
        var allocations = try await Allocations.states(db, id)
        var fulfillment = try await FulfillmentOrderStore.openLines(db, id)
        if let fo {
            allocations = allocations.filter { $0.location == fo.locationId && $0.type == fo.type }
            fulfillment = fulfillment.filter { $0.fulfillmentOrder == fo.id }
        }
        let plan = try order.cancelling(requested, reason: reason, allocations: allocations, fulfillment: fulfillment)
        try await takeOff(db, plan, of: id, at: now)
        try await OrderRows.saveProgress(db, plan.order, at: now)
        // Units that stopped waiting give back the supply promised to them.
        if order.lines.contains(where: { $0.backorderedQuantity > 0 }), let channel = try await ChannelStore.fetch(db, order.channel) {
            try await SupplyStore.settle(db, plan.order, channel: channel, at: now)
        }
        try EventLog.append(db, plan.event, actor: actor, at: now)
        var cancelled = plan.order
        try await settleCancelled(
            db, &cancelled, refund: RefundRequest.forCancellation(before: order, after: cancelled), reason: "cancellation", actor: actor, at: now)
        return cancelled
    }

    /// Takes the cancelled units off allocations and fulfillment orders and gives their stock back.
    static func takeOff(_ db: Transaction, _ plan: CancellationPlan, of id: OrderID, at now: Date) async throws {
        try await Allocations.shrink(db, id, plan.allocations.map { ($0.line, $0.location, $0.type, $0.quantity, $0.released) })
        try await FulfillmentOrderStore.shrink(db, plan.fulfillmentLines, cancelling: plan.cancelledFulfillmentOrders, at: now)
        try await ReservationStore.unreserve(db, plan.unreserve)
    }

    /// The money side of cancelled units: what they paid goes back (`refund`, as far as it was
    /// captured beyond what is still owed), and an order its channel invoices whole is invoiced
    /// once what was left to fulfil is cancelled.
    static func settleCancelled(_ db: Transaction, _ order: inout Order, refund: Int64, reason: String, actor: String?, at now: Date) async throws {
        try await PaymentStore.requestRefund(db, &order, amount: refund, reason: reason, actor: actor, at: now)
        if order.hasFulfilment, try await ChannelStore.fetch(db, order.channel)?.payments.invoicing == .perOrder {
            try await InvoiceStore.issueForOrder(db, order, actor: actor, at: now)
        }
    }

    /// Takes `hold` off the order inside the caller's transaction (the order locked); when it
    /// was the last, allocated units go to fulfilment.
    static func lift(_ db: Transaction, _ hold: Hold, from order: inout Order, actor: String?, at now: Date) async throws {
        try await db.raw("DELETE FROM order_holds WHERE order_id = \(bind: order.id.rawValue) AND hold_id = \(bind: hold.id)").run()
        order.holds.removeAll { $0.id == hold.id }
        try await OrderRows.saveStatus(db, order, at: now)
        try EventLog.append(db, .orderReleased(order.id, hold, remaining: order.holds.count), actor: actor, at: now)
        try await Allocations.release(db, &order, actor: actor, at: now)
    }

    /// Puts the order on hold (it keeps its stock; nothing new is released to fulfilment).
    public func hold(_ id: OrderID, reason: String, actor: String?) async throws -> (order: Order, hold: Hold) {
        var v = Validator()
        v.text(reason, "reason", max: 500)
        try v.validate()
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            guard [.processing, .awaitingPayment, .awaitingStock, .onHold, .partiallyFulfilled].contains(order.status) else {
                throw OrderlyError.conflict("Order \(order.number) is \(order.status.rawValue) and cannot be held")
            }
            let hold = Hold(id: "hold_" + Token.random(bytes: 6), reason: reason, source: .manual)
            try await OrderRows.insertHold(db, id, hold, at: now)
            order.holds.append(hold)
            try await OrderRows.saveStatus(db, order, at: now)
            try EventLog.append(db, .orderHeld(id, hold), actor: actor, at: now)
            return (order, hold)
        }
    }

    /// Releases one hold; when it was the last, allocated units go to fulfilment.
    public func releaseHold(_ id: OrderID, hold holdId: String, actor: String?) async throws -> Order {
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            guard let hold = order.holds.first(where: { $0.id == holdId }) else { throw OrderlyError.notFound("Hold", holdId) }
            try await Self.lift(db, hold, from: &order, actor: actor, at: now)
            return order
        }
    }

    /// Adds a note to the order's timeline.
    public func addNote(_ id: OrderID, text: String, actor: String?) async throws {
        var v = Validator()
        v.text(text, "text", max: 2000)
        try v.validate()
        let now = time.now
        try await database.transaction { db in
            guard try await OrderRows.fetch(db, id) != nil else { throw OrderlyError.notFound("Order", id) }
            try EventLog.append(db, .orderNoteAdded(id, text: text), actor: actor, at: now)
        }
    }

    /// Changes the shipping address and/or tags; the address only before anything shipped.
    public func update(_ id: OrderID, shippingAddress: Address?, coordinates: Coordinates?, tags: [String]?, actor: String?) async throws -> Order {
        var v = Validator()
        if let shippingAddress {
            shippingAddress.validateShipping(into: &v)
        }
        if let tags { v.tags(tags, "tags") }
        try v.validate()
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            var changes: [String] = []
            if let shippingAddress {
                guard !order.hasFulfilment, order.status != .cancelled else {
                    throw OrderlyError.conflict("Order \(order.number) is \(order.status.rawValue); its address can no longer change")
                }
                order.shippingAddress = shippingAddress
                order.coordinates = coordinates ?? order.coordinates
                changes.append("shippingAddress")
            }
            if let tags {
                order.tags = tags
                changes.append("tags")
            }
            try await db.raw(
                """
                UPDATE orders SET shipping_address = \(bind: try order.shippingAddress.map(StoredJSON.encode)),
                    latitude = \(bind: order.coordinates?.latitude), longitude = \(bind: order.coordinates?.longitude),
                    tags = \(bind: try StoredJSON.encode(order.tags)), updated_at = \(bind: now.stored)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try EventLog.append(db, .orderUpdated(id, changed: changes), actor: actor, at: now)
            return order
        }
    }
}
