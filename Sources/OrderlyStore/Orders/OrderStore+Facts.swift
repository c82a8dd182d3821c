import Foundation
import OrderlyCore
import SQLKit

/// The facts conditions read about an order (`OrderFacts`), for workflows and their
/// simulation: the order, its customer's earlier orders, its products' tags.
extension OrderStore {
    /// The facts of order `id` as they are now.
    public func facts(of id: OrderID) async throws -> OrderFacts {
        let now = time.now
        return try await database.read { db in
            guard let order = try await OrderRows.fetch(db, id) else { throw OrderlyError.notFound("Order", id) }
            return try await Self.facts(db, order, customer: order.customerId, at: now)
        }
    }

    /// The facts `draft` would have if it were placed now: priced with the tax rates, its
    /// customer found by email or phone (a new one has no earlier orders). Writes nothing.
    public func facts(of draft: OrderDraft) async throws -> OrderFacts {
        try draft.validate()
        let now = time.now
        return try await database.read { db in
            let (order, customer, _) = try await Self.simulated(db, draft, at: now, cache: database.cache)
            return try await Self.facts(db, order, customer: customer, at: now)
        }
    }

    /// The order `draft` would make if it were placed now (priced with the tax rates, its
    /// customer found by email or phone), with the intake read for it. Writes nothing.
    static func simulated(_ db: any SQLDatabase, _ draft: OrderDraft, at now: Date, cache: ConfigCache?) async throws -> (Order, CustomerID?, Intake)
    {
        let intake = try await Intake.read(db, draft, at: now, cache: cache)
        var customer: CustomerID?
        if let email = draft.customer.normalizedEmail {
            customer = try await db.raw("SELECT COALESCE(merged_into, id) AS id FROM customers WHERE email_key = \(bind: email)").first().map {
                CustomerID(try $0.string("id"))
            }
        }
        if customer == nil, let phone = draft.customer.normalizedPhone {
            customer = try await db.raw(
                "SELECT COALESCE(merged_into, id) AS id FROM customers WHERE phone_key = \(bind: phone) ORDER BY created_at LIMIT 1"
            ).first().map {
                CustomerID(try $0.string("id"))
            }
        }
        let order = Order(draft, priced: intake.priced, id: "ord_simulated", number: "ORD-SIMULATED", customer: customer ?? "", at: now)
        return (order, customer, intake)
    }

    static func facts(_ db: any SQLDatabase, _ order: Order, customer: CustomerID?, at now: Date) async throws -> OrderFacts {
        let person = try await CustomerStore.ruleFacts(db, customer, before: order.createdAt, excluding: order.id)
        let tags = try await ProductStore.fetch(db, skus: order.lines.map(\.sku)).mapValues(\.tags)
        return OrderFacts(order, customer: person, productTags: tags, now: now)
    }
}
