import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func createReturn(_ input: Operations.CreateReturn.Input) async throws -> Operations.CreateReturn.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let caller = try RequestScope.caller(may: .handleReturn(LocationID(body.locationId)))
        let order = try await stores.orders.get(OrderID(body.orderId))
        var v = Validator()
        let requests: [(request: ReturnPolicy.Request, condition: Return.Condition?)] = body.lines.enumerated().compactMap { i, line in
            guard let number = orderLine(order, id: line.orderLineId, sku: line.sku, field: "lines[\(i)]", into: &v) else { return nil }
            return ((number, line.quantity, line.reason), line.condition.flatMap { Return.Condition(rawValue: $0.rawValue) })
        }
        try v.validate()
        let method = Return.Method(rawValue: body.method.rawValue) ?? .mail
        let received = try ReturnPolicy.handedOver(requests, method: method)
        let ret = try await stores.returns.create(
            orderId: order.id, locationId: LocationID(body.locationId), method: method, lines: requests.map(\.request),
            exchange: (body.exchange ?? []).map { Exchange.Item(sku: SKU($0.sku), quantity: $0.quantity, unitPrice: $0.unitPrice) },
            received: received, actor: Self.actor(caller))
        return .created(.init(body: .json(.init(ret))))
    }

    func listReturns(_ input: Operations.ListReturns.Input) async throws -> Operations.ListReturns.Output {
        let location = input.query.locationId.map(LocationID.init)
        _ = try RequestScope.caller(may: .readFulfillment(location))
        let page = try await stores.returns.list(
            orderId: input.query.orderId.map(OrderID.init), locationId: location,
            status: input.query.status.flatMap { Return.Status(rawValue: $0.rawValue) },
            after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Return.init), nextCursor: page.nextCursor))))
    }

    func getReturn(_ input: Operations.GetReturn.Input) async throws -> Operations.GetReturn.Output {
        let ret = try await stores.returns.get(ReturnID(input.path.id))
        let principal = try RequestScope.caller()
        try principal.authorize(.readFulfillment(ret.locationId), on: "Return", input.path.id, seenWith: .readFulfillment(ret.locationId))
        return .ok(.init(body: .json(.init(ret))))
    }

    func receiveReturn(_ input: Operations.ReceiveReturn.Input) async throws -> Operations.ReceiveReturn.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let ret = try await stores.returns.get(ReturnID(input.path.id))
        let caller = try RequestScope.caller(may: .handleReturn(ret.locationId))
        let order = try await stores.orders.get(ret.orderId)
        var v = Validator()
        let lines: [ReturnPolicy.Received] = body.lines.enumerated().compactMap { i, line in
            guard let number = orderLine(order, id: line.orderLineId, sku: line.sku, field: "lines[\(i)]", into: &v) else { return nil }
            return (number, line.quantity, Return.Condition(rawValue: line.condition.rawValue) ?? .damaged)
        }
        try v.validate()
        return .ok(.init(body: .json(.init(try await stores.returns.receive(ret.id, lines: lines, actor: Self.actor(caller))))))
    }

    func cancelReturn(_ input: Operations.CancelReturn.Input) async throws -> Operations.CancelReturn.Output {
        let ret = try await stores.returns.get(ReturnID(input.path.id))
        let caller = try RequestScope.caller(may: .handleReturn(ret.locationId))
        return .ok(.init(body: .json(.init(try await stores.returns.cancel(ret.id, actor: Self.actor(caller))))))
    }

    func confirmRefund(_ input: Operations.ConfirmRefund.Input) async throws -> Operations.ConfirmRefund.Output {
        let caller = try RequestScope.caller(may: .confirmRefund)
        return .ok(.init(body: .json(.init(try await stores.returns.confirmRefund(ReturnID(input.path.id), actor: Self.actor(caller))))))
    }

    func refundReturnAtTill(_ input: Operations.RefundReturnAtTill.Input) async throws -> Operations.RefundReturnAtTill.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let principal = try RequestScope.caller()
        let ret = try await stores.returns.get(ReturnID(input.path.id))
        try principal.authorize(.handleReturn(ret.locationId))
        let how: Return.TillRefund =
            switch body.method {
            case .cash: .cash
            case .originalPayment: .originalPayment
            }
        return .ok(.init(body: .json(.init(try await stores.returns.refundAtTill(ret.id, how: how, actor: Self.actor(principal))))))
    }

    /// The order line an API line names (see `OrderLineReference`).
    private func orderLine(_ order: Order, id: String?, sku: String?, field: String, into v: inout Validator) -> Int? {
        OrderLineReference.resolve(
            id: id, sku: sku, order: order.id, lines: order.lines.map { (number: $0.number, sku: $0.sku) }, scope: "order \(order.number)",
            field: field, into: &v)
    }
}

extension Components.Schemas.Return {
    init(_ r: Return) {
        self.init(
            id: r.id.rawValue, orderId: r.orderId.rawValue, locationId: r.locationId.rawValue, method: .init(rawValue: r.method.rawValue) ?? .mail,
            status: .init(rawValue: r.status.rawValue) ?? .requested,
            lines: r.lines.map {
                .init(
                    orderLineId: "\(r.orderId):\($0.orderLine)", sku: $0.sku.rawValue, quantity: $0.quantity, reason: $0.reason,
                    receivedQuantity: $0.receivedQuantity, restockedQuantity: $0.restockedQuantity, damagedQuantity: $0.damagedQuantity,
                    openBoxQuantity: $0.openBoxQuantity)
            },
            refundAmount: r.refundAmount, refundStatus: .init(rawValue: r.refundStatus.rawValue) ?? .pending,
            exchangeOrderId: r.exchangeOrderId?.rawValue, exchangeCredit: r.exchangeOrderId == nil ? nil : r.exchangeCredit,
            exchangeCharge: r.exchangeOrderId == nil ? nil : r.exchangeCharge, currency: r.currency.rawValue,
            createdAt: r.createdAt)
    }
}
