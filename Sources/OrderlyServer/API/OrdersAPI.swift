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
        let placement = try await stores.orders.place(try OrderDraft(body), actor: Self.actor(caller))
        guard placement.created else { return .ok(.init(body: .json(try await orderBody(placement.order.id)))) }
        Counter(label: "orderly_orders_placed_total", dimensions: [("channel", placement.order.channel.rawValue)]).increment()
        // A new order is answered from what its transaction wrote: nothing refunded yet, and
        // the fulfillment orders it opened are all it has (the tests compare this with a GET).
        let order = Components.Schemas.Order(placement.order, fulfillmentOrders: placement.fulfillmentOrders)
        return .created(.init(body: .json(order)))
    }

    func searchOrders(_ input: Operations.SearchOrders.Input) async throws -> Operations.SearchOrders.Output {
        let principal = try RequestScope.caller()
        // A channel key searches its own channel's orders only.
        let channel = input.query.channel.map(ChannelID.init) ?? (principal.role == .channel ? principal.channel : nil)
        try principal.authorize(.readOrders(channel))
        let search = OrderStore.Search(
            q: input.query.q, channel: channel, status: input.query.status.flatMap { OrderStatus(rawValue: $0.rawValue) },
            customerId: input.query.customerId.map(CustomerID.init), sku: input.query.sku.map(SKU.init),
            createdFrom: input.query.createdFrom, createdTo: input.query.createdTo)
        let page = try await stores.orders.search(search, after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.OrderSummary.init), nextCursor: page.nextCursor))))
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let order = try await visibleOrder(input.path.id, for: { .readOrders($0) })
        return .ok(.init(body: .json(try await orderBody(order.id))))
    }

    func updateOrder(_ input: Operations.UpdateOrder.Input) async throws -> Operations.UpdateOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id, for: { .changeOrder($0) })
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

    /// The order if the caller may act on it; a channel key asking about another channel's order gets 404.
    private func visibleOrder(_ id: String, for action: (ChannelID) -> Action) async throws -> Order {
        let principal = try RequestScope.caller()
        let order = try await stores.orders.get(OrderID(id))
        try principal.authorize(action(order.channel), on: "Order", id, seenWith: .readOrders(order.channel))
        return order
    }

    private func actorName() -> String? { RequestScope.principal.map(Self.actor) }

    private func orderBody(_ id: OrderID) async throws -> Components.Schemas.Order {
        let detail = try await stores.orders.detail(id)
        var body = Components.Schemas.Order(detail.order, fulfillmentOrders: detail.fulfillmentOrders)
        body.totals.refundPending = detail.refundPending
        body.totals.refunded = detail.refunded
        return body
    }
}

/// A shipping address as the API carries it: the postal fields plus optional coordinates.
struct ShippingAddressInput {
    var address: Address
    var latitude: Double?
    var longitude: Double?

    init(_ a: Components.Schemas.ShippingAddress) {
        address = Address(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country,
            phone: a.phone)
        latitude = a.latitude
        longitude = a.longitude
    }

    func coordinates() throws(OrderlyError) -> Coordinates? {
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): return Coordinates(latitude: latitude, longitude: longitude)
        case (nil, nil): return nil
        default: throw OrderlyError.invalid("shippingAddress.latitude", "latitude and longitude go together")
        }
    }
}

extension Components.Schemas.ShippingAddress {
    init(_ a: Address, coordinates: Coordinates?) {
        self.init(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country,
            phone: a.phone, latitude: coordinates?.latitude, longitude: coordinates?.longitude)
    }
}

extension OrderDraft {
    init(_ body: Components.Schemas.OrderInput) throws(OrderlyError) {
        let address = body.shippingAddress.map(ShippingAddressInput.init)
        var v = Validator()
        let lines = body.lines.enumerated().map { i, line -> OrderDraft.Line in
            var delivery = Delivery.ship
            if let d = line.delivery {
                switch d.method {
                case .ship:
                    v.check(d.locationId == nil, "lines[\(i)].delivery.locationId", "is only for pickup and carryOut")
                case .pickup, .carryOut:
                    if let location = d.locationId.map(LocationID.init) {
                        delivery = d.method == .pickup ? .pickup(location) : .carryOut(location)
                    } else {
                        v.add("lines[\(i)].delivery.locationId", "is required for \(d.method.rawValue)")
                    }
                }
            }
            return OrderDraft.Line(sku: SKU(line.sku), quantity: line.quantity, unitPrice: line.unitPrice, delivery: delivery)
        }
        try v.validate()
        self.init(
            channel: ChannelID(body.channel), externalId: body.externalId,
            customer: CustomerDetails(email: body.customer?.email, name: body.customer?.name, phone: body.customer?.phone),
            currency: CurrencyCode(body.currency), shippingAddress: address?.address, coordinates: try address?.coordinates(), lines: lines,
            shippingPrice: body.shippingPrice ?? 0, discount: body.discount ?? 0, tags: body.tags ?? [], note: body.note,
            reservationId: body.reservationId.map(ReservationID.init))
    }
}

