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
}

extension Components.Schemas.Customer {
    init(_ c: CustomerStore.Customer, orders: [OrderSummary]?) {
        self.init(
            id: c.id.rawValue, email: c.email, name: c.name, phone: c.phone, addresses: c.addresses.map(Components.Schemas.Address.init),
            orders: orders?.map(Components.Schemas.OrderSummary.init))
    }
}
