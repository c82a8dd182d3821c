import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func searchCustomers(_ input: Operations.SearchCustomers.Input) async throws -> Operations.SearchCustomers.Output {
        _ = try RequestScope.caller(may: .readCustomers)
        let page = try await stores.customers.search(input.query.q, after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map { Components.Schemas.Customer($0, orders: nil) }, nextCursor: page.nextCursor))))
    }

    func getCustomer(_ input: Operations.GetCustomer.Input) async throws -> Operations.GetCustomer.Output {
        _ = try RequestScope.caller(may: .readCustomers)
        let profile = try await stores.customers.get(CustomerID(input.path.id))
        return .ok(.init(body: .json(.init(profile.customer, orders: profile.orders))))
    }

    func updateCustomer(_ input: Operations.UpdateCustomer.Input) async throws -> Operations.UpdateCustomer.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let caller = try RequestScope.caller(may: .changeCustomers)
        let edit = CustomerProfile.Edit(email: body.email, name: body.name, phone: body.phone, tags: body.tags)
        let customer = try await stores.customers.edit(CustomerID(input.path.id), edit, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(customer, orders: nil))))
    }

    func mergeCustomer(_ input: Operations.MergeCustomer.Input) async throws -> Operations.MergeCustomer.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let caller = try RequestScope.caller(may: .changeCustomers)
        let profile = try await stores.customers.merge(CustomerID(input.path.id), absorbing: CustomerID(body.customerId), actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(profile.customer, orders: profile.orders))))
    }

    func eraseCustomer(_ input: Operations.EraseCustomer.Input) async throws -> Operations.EraseCustomer.Output {
        let caller = try RequestScope.caller(may: .eraseCustomers)
        let id = try await stores.customers.erase(CustomerID(input.path.id), actor: Self.actor(caller)).id
        let profile = try await stores.customers.get(id)
        return .ok(.init(body: .json(.init(profile.customer, orders: profile.orders))))
    }

    func getCustomerTimeline(_ input: Operations.GetCustomerTimeline.Input) async throws -> Operations.GetCustomerTimeline.Output {
        _ = try RequestScope.caller(may: .readCustomers)
        _ = try await stores.customers.get(CustomerID(input.path.id))
        let events = try await stores.customers.timeline(CustomerID(input.path.id))
        return .ok(.init(body: .json(.init(items: try events.map(Components.Schemas.Event.init)))))
    }
}

extension Components.Schemas.Customer {
    init(_ c: CustomerStore.Customer, orders: [OrderSummary]?) {
        self.init(
            id: c.id.rawValue, email: c.email, name: c.name, phone: c.phone, addresses: c.addresses.map(Components.Schemas.Address.init),
            tags: c.tags, orders: orders?.map(Components.Schemas.OrderSummary.init))
    }
}
