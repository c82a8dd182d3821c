import Foundation
import OrderlyCore
import SQLKit

/// One customer profile across channels, matched by email (case-insensitive), else by phone.
/// A profile merged into another is kept, so that its email still finds the person: every
/// read answers with the profile it went into (`merged_into`, one hop: a merge moves the
/// profiles merged into the merged one along).
public struct CustomerStore: Sendable {
    let database: Database
    let time: any TimeSource

    public typealias Customer = CustomerProfile

    /// A customer with a summary of each of their orders, newest first.
    public struct Profile: Sendable {
        public var customer: Customer
        public var orders: [OrderSummary]
    }

    public func get(_ id: CustomerID) async throws -> Profile {
        try await database.read { db in
            guard let customer = try await Self.fetch(db, id, following: true) else { throw OrderlyError.notFound("Customer", id) }
            let orders = try await db.raw(
                "SELECT \(OrderSummary.columns) FROM orders WHERE customer_id = \(bind: customer.id.rawValue) ORDER BY created_at DESC, id DESC LIMIT 200"
            ).all().map(OrderSummary.init)
            return Profile(customer: customer, orders: orders)
        }
    }

    /// Customers whose email, name or phone contains `q`, by id; a profile merged into another
    /// finds that one.
    public func search(_ q: String?, after cursor: String?, limit: Int?) async throws -> Page<Customer> {
        let size = try pageSize(limit)
        let rows = try await database.read(prepared: (q ?? "").isEmpty) { db in
            var query = SQLQueryString("SELECT \(Self.profileColumns) FROM customers WHERE merged_into IS NULL AND id > \(bind: cursor ?? "")")
            if let q, !q.isEmpty {
                let text = q.lowercased()
                query.appendInterpolation(
                    SQLQueryString(
                        " AND (\(Self.matches(text, in: "customers")) OR id IN (SELECT m.merged_into FROM customers m WHERE m.merged_into IS NOT NULL AND \(Self.matches(text, in: "m"))))"
                    ))
            }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            return try await db.raw(query).all()
        }
        let items = try rows.prefix(size).map(Self.decode)
        return Page(items: items, nextCursor: rows.count > size ? items.last?.id.rawValue : nil)
    }

    /// Whether a profile's email, name or phone contains `text` (lowercased).
    private static func matches(_ text: String, in table: String) -> SQLQueryString {
        let column = { (name: String) in "LOWER(\(table).\(name))" }
        return """
            (\(SQLQueryString.contains(column("email_key"), text)) OR \(SQLQueryString.contains(column("name"), text)) \
            OR \(SQLQueryString.contains(column("phone_key"), text)) OR \(SQLQueryString.contains("\(table).phone", text)))
            """
    }

    /// The profile an email finds (the one a merged profile went into), or nil.
    public func find(email: String) async throws -> CustomerID? {
        guard let key = CustomerDetails(email: email).normalizedEmail else { return nil }
        return try await database.read { db in
            try await db.raw("SELECT COALESCE(merged_into, id) AS id FROM customers WHERE email_key = \(bind: key)").first().map {
                CustomerID(try $0.string("id"))
            }
        }
    }

