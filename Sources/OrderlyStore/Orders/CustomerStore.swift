import Foundation
import OrderlyCore
import SQLKit

/// One customer profile across channels, matched by email (case-insensitive), else by phone.
public struct CustomerStore: Sendable {
    let database: Database
    let time: any TimeSource

    public struct Customer: Sendable, Equatable {
        public var id: CustomerID
        public var email: String?
        public var name: String?
        public var phone: String?
        public var addresses: [Address]
    }

    /// A customer with a summary of each of their orders, newest first.
    public struct Profile: Sendable {
        public var customer: Customer
        public var orders: [OrderSummary]
    }

    public func get(_ id: CustomerID) async throws -> Profile {
        try await database.read { db in
            guard let customer = try await Self.fetch(db, id) else { throw OrderlyError.notFound("Customer", id) }
            let orders = try await db.raw(
                "SELECT \(OrderSummary.columns) FROM orders WHERE customer_id = \(bind: id.rawValue) ORDER BY created_at DESC, id DESC LIMIT 200"
            ).all().map(OrderSummary.init)
            return Profile(customer: customer, orders: orders)
        }
    }

    /// Customers whose email, name or phone contains `q`, by id.
    public func search(_ q: String?, after cursor: String?, limit: Int?) async throws -> Page<Customer> {
        let size = try pageSize(limit)
        let rows = try await database.read(prepared: (q ?? "").isEmpty) { db in
            var query = SQLQueryString("SELECT \(Self.profileColumns) FROM customers WHERE id > \(bind: cursor ?? "")")
            if let q, !q.isEmpty {
                let text = q.lowercased()
                query.appendInterpolation(
                    SQLQueryString(
                        " AND (\(SQLQueryString.contains("LOWER(email_key)", text)) OR \(SQLQueryString.contains("LOWER(name)", text)) OR \(SQLQueryString.contains("LOWER(phone_key)", text)) OR \(SQLQueryString.contains("phone", text)))"
                    ))
            }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let items = try rows.prefix(size).map(Self.decode)
        return Page(items: items, nextCursor: rows.count > size ? items.last?.id.rawValue : nil)
    }

    /// A profile as placing an order finds it: whether the customer ordered before comes with it.
    struct Found: Sendable {
        var customer: Customer
        var hasOrders: Bool

        init(_ row: any SQLRow) throws {
            customer = try CustomerStore.decode(row)
            hasOrders = try row.bool("has_orders")
        }
    }

    /// Profile columns and whether the customer ordered before (one round trip).
    private static let foundColumns: SQLQueryString =
        "\(profileColumns(of: "customers")), customers.email_key, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = customers.id) AS has_orders"

    /// The profile these details belong to, created on first sight and completed with what
    /// was missing (name, phone, a new address). Returns it and whether it already had orders.
    static func match(
        _ db: Transaction, _ details: CustomerDetails, address: Address?, at now: Date
    ) async throws -> (id: CustomerID, isFirstOrder: Bool) {
        var row: (any SQLRow)? = nil
        if let email = details.normalizedEmail {
            row = try await db.raw("SELECT \(foundColumns) FROM customers WHERE email_key = \(bind: email)\(db.forUpdate)").first()
        } else if let phone = details.normalizedPhone {
            row = try await db.raw(
                "SELECT \(foundColumns) FROM customers WHERE phone_key = \(bind: phone) ORDER BY created_at LIMIT 1\(db.forUpdate)"
            ).first()
        }
        guard let row else {
            let id = CustomerID("cus_" + Token.random(bytes: 10))
            let inserted = try await db.raw(
                SQLQueryString.insert(
                    into: columns, values: try values(id, details, address: address, at: now),
                    then: " ON CONFLICT (email_key) DO NOTHING RETURNING id")
            ).all()
            if inserted.isEmpty { return try await match(db, details, address: address, at: now) }
            return (id, true)
        }
        return try await complete(db, try Found(row), details, address: address, at: now)
    }

    /// The profiles of several emails at once (normalized, see `CustomerDetails.normalizedEmail`),
    /// locked in email order, for placing several orders in one transaction (`settle`).
    static func lookUp(_ db: any SQLDatabase, emails: Set<String>) async throws -> [String: Found] {
        guard !emails.isEmpty else { return [:] }
        let rows = try await db.raw(lookUpQuery(emails: emails, engine: db.engine)).all()
        var found: [String: Found] = [:]
        for row in rows { found[try row.string("email_key")] = try Found(row) }
        return found
    }

    /// The profiles with these email keys, locked in email order on PostgreSQL. One array
    /// bind there, so the statement has one shape however many emails a batch holds.
    static func lookUpQuery(emails: Set<String>, engine: Engine) -> SQLQueryString {
        guard engine == .postgres else {
            return "SELECT \(foundColumns) FROM customers WHERE email_key IN (\(binds: emails.sorted())) ORDER BY email_key"
        }
        return "SELECT \(foundColumns) FROM customers WHERE email_key = ANY(\(bind: emails.sorted())) ORDER BY email_key FOR UPDATE OF customers"
    }

    /// Who the customer of an order placed with others is (`lookUp` found the profile, or nil:
    /// none has this email), decided before anything is written so that a refused order writes
    /// nothing.
    struct Identity: Sendable {
        var id: CustomerID
        var isFirstOrder: Bool
        var found: Found?

        init(_ found: Found?) {
            id = found?.customer.id ?? CustomerID("cus_" + Token.random(bytes: 10))
            isFirstOrder = !(found?.hasOrders ?? false)
            self.found = found
        }
    }

    /// `match` for an identity settled already: the new profile, or what the found one was
    /// missing. Its writes are held (`insertLater`), so a transaction placing several orders
    /// sends them with the orders. A profile created at the same time elsewhere fails the
    /// transaction at its commit, on the unique email.
    static func settle(_ db: Transaction, _ details: CustomerDetails, _ identity: Identity, address: Address?, at now: Date) async throws {
        guard let found = identity.found else {
            try await db.insertLater(into: Self.columns, values: try values(identity.id, details, address: address, at: now))
            return
        }
        _ = try await complete(db, found, details, address: address, at: now)
    }

    private static let columns = "customers (id, email, email_key, name, phone, phone_key, addresses, created_at, updated_at)"

    private static func values(_ id: CustomerID, _ details: CustomerDetails, address: Address?, at now: Date) throws -> SQLQueryString {
        """
        (\(bind: id.rawValue), \(bind: details.email), \(bind: details.normalizedEmail), \(bind: details.name),
            \(bind: details.phone), \(bind: details.normalizedPhone), \(bind: try StoredJSON.encode(address.map { [$0] } ?? [])),
            \(bind: now.stored), \(bind: now.stored))
        """
    }

    /// Completes a found profile with what it was missing; the update is held (`insertLater`).
    private static func complete(
        _ db: Transaction, _ found: Found, _ details: CustomerDetails, address: Address?, at now: Date
    ) async throws -> (id: CustomerID, isFirstOrder: Bool) {
        var customer = found.customer
        var changed = false
        if customer.name == nil, let name = details.name {
            customer.name = name
            changed = true
        }
        if customer.phone == nil, let phone = details.phone {
            customer.phone = phone
            changed = true
        }
        if let address, !customer.addresses.contains(address) {
            customer.addresses = Array(([address] + customer.addresses).prefix(20))
            changed = true
        }
        if changed {
            try await db.insertLater(
                """
                UPDATE customers SET name = \(bind: customer.name), phone = \(bind: customer.phone),
                    phone_key = \(bind: CustomerDetails(phone: customer.phone).normalizedPhone),
                    addresses = \(bind: try StoredJSON.encode(customer.addresses)), updated_at = \(bind: now.stored)
                WHERE id = \(bind: customer.id.rawValue)
                """
            )
        }
        return (customer.id, !found.hasOrders)
    }

    /// The columns `decode` reads.
    static let profileColumns = profileColumns(of: nil)

    /// `profileColumns`, each named with the table's name or alias.
    static func profileColumns(of table: String?) -> SQLQueryString {
        .columns(["id", "email", "name", "phone", "addresses"], of: table)
    }

    /// One customer's profile, or nil.
    static func fetch(_ db: any SQLDatabase, _ id: CustomerID) async throws -> Customer? {
        try await db.raw("SELECT \(Self.profileColumns) FROM customers WHERE id = \(bind: id.rawValue)").first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> Customer {
        Customer(
            id: CustomerID(try row.string("id")), email: try row.optionalString("email"), name: try row.optionalString("name"),
            phone: try row.optionalString("phone"), addresses: try row.json("addresses", as: [Address].self))
    }
}

/// An order in a list: enough to find it and see where it stands.
public struct OrderSummary: Sendable, Equatable {
    public var id: OrderID
    public var number: String
    public var channel: ChannelID
    public var externalId: String?
    public var status: OrderStatus
    public var currency: CurrencyCode
    public var total: Int64
    public var createdAt: Date

    /// The columns of `orders` a summary reads.
    static let columns: SQLQueryString = "id, number, channel_id, external_id, status, currency, total, created_at"

    init(_ row: any SQLRow) throws {
        id = OrderID(try row.string("id"))
        number = try row.string("number")
        channel = ChannelID(try row.string("channel_id"))
        externalId = try row.optionalString("external_id")
        status = OrderStatus(rawValue: try row.string("status")) ?? .processing
        currency = CurrencyCode(try row.string("currency"))
        total = try row.int64("total")
        createdAt = try row.date("created_at")
    }
}
