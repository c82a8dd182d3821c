import Foundation
import Metrics
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func placeOrder(_ input: Operations.PlaceOrder.Input) async throws -> Operations.PlaceOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let caller = try RequestScope.caller(may: .placeOrder(ChannelID(body.channel)))
        var draft = try OrderDraft(body)
        draft.requestKey = RequestScope.requestKey
        let placement = try await stores.orders.place(draft, actor: Self.actor(caller))
        guard placement.created else { return .ok(.init(body: .json(try await orderBody(placement.order.id)))) }
        Counter(label: "orderly_orders_placed_total", dimensions: [("channel", placement.order.channel.rawValue)]).increment()
        // A new order is answered from what its transaction wrote: nothing refunded yet, and
        // the fulfillment orders it opened are all it has (the tests compare this with a GET).
        let order = Components.Schemas.Order(placement.order, fulfillmentOrders: placement.fulfillmentOrders, promises: placement.promises)
        return .created(.init(body: .json(order)))
    }

    func searchOrders(_ input: Operations.SearchOrders.Input) async throws -> Operations.SearchOrders.Output {
        let principal = try RequestScope.caller()
        let query = input.query
        let filtered =
            query.status != nil || query.customerId != nil || query.sku != nil || query.createdFrom != nil || query.createdTo != nil
            || query.cursor != nil
        switch try principal.orderListing(q: query.q, channel: query.channel.map(ChannelID.init), filtered: filtered) {
        case .counter(let lookup):
            let found = try await stores.orders.lookUp(lookup, limit: query.limit ?? 20)
            return .ok(.init(body: .json(.init(items: found.map(Components.Schemas.OrderSummary.init)))))
        case .browse(let channel):
            let search = OrderStore.Search(
                q: query.q, channel: channel, status: query.status.flatMap { OrderStatus(rawValue: $0.rawValue) },
                customerId: query.customerId.map(CustomerID.init), sku: query.sku.map(SKU.init), createdFrom: query.createdFrom,
                createdTo: query.createdTo)
            let page = try await stores.orders.search(search, after: query.cursor, limit: query.limit)
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.OrderSummary.init), nextCursor: page.nextCursor))))
        }
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let order = try await visibleOrder(input.path.id, for: nil)
        return .ok(.init(body: .json(try await orderBody(order.id))))
    }

    func updateOrder(_ input: Operations.UpdateOrder.Input) async throws -> Operations.UpdateOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
        if let lines = body.lines {
            guard body.shippingAddress == nil, body.tags == nil else {
                throw OrderlyError.invalid("lines", "changes the lines alone: send shippingAddress and tags in a request of their own")
            }
            var v = Validator()
            let changes = lines.enumerated().map { i, line in
                OrderLineChange(
                    line: line.line, quantity: line.quantity, sku: line.sku.map(SKU.init), unitPrice: line.unitPrice,
                    delivery: line.delivery.flatMap { Delivery($0, "lines[\(i)].delivery", into: &v) })
            }
            try v.validate()
            _ = try await stores.orders.change(order.id, lines: changes, reason: body.reason, actor: actorName())
            return .ok(.init(body: .json(try await orderBody(order.id))))
        }
        if body.reason != nil { throw OrderlyError.invalid("reason", "goes with lines") }
        let address = body.shippingAddress.map(ShippingAddressInput.init)
        _ = try await stores.orders.update(
            order.id, shippingAddress: address?.address, coordinates: try address?.coordinates(), tags: body.tags, actor: actorName())
        return .ok(.init(body: .json(try await orderBody(order.id))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
        var lines: [OrderCancellation]? = nil
        var reason: String? = nil
        if case .json(let body) = input.body {
            lines = body.lines.map { $0.map { OrderCancellation(line: $0.line, quantity: $0.quantity) } }
            reason = body.reason
        }
        _ = try await stores.orders.cancel(order.id, lines: lines, reason: reason, actor: actorName())
        return .ok(.init(body: .json(try await orderBody(order.id))))
    }

    func holdOrder(_ input: Operations.HoldOrder.Input) async throws -> Operations.HoldOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
        _ = try await stores.orders.hold(order.id, reason: body.reason, actor: actorName())
        return .created(.init(body: .json(try await orderBody(order.id))))
    }

    func releaseOrderHold(_ input: Operations.ReleaseOrderHold.Input) async throws -> Operations.ReleaseOrderHold.Output {
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
        _ = try await stores.orders.releaseHold(order.id, hold: input.path.hold, actor: actorName())
        return .ok(.init(body: .json(try await orderBody(order.id))))
    }

    func addOrderNote(_ input: Operations.AddOrderNote.Input) async throws -> Operations.AddOrderNote.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
        try await stores.orders.addNote(order.id, text: body.text, actor: actorName())
        return .created(.init(body: .json(try await orderBody(order.id))))
    }

    func getOrderTimeline(_ input: Operations.GetOrderTimeline.Input) async throws -> Operations.GetOrderTimeline.Output {
        let order = try await visibleOrder(input.path.id, for: { .readOrders($0) })
        let page = try await stores.orders.timeline(order.id, after: input.query.after, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: try page.items.map(Components.Schemas.Event.init), nextCursor: page.nextCursor))))
    }

    /// The order if the caller may act on it (nil: only read it); a channel key asking about
    /// another channel's order gets 404.
    func visibleOrder(_ id: String, for action: ((ChannelID) -> Action)?) async throws -> Order {
        let principal = try RequestScope.caller()
        let order = try await stores.orders.get(OrderID(id))
        let read = principal.readingOrder(order.channel)
        try principal.authorize(action?(order.channel) ?? read, on: "Order", id, seenWith: read)
        return order
    }

    func actorName() -> String? { RequestScope.principal.map(Self.actor) }

    func orderBody(_ id: OrderID) async throws -> Components.Schemas.Order {
        let detail = try await stores.orders.detail(id)
        var body = Components.Schemas.Order(detail.order, fulfillmentOrders: detail.fulfillmentOrders, promises: detail.promises)
        body.totals.refundPending = detail.refundPending
        body.totals.refunded = detail.refunded
        return body
    }
}
