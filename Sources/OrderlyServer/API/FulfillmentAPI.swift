import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listFulfillmentOrders(_ input: Operations.ListFulfillmentOrders.Input) async throws -> Operations.ListFulfillmentOrders.Output {
        let scope = try RequestScope.caller().fulfillmentListing(input.query.locationId.map(LocationID.init))
        let page = try await stores.fulfillmentOrders.list(
            orderId: input.query.orderId.map(OrderID.init), locationId: nil, locationIds: scope,
            status: input.query.status.flatMap { FulfillmentOrder.Status(rawValue: $0.rawValue) }, after: input.query.cursor,
            limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.FulfillmentOrder.init), nextCursor: page.nextCursor))))
    }

    func getFulfillmentOrder(_ input: Operations.GetFulfillmentOrder.Input) async throws -> Operations.GetFulfillmentOrder.Output {
        let fo = try await stores.fulfillmentOrders.get(FulfillmentOrderID(input.path.id))
        let principal = try RequestScope.caller()
        try principal.authorize(.readFulfillment(fo.locationId), on: "Fulfillment order", input.path.id, seenWith: .readFulfillment(fo.locationId))
        return .ok(.init(body: .json(.init(fo))))
    }

    func acceptFulfillmentOrder(_ input: Operations.AcceptFulfillmentOrder.Input) async throws -> Operations.AcceptFulfillmentOrder.Output {
        let (id, caller) = try await fulfiller(input.path.id)
        return .ok(.init(body: .json(.init(try await stores.fulfillmentOrders.accept(id, actor: Self.actor(caller))))))
    }

    func rejectFulfillmentOrder(_ input: Operations.RejectFulfillmentOrder.Input) async throws -> Operations.RejectFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let (id, caller) = try await fulfiller(input.path.id)
        let reason = FulfillmentOrder.RejectionReason(rawValue: body.reason.rawValue) ?? .other
        let fo = try await stores.fulfillmentOrders.reject(id, reason: reason, note: body.note, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(fo))))
    }

    func moveFulfillmentOrder(_ input: Operations.MoveFulfillmentOrder.Input) async throws -> Operations.MoveFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let fo = try await stores.fulfillmentOrders.get(FulfillmentOrderID(input.path.id))
        // Moving work between locations changes the order: its channel, service and admin.
        _ = try await visibleOrder(fo.orderId.rawValue, for: { .changeOrder($0) })
        let moved = try await stores.fulfillmentOrders.move(fo.id, to: LocationID(body.locationId), reason: body.reason, actor: actorName())
        return .ok(.init(body: .json(.init(moved))))
    }

    func splitFulfillmentOrder(_ input: Operations.SplitFulfillmentOrder.Input) async throws -> Operations.SplitFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let id = try await regrouper(input.path.id)
        let units = try await units(of: id, body.lines.map { ($0.orderLineId, $0.sku, $0.quantity) })
        let fos = try await stores.fulfillmentOrders.split(id, units: units, actor: actorName())
        return .created(.init(body: .json(.init(items: fos.map(Components.Schemas.FulfillmentOrder.init)))))
    }

    func mergeFulfillmentOrder(_ input: Operations.MergeFulfillmentOrder.Input) async throws -> Operations.MergeFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let id = try await regrouper(input.path.id)
        let fo = try await stores.fulfillmentOrders.merge(id, absorbing: FulfillmentOrderID(body.fulfillmentOrderId), actor: actorName())
        return .ok(.init(body: .json(.init(fo))))
    }

    /// Who may regroup work at a location: the location itself (its fulfil permission), or
    /// whoever may change the order (its channel, service, admin).
    private func regrouper(_ id: String) async throws -> FulfillmentOrderID {
        let principal = try RequestScope.caller()
        let fo = try await stores.fulfillmentOrders.get(FulfillmentOrderID(id))
        if !principal.may(.fulfil(fo.locationId)) { _ = try await visibleOrder(fo.orderId.rawValue, for: { .changeOrder($0) }) }
        return fo.id
    }

    func shipFulfillmentOrder(_ input: Operations.ShipFulfillmentOrder.Input) async throws -> Operations.ShipFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let (id, caller) = try await fulfiller(input.path.id)
        let lines = try await units(of: id, body.lines.map { ($0.orderLineId, $0.sku, $0.quantity) })
        let fo = try await stores.fulfillmentOrders.ship(
            id, lines: lines, carrier: body.carrier, trackingNumber: body.trackingNumber, actor: Self.actor(caller))
        return .created(.init(body: .json(.init(fo))))
    }

    func readyForPickup(_ input: Operations.ReadyForPickup.Input) async throws -> Operations.ReadyForPickup.Output {
        let (id, caller) = try await fulfiller(input.path.id)
        return .ok(.init(body: .json(.init(try await stores.fulfillmentOrders.readyForPickup(id, actor: Self.actor(caller))))))
    }

    func pickUpFulfillmentOrder(_ input: Operations.PickUpFulfillmentOrder.Input) async throws -> Operations.PickUpFulfillmentOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let (id, caller) = try await fulfiller(input.path.id)
        var taking: [(orderLine: Int, quantity: Int64)]?
        if let lines = body.lines { taking = try await units(of: id, lines.map { ($0.orderLineId, $0.sku, $0.quantity) }) }
        let fo = try await stores.fulfillmentOrders.pickUp(id, code: body.pickupCode, taking: taking, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(fo))))
    }

    /// Units of a fulfillment order's lines as an API body names them (`orderLineId` or a sku
    /// on one line only, `OrderLineReference`), each unresolved one refused as `lines[i]`.
    private func units(
        of id: FulfillmentOrderID, _ named: [(orderLineId: String?, sku: String?, quantity: Int64)]
    ) async throws -> [(orderLine: Int, quantity: Int64)] {
        let current = try await stores.fulfillmentOrders.get(id)
        var v = Validator()
        let candidates = current.lines.map { (number: $0.orderLine, sku: $0.sku) }
        let units: [(orderLine: Int, quantity: Int64)] = named.enumerated().compactMap { i, line in
            OrderLineReference.resolve(
                id: line.orderLineId, sku: line.sku, order: current.orderId, lines: candidates, scope: "fulfillment order \(current.id)",
                field: "lines[\(i)]", into: &v
            ).map { ($0, line.quantity) }
        }
        try v.validate()
        return units
    }

    func getPickList(_ input: Operations.GetPickList.Input) async throws -> Operations.GetPickList.Output {
        let location = LocationID(input.path.id)
        _ = try RequestScope.caller(may: .readFulfillment(location))
        let items = try await stores.fulfillmentOrders.pickList(location)
        return .ok(
            .init(
                body: .json(
                    .init(
                        locationId: location.rawValue,
                        items: items.map { item in
                            .init(
                                sku: item.sku.rawValue, quantity: item.quantity,
                                orders: item.orders.map {
                                    .init(
                                        orderId: $0.orderId.rawValue, orderNumber: $0.orderNumber, fulfillmentOrderId: $0.fulfillmentOrderId.rawValue,
                                        _type: .init(rawValue: $0.type.rawValue) ?? .ship, quantity: $0.quantity)
                                })
                        }))))
    }

    func confirmDelivery(_ input: Operations.ConfirmDelivery.Input) async throws -> Operations.ConfirmDelivery.Output {
        let (id, caller) = try await fulfiller(input.path.id)
        return .ok(
            .init(
                body: .json(.init(try await stores.fulfillmentOrders.confirmDelivery(id, shipment: input.path.shipmentId, actor: Self.actor(caller))))
            ))
    }

    func getPackingSlip(_ input: Operations.GetPackingSlip.Input) async throws -> Operations.GetPackingSlip.Output {
        let fo = try await stores.fulfillmentOrders.get(FulfillmentOrderID(input.path.id))
        let principal = try RequestScope.caller()
        try principal.authorize(.readFulfillment(fo.locationId), on: "Fulfillment order", input.path.id, seenWith: .readFulfillment(fo.locationId))
        let slip = try await stores.fulfillmentOrders.packingSlip(fo.id)
        let order = slip.order
        let address = order.shippingAddress.map { Components.Schemas.ShippingAddress($0, coordinates: order.coordinates) }
        return .ok(
            .init(
                body: .json(
                    .init(
                        fulfillmentOrderId: fo.id.rawValue, orderId: order.id.rawValue, orderNumber: order.number, channel: order.channel.rawValue,
                        locationId: fo.locationId.rawValue, _type: .init(rawValue: fo.type.rawValue) ?? .ship, customerName: slip.customerName,
                        shipTo: fo.type == .ship || fo.type == .dropship ? address : nil, pickupCode: slip.fulfillmentOrder.pickupCode,
                        lines: slip.fulfillmentOrder.lines.filter { $0.quantity > 0 }.map {
                            .init(
                                orderLineId: "\(order.id):\($0.orderLine)", sku: $0.sku.rawValue, name: slip.names[$0.sku] ?? $0.sku.rawValue,
                                quantity: $0.quantity)
                        }))))
    }

    /// The fulfillment order, if the caller may work on it; a store key for another location gets 404.
    private func fulfiller(_ id: String) async throws -> (FulfillmentOrderID, Principal) {
        let principal = try RequestScope.caller()
        let fo = try await stores.fulfillmentOrders.get(FulfillmentOrderID(id))
        try principal.authorize(.fulfil(fo.locationId), on: "Fulfillment order", id, seenWith: .readFulfillment(fo.locationId))
        return (fo.id, principal)
    }
}