    /// Edits a profile (`CustomerProfile.edited`); an email another profile has is refused
    /// (merge the two instead), unless that profile was merged into this one
    /// (`CustomerProfile.takesEmail`).
    public func edit(_ id: CustomerID, _ edit: CustomerProfile.Edit, actor: String?) async throws -> Customer {
        let now = time.now
        return try await database.transaction { db in
            guard let current = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Customer", id) }
            let edited = try current.edited(edit)
            let details = CustomerDetails(email: edited.email, name: edited.name, phone: edited.phone)
            if let email = details.normalizedEmail, email != CustomerDetails(email: current.email).normalizedEmail,
                let holder = try await db.raw(
                    "SELECT id, merged_into FROM customers WHERE email_key = \(bind: email) AND id <> \(bind: id.rawValue)\(db.forUpdate)"
                ).first()
            {
                let holderID = try holder.string("id")
                try current.takesEmail(email, heldBy: CustomerID(holderID), mergedInto: try holder.optionalString("merged_into").map(CustomerID.init))
                // Merged into this profile: it gives the email up, which then finds this profile directly.
                try await db.raw("UPDATE customers SET email_key = NULL, updated_at = \(bind: now.stored) WHERE id = \(bind: holderID)").run()
            }
            try await db.raw(
                """
                UPDATE customers SET email = \(bind: edited.email), email_key = \(bind: details.normalizedEmail), name = \(bind: edited.name),
                    phone = \(bind: edited.phone), phone_key = \(bind: details.normalizedPhone), tags = \(bind: try StoredJSON.encode(edited.tags)),
                    updated_at = \(bind: now.stored)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try EventLog.append(db, .customerUpdated(edited), actor: actor, at: now)
            return edited
        }
    }

    /// Merges profile `otherId` into `id` (`CustomerProfile.absorbing`): its orders move,
    /// the survivor takes the addresses and tags, the merged profile stays to be found by its
    /// email, and the merge is on both profiles' timelines.
    public func merge(_ id: CustomerID, absorbing otherId: CustomerID, actor: String?) async throws -> Profile {
        let now = time.now
        try await database.transaction { db in
            // Both rows locked in id order, so that two merges of the same pair never deadlock.
            var locked: [CustomerID: Customer] = [:]
            for key in [id, otherId].sorted(by: { $0.rawValue < $1.rawValue }) {
                locked[key] = try await Self.fetch(db, key, forUpdate: true)
            }
            guard let customer = locked[id] else { throw OrderlyError.notFound("Customer", id) }
            guard let other = locked[otherId] else { throw OrderlyError.invalid("customerId", "customer '\(otherId)' does not exist") }
            let (survivor, merged) = try customer.absorbing(other)
            try await db.raw(
                """
                UPDATE customers SET name = \(bind: survivor.name), phone = \(bind: survivor.phone),
                    phone_key = \(bind: CustomerDetails(phone: survivor.phone).normalizedPhone),
                    addresses = \(bind: try StoredJSON.encode(survivor.addresses)), tags = \(bind: try StoredJSON.encode(survivor.tags)),
                    updated_at = \(bind: now.stored)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try await db.raw(
                """
                UPDATE customers SET merged_into = \(bind: id.rawValue), updated_at = \(bind: now.stored)
                WHERE id = \(bind: merged.id.rawValue) OR merged_into = \(bind: merged.id.rawValue)
                """
            ).run()
            let moved = try await db.raw("SELECT COUNT(*) AS n FROM orders WHERE customer_id = \(bind: merged.id.rawValue)").first()?.int64("n") ?? 0
            try await db.raw(
                "UPDATE orders SET customer_id = \(bind: id.rawValue), updated_at = \(bind: now.stored) WHERE customer_id = \(bind: merged.id.rawValue)"
            ).run()
            for subject in [id, merged.id] {
                try EventLog.append(db, .customerMerged(merged, into: id, ordersMoved: Int(moved), on: subject), actor: actor, at: now)
            }
        }
        return try await get(id)
    }

    /// A profile's timeline: its edits and merges, oldest first.
    public func timeline(_ id: CustomerID) async throws -> [StoredEvent] {
        try await EventLog(database: database).list(after: nil, limit: Limits.maxPageSize, subject: EventSubject.customer(id).text).items
    }

    /// What conditions read of an order's customer (`customer.tags`, `customer.orderCount`:
    /// the orders placed before `before`, `excluding` the one decided).
    static func ruleFacts(_ db: any SQLDatabase, _ id: CustomerID?, before: Date?, excluding order: OrderID?) async throws -> OrderFacts.Customer {
        guard let id else { return .init() }
        var count = SQLQueryString("SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id")
        if let before { count.appendInterpolation(SQLQueryString(" AND o.created_at < \(bind: before.stored)")) }
        if let order { count.appendInterpolation(SQLQueryString(" AND o.id <> \(bind: order.rawValue)")) }
        guard let row = try await db.raw("SELECT c.tags, (\(count)) AS n FROM customers c WHERE c.id = \(bind: id.rawValue)").first() else {
            return .init()
        }
        return .init(tags: try row.json("tags", as: [String].self), orderCount: try row.int64("n"))
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

    /// The profile (`s`) of the row a key found (`c`: the profile itself, or one merged into
    /// it), that row's email key, and whether the customer ordered before (one round trip).
    private static let found: SQLQueryString = """
        SELECT \(profileColumns(of: "s")), c.email_key AS found_key, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = s.id) AS has_orders
        FROM customers c JOIN customers s ON s.id = COALESCE(c.merged_into, c.id)
        """

    /// The profile these details belong to, created on first sight and completed with what
    /// was missing (name, phone, a new address). Returns it and whether it already had orders.
    static func match(
        _ db: Transaction, _ details: CustomerDetails, address: Address?, at now: Date
    ) async throws -> (id: CustomerID, isFirstOrder: Bool) {
        var row: (any SQLRow)? = nil
        if let email = details.normalizedEmail {
            row = try await db.raw("\(found) WHERE c.email_key = \(bind: email)\(db.forUpdate)").first()
        } else if let phone = details.normalizedPhone {
            row = try await db.raw("\(found) WHERE c.phone_key = \(bind: phone) ORDER BY c.created_at LIMIT 1\(db.forUpdate)").first()
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
        for row in rows { found[try row.string("found_key")] = try Found(row) }
        return found
    }

    /// The profiles with these email keys, locked in email order on PostgreSQL. One array
    /// bind there, so the statement has one shape however many emails a batch holds.
    static func lookUpQuery(emails: Set<String>, engine: Engine) -> SQLQueryString {
        guard engine == .postgres else {
            return "\(found) WHERE c.email_key IN (\(binds: emails.sorted())) ORDER BY c.email_key"
        }
        return "\(found) WHERE c.email_key = ANY(\(bind: emails.sorted())) ORDER BY c.email_key FOR UPDATE OF s"
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

    /// Completes a found profile with what it was missing (`CustomerProfile.completed`); the
    /// update is held (`insertLater`).
    private static func complete(
        _ db: Transaction, _ found: Found, _ details: CustomerDetails, address: Address?, at now: Date
    ) async throws -> (id: CustomerID, isFirstOrder: Bool) {
        let customer = found.customer
        if let completed = customer.completed(with: details, address: address) {
            try await db.insertLater(
                """
                UPDATE customers SET name = \(bind: completed.name), phone = \(bind: completed.phone),
                    phone_key = \(bind: CustomerDetails(phone: completed.phone).normalizedPhone),
                    addresses = \(bind: try StoredJSON.encode(completed.addresses)), updated_at = \(bind: now.stored)
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
        .columns(["id", "email", "name", "phone", "addresses", "tags", "merged_into"], of: table)
    }

    /// One customer's profile, or nil; `following` a merge, the profile it went into.
    static func fetch(_ db: any SQLDatabase, _ id: CustomerID, following: Bool = false, forUpdate: Bool = false) async throws -> Customer? {
        let lock = forUpdate ? db.forUpdate : ""
        guard
            let customer = try await db.raw("SELECT \(Self.profileColumns) FROM customers WHERE id = \(bind: id.rawValue)\(lock)").first().map(decode)
        else { return nil }
        guard following, let survivor = customer.mergedInto else { return customer }
        return try await fetch(db, survivor, following: false, forUpdate: forUpdate)
    }

    static func decode(_ row: any SQLRow) throws -> Customer {
        Customer(
            id: CustomerID(try row.string("id")), email: try row.optionalString("email"), name: try row.optionalString("name"),
            phone: try row.optionalString("phone"), addresses: try row.json("addresses", as: [Address].self),
            tags: try row.json("tags", as: [String].self),
            mergedInto: try row.optionalString("merged_into").map(CustomerID.init))
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
