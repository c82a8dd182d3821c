import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func createSubscription(_ input: Operations.CreateSubscription.Input) async throws -> Operations.CreateSubscription.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let caller = try RequestScope.caller(may: .manageSubscriptions(ChannelID(body.channel)))
        guard let interval = ISODuration(body.interval) else {
            throw OrderlyError.invalid("interval", "'\(body.interval)' is not an ISO 8601 duration of days, weeks, months or years (P7D, P1M)")
        }
        let address = ShippingAddressInput(body.shippingAddress)
        let subscription = Subscription(
            id: SubscriptionID("sub_" + Token.random(bytes: 10)), channel: ChannelID(body.channel),
            customer: CustomerDetails(email: body.customer.email, name: body.customer.name, phone: body.customer.phone),
            currency: CurrencyCode(body.currency),
            lines: body.lines.map { Subscription.Line(sku: SKU($0.sku), quantity: $0.quantity, unitPrice: $0.unitPrice) },
            shippingAddress: address.address, coordinates: try address.coordinates(), interval: interval, startAt: body.startAt)
        return .created(.init(body: .json(.init(try await stores.subscriptions.create(subscription, actor: Self.actor(caller))))))
    }

    func listSubscriptions(_ input: Operations.ListSubscriptions.Input) async throws -> Operations.ListSubscriptions.Output {
        let principal = try RequestScope.caller()
        try principal.authorize(.readOrders(principal.role == .channel ? principal.channel : nil))
        let page = try await stores.subscriptions.list(after: input.query.cursor, limit: input.query.limit)
        let visible = page.items.filter { principal.may(.readOrders($0.channel)) }
        return .ok(.init(body: .json(.init(items: visible.map(Components.Schemas.Subscription.init), nextCursor: page.nextCursor))))
    }

    func getSubscription(_ input: Operations.GetSubscription.Input) async throws -> Operations.GetSubscription.Output {
        let subscription = try await stores.subscriptions.get(SubscriptionID(input.path.id))
        let principal = try RequestScope.caller()
        try principal.authorize(.readOrders(subscription.channel), on: "Subscription", input.path.id, seenWith: .readOrders(subscription.channel))
        return .ok(.init(body: .json(.init(subscription))))
    }

    func updateSubscription(_ input: Operations.UpdateSubscription.Input) async throws -> Operations.UpdateSubscription.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let existing = try await stores.subscriptions.get(SubscriptionID(input.path.id))
        let caller = try RequestScope.caller(may: .manageSubscriptions(existing.channel))
        let address = body.shippingAddress.map(ShippingAddressInput.init)
        let coordinates = try address?.coordinates()
        let updated = try await stores.subscriptions.update(existing.id, actor: Self.actor(caller)) { s in
            if let status = body.status.flatMap({ Subscription.Status(rawValue: $0.rawValue) }) { s.status = status }
            if let lines = body.lines { s.lines = lines.map { Subscription.Line(sku: SKU($0.sku), quantity: $0.quantity, unitPrice: $0.unitPrice) } }
            if let address {
                s.shippingAddress = address.address
                s.coordinates = coordinates
            }
            if let next = body.nextRunAt { s.reschedule(nextRunAt: next) }
        }
        return .ok(.init(body: .json(.init(updated))))
    }

    func runDueSubscriptions(_ input: Operations.RunDueSubscriptions.Input) async throws -> Operations.RunDueSubscriptions.Output {
        let caller = try RequestScope.caller(may: .runScheduler)
        let ran = try await stores.subscriptions.runDue(asOf: input.query.asOf, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(ran: ran))))
    }
}

extension Components.Schemas.Subscription {
    init(_ s: Subscription) {
        self.init(
            id: s.id.rawValue, channel: s.channel.rawValue, customer: .init(email: s.customer.email, name: s.customer.name, phone: s.customer.phone),
            currency: s.currency.rawValue, lines: s.lines.map { .init(sku: $0.sku.rawValue, quantity: $0.quantity, unitPrice: $0.unitPrice) },
            shippingAddress: s.shippingAddress.map { Components.Schemas.ShippingAddress($0, coordinates: s.coordinates) },
            interval: s.interval.description, startAt: s.startAt, nextRunAt: s.nextRunAt, status: .init(rawValue: s.status.rawValue) ?? .active,
            runs: s.runs.map { .init(period: $0.period, orderId: $0.orderId?.rawValue, error: $0.error, at: $0.at) })
    }
}
