import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listSupply(_ input: Operations.ListSupply.Input) async throws -> Operations.ListSupply.Output {
        let location = input.query.locationId.map(LocationID.init)
        _ = try RequestScope.caller(may: .readInventory(location))
        let page = try await stores.supply.list(
            locationId: location, status: input.query.status.flatMap { Supply.Status(rawValue: $0.rawValue) },
            after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Supply.init), nextCursor: page.nextCursor))))
    }

    func createSupply(_ input: Operations.CreateSupply.Input) async throws -> Operations.CreateSupply.Output {
        let caller = try RequestScope.caller(may: .manageSupply)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let supply = Supply(
            id: SupplyID(body.id), locationId: LocationID(body.locationId), expectedAt: body.expectedAt,
            lines: body.lines.map { Supply.Line(sku: SKU($0.sku), quantity: $0.quantity) })
        return .created(.init(body: .json(.init(try await stores.supply.create(supply, actor: Self.actor(caller))))))
    }

    func getSupply(_ input: Operations.GetSupply.Input) async throws -> Operations.GetSupply.Output {
        let supply = try await stores.supply.get(SupplyID(input.path.id))
        _ = try RequestScope.caller(may: .readInventory(supply.locationId))
        return .ok(.init(body: .json(.init(supply))))
    }

    func receiveSupply(_ input: Operations.ReceiveSupply.Input) async throws -> Operations.ReceiveSupply.Output {
        let caller = try RequestScope.caller(may: .manageSupply)
        var lines: [(sku: SKU, quantity: Int64)]? = nil
        if case .json(let body) = input.body, let requested = body.lines {
            lines = requested.map { (SKU($0.sku), $0.quantity) }
        }
        let supply = try await stores.supply.receive(SupplyID(input.path.id), lines: lines, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(supply))))
    }
}

extension OrderlyAPIService {
    func cancelSupply(_ input: Operations.CancelSupply.Input) async throws -> Operations.CancelSupply.Output {
        let caller = try RequestScope.caller(may: .manageSupply)
        return .ok(.init(body: .json(.init(try await stores.supply.cancel(SupplyID(input.path.id), actor: Self.actor(caller))))))
    }
}

extension Components.Schemas.Supply {
    init(_ s: Supply) {
        self.init(
            id: s.id.rawValue, locationId: s.locationId.rawValue, expectedAt: s.expectedAt, status: .init(rawValue: s.status.rawValue) ?? .open,
            lines: s.lines.map { .init(sku: $0.sku.rawValue, quantity: $0.quantity, receivedQuantity: $0.receivedQuantity) })
    }
}
