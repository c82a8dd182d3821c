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
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            let targets = try order.cancellationTargets(requested)
            guard targets.contains(where: { $0.quantity > 0 }) else {
                throw OrderlyError.conflict("Order \(order.number) has nothing left to cancel (status \(order.status.rawValue))")
            }
            var cancelled: [[String: Int64]] = []
            for target in targets where target.quantity > 0 {
                guard let index = order.lines.firstIndex(where: { $0.number == target.line }) else { continue }
                var units = target.quantity
                let fromWaiting = min(units, order.lines[index].backorderedQuantity)
                order.lines[index].backorderedQuantity -= fromWaiting
                units -= fromWaiting
                if units > 0 {
                    let freed = try await Self.releaseAllocations(db, order.id, line: order.lines[index].number, sku: order.lines[index].sku, units: units, at: now)
                    order.lines[index].allocatedQuantity -= freed
                }
                order.lines[index].cancelledQuantity += target.quantity
                cancelled.append(["line": Int64(target.line), "quantity": target.quantity])
            }
            try await OrderRows.saveProgress(db, order, at: now)
            try await EventLog.append(
                db, .orderCancelled(order, lines: cancelled.map { .init(line: Int($0["line"] ?? 0), quantity: $0["quantity"] ?? 0) }, reason: reason),
                actor: actor, at: now)
            return order
        }
    }

    /// Gives back `units` of a line's allocations (unreleased units first, then those in open
    /// fulfillment orders), shrinking those fulfillment orders. Returns the units freed.
    static func releaseAllocations(_ db: any SQLDatabase, _ order: OrderID, line: Int, sku: SKU, units: Int64, at now: Date) async throws -> Int64 {
        let rows = try await db.raw(
            """
            SELECT location_id, type, quantity, released FROM order_allocations
            WHERE order_id = \(bind: order.rawValue) AND line_no = \(bind: Int64(line)) AND quantity > 0
            ORDER BY (quantity - released) DESC, location_id
            """
        ).all()
        var left = units
        var gives: [(sku: SKU, locationId: LocationID, quantity: Int64)] = []
        for row in rows where left > 0 {
            let location = LocationID(try row.string("location_id"))
            let type = try row.string("type")
            let quantity = try row.int64("quantity")
            let released = try row.int64("released")
            let take = min(left, quantity)
            let fromReleased = max(0, take - (quantity - released))
            try await db.raw(
                """
                UPDATE order_allocations SET quantity = quantity - \(bind: take), released = released - \(bind: fromReleased)
                WHERE order_id = \(bind: order.rawValue) AND line_no = \(bind: Int64(line)) AND location_id = \(bind: location.rawValue) AND type = \(bind: type)
                """
            ).run()
            if fromReleased > 0 {
                try await shrinkFulfillment(db, order, line: line, location: location, type: type, units: fromReleased, at: now)
            }
            gives.append((sku, location, take))
            left -= take
        }
        try await ReservationStore.unreserve(db, gives)
        return units - left
    }

    /// Takes units of a line out of its open fulfillment orders at a location; one left empty is cancelled.
    static func shrinkFulfillment(_ db: any SQLDatabase, _ order: OrderID, line: Int, location: LocationID, type: String, units: Int64, at now: Date) async throws {
        let rows = try await db.raw(
            """
            SELECT fl.fulfillment_order_id, fl.quantity - fl.fulfilled_quantity AS open FROM fulfillment_order_lines fl
            JOIN fulfillment_orders f ON f.id = fl.fulfillment_order_id
            WHERE f.order_id = \(bind: order.rawValue) AND f.location_id = \(bind: location.rawValue) AND f.type = \(bind: type)
                AND fl.order_line_no = \(bind: Int64(line)) AND f.status IN ('open', 'accepted', 'partially_shipped', 'ready_for_pickup')
            ORDER BY f.created_at DESC
            """
        ).all()
        var left = units
        for row in rows where left > 0 {
            let fo = try row.string("fulfillment_order_id")
            let take = min(left, try row.int64("open"))
            guard take > 0 else { continue }
            try await db.raw(
                """
                UPDATE fulfillment_order_lines SET quantity = quantity - \(bind: take)
                WHERE fulfillment_order_id = \(bind: fo) AND order_line_no = \(bind: Int64(line))
                """
            ).run()
            left -= take
            let remaining = try await db.raw(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM fulfillment_order_lines WHERE fulfillment_order_id = \(bind: fo)"
            ).first()
            if try remaining?.int64("n") == 0 {
                try await db.raw("UPDATE fulfillment_orders SET status = 'cancelled', updated_at = \(bind: now.stored) WHERE id = \(bind: fo)").run()
            }
        }
    }

    /// Puts the order on hold (it keeps its stock; nothing new is released to fulfilment).
    public func hold(_ id: OrderID, reason: String, actor: String?) async throws -> (order: Order, hold: Hold) {
        var v = Validator()
        v.text(reason, "reason", max: 500)
        try v.validate()
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            guard [.processing, .awaitingStock, .onHold, .partiallyFulfilled].contains(order.status) else {
                throw OrderlyError.conflict("Order \(order.number) is \(order.status.rawValue) and cannot be held")
            }
            let hold = Hold(id: "hold_" + Token.random(bytes: 6), reason: reason, source: .manual)
            try await OrderRows.insertHold(db, id, hold, at: now)
            order.holds.append(hold)
            try await OrderRows.saveStatus(db, order, at: now)
            try await EventLog.append(db, .orderHeld(id, hold), actor: actor, at: now)
            return (order, hold)
        }
    }

    /// Releases one hold; when it was the last, allocated units go to fulfilment.
    public func releaseHold(_ id: OrderID, hold holdId: String, actor: String?) async throws -> Order {
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            guard let hold = order.holds.first(where: { $0.id == holdId }) else { throw OrderlyError.notFound("Hold", holdId) }
            try await db.raw("DELETE FROM order_holds WHERE order_id = \(bind: id.rawValue) AND hold_id = \(bind: holdId)").run()
            order.holds.removeAll { $0.id == holdId }
            try await OrderRows.saveStatus(db, order, at: now)
            try await EventLog.append(db, .orderReleased(id, hold, remaining: order.holds.count), actor: actor, at: now)
            try await Allocations.release(db, &order, actor: actor, at: now)
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
            try await EventLog.append(db, .orderNoteAdded(id, text: text), actor: actor, at: now)
        }
    }

    /// Changes the shipping address and/or tags; the address only before anything shipped.
    public func update(_ id: OrderID, shippingAddress: Address?, coordinates: Coordinates?, tags: [String]?, actor: String?) async throws -> Order {
        var v = Validator()
        if let shippingAddress {
            shippingAddress.validateShipping(into: &v)
        }
        if let tags {
            v.check(tags.count <= 50, "tags", "may hold at most 50 tags")
            for (i, tag) in tags.enumerated() { v.check(!tag.isEmpty && tag.count <= 100, "tags[\(i)]", "must be 1 to 100 characters") }
        }
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
            try await EventLog.append(db, .orderUpdated(id, changed: changes), actor: actor, at: now)
            return order
        }
    }
}