extension Components.Schemas.Order {
    init(_ o: Order, fulfillmentOrders: [FulfillmentOrder]) {
        self.init(
            id: o.id.rawValue, number: o.number, channel: o.channel.rawValue, externalId: o.externalId,
            status: .init(rawValue: o.status.rawValue) ?? .processing, customerId: o.customerId.rawValue, currency: o.currency.rawValue,
            totals: .init(
                subtotal: o.totals.subtotal, shipping: o.totals.shipping, discount: o.totals.discount, total: o.totals.total, refundPending: 0,
                refunded: 0),
            shippingAddress: o.shippingAddress.map { Components.Schemas.ShippingAddress($0, coordinates: o.coordinates) },
            holds: o.holds.map { .init(id: $0.id, reason: $0.reason, source: .init(rawValue: $0.source.rawValue) ?? .manual) },
            tags: o.tags,
            lines: o.lines.map { line in
                .init(
                    id: "\(o.id):\(line.number)", number: line.number, sku: line.sku.rawValue, quantity: line.quantity, unitPrice: line.unitPrice,
                    delivery: .init(line.delivery),
                    allocatedQuantity: line.allocatedQuantity, backorderedQuantity: line.backorderedQuantity,
                    fulfilledQuantity: line.fulfilledQuantity,
                    cancelledQuantity: line.cancelledQuantity, returnedQuantity: line.returnedQuantity)
            },
            fulfillmentOrders: fulfillmentOrders.map(Components.Schemas.FulfillmentOrder.init), createdAt: o.createdAt)
    }
}

extension Components.Schemas.OrderSummary {
    init(_ s: OrderSummary) {
        self.init(
            id: s.id.rawValue, number: s.number, channel: s.channel.rawValue, externalId: s.externalId,
            status: .init(rawValue: s.status.rawValue) ?? .processing, currency: s.currency.rawValue, total: s.total, createdAt: s.createdAt)
    }
}

extension Components.Schemas.FulfillmentOrder {
    init(_ f: FulfillmentOrder) {
        self.init(
            id: f.id.rawValue, orderId: f.orderId.rawValue, locationId: f.locationId.rawValue, _type: .init(rawValue: f.type.rawValue) ?? .ship,
            status: .init(rawValue: f.status.rawValue) ?? .open,
            lines: f.lines.map {
                .init(
                    orderLineId: "\(f.orderId):\($0.orderLine)", sku: $0.sku.rawValue, quantity: $0.quantity, fulfilledQuantity: $0.fulfilledQuantity)
            },
            pickupCode: f.pickupCode, rejectionReason: f.rejectionReason?.rawValue,
            shipments: f.shipments.map { shipment in
                .init(
                    id: shipment.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, createdAt: shipment.createdAt,
                    deliveredAt: shipment.deliveredAt,
                    lines: shipment.lines.map { .init(orderLineId: "\(f.orderId):\($0.orderLine)", sku: $0.sku.rawValue, quantity: $0.quantity) })
            },
            createdAt: f.createdAt)
    }
}

extension Components.Schemas.Event {
    init(_ event: StoredEvent) throws {
        self.init(
            id: event.id, _type: event.type, at: event.at, subject: event.subject, actor: event.actor,
            data: try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(event.data.utf8)))
    }
}

extension Components.Schemas.Delivery {
    init(_ delivery: Delivery) {
        switch delivery {
        case .ship: self.init(method: .ship)
        case .pickup(let store): self.init(method: .pickup, locationId: store.rawValue)
        case .carryOut(let store): self.init(method: .carryOut, locationId: store.rawValue)
        }
    }
}
