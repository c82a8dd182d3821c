import Foundation
import OrderlyCore
import SQLKit

extension CustomerStore {
    /// Erases a person (a GDPR request): the profile and every profile merged into it lose
    /// their email, name, phone, addresses and tags; their orders keep only the country of
    /// their addresses (what the tax record needs), lose their coordinates and free attributes,
    /// and are found by number alone; every stored text that mentions the person
    /// (`PersonalData`) — the orders' and profiles' events, invoices, subscriptions, remembered
    /// API answers — reads `erased` instead. Amounts, lines, taxes, payments and invoices stay.
    /// One transaction; `customer.erased` names no one.
    public func erase(_ id: CustomerID, actor: String?) async throws -> Customer {
        let now = time.now
        return try await database.transaction { db in
            guard let survivor = try await Self.fetch(db, id, following: true, forUpdate: true) else { throw OrderlyError.notFound("Customer", id) }
            let merged = try await db.raw("SELECT \(Self.profileColumns) FROM customers WHERE merged_into = \(bind: survivor.id.rawValue)").all()
                .map(Self.decode)
            let profiles = [survivor] + merged
            let ids = profiles.map(\.id.rawValue)
            let orders = try await db.raw(
                "SELECT id, shipping_address, billing_address FROM orders WHERE customer_id IN (\(binds: ids)) ORDER BY id"
            ).all()
            var addresses: [Address] = []
            var orderIds: [String] = []
            for row in orders {
                orderIds.append(try row.string("id"))
                for column in ["shipping_address", "billing_address"] {
                    if let text = try row.optionalString(column), let address = try? StoredJSON.decode(Address.self, from: text) {
                        addresses.append(address)
                    }
                }
            }
            let person = PersonalData(profiles: profiles, addresses: addresses)

            try await db.raw(
                """
                UPDATE customers SET email = NULL, email_key = NULL, name = NULL, phone = NULL, phone_key = NULL, addresses = '[]', tags = '[]',
                    updated_at = \(bind: now.stored)
                WHERE id IN (\(binds: ids))
                """
            ).run()
            for row in orders {
                let redacted = try ["shipping_address", "billing_address"].map { column in
                    try (try row.optionalString(column)).flatMap { try? StoredJSON.decode(Address.self, from: $0) }
                        .flatMap(PersonalData.redacting).map(StoredJSON.encode)
                }
                try await db.raw(
                    """
                    UPDATE orders SET shipping_address = \(bind: redacted[0]), billing_address = \(bind: redacted[1]), latitude = NULL, longitude = NULL,
                        attributes = '{}', search = LOWER(number || ' ' || COALESCE(external_id, '')), updated_at = \(bind: now.stored)
                    WHERE id = \(bind: try row.string("id"))
                    """
                ).run()
            }
            let subjects = orderIds.map { EventSubject.order(OrderID($0)).text } + ids.map { EventSubject.customer(CustomerID($0)).text }
            try await Self.redact(db, person, table: "events", key: "id", column: "data", numericKey: true, where: "subject IN (\(binds: subjects))")
            if !orderIds.isEmpty {
                try await Self.redact(db, person, table: "invoices", key: "id", column: "document", where: "order_id IN (\(binds: orderIds))")
                // Messages keep that they were sent, and when; not to whom, nor what they said.
                try await db.raw(
                    "UPDATE customer_messages SET recipient = NULL, subject = NULL, body = NULL WHERE order_id IN (\(binds: orderIds))"
                ).run()
            }
            // Texts that may hold the person under no id of theirs: remembered answers, subscriptions.
            try await Self.redact(
                db, person, table: "idempotency_keys", key: "scope || ' ' || key", column: "body",
                where: "body IS NOT NULL AND \(Self.mentioning(person, in: "body"))")
            for column in ["customer", "shipping_address"] {
                try await Self.redact(
                    db, person, table: "subscriptions", key: "id", column: column,
                    where: "\(unsafeRaw: column) IS NOT NULL AND \(Self.mentioning(person, in: column))")
            }
            try EventLog.append(db, .customerErased(survivor.id, profiles: profiles.count, orders: orderIds.count), actor: actor, at: now)
            return CustomerProfile(id: survivor.id)
        }
    }

    /// Whether `column` holds one of the person's texts (a scan: erasing is rare).
    private static func mentioning(_ person: PersonalData, in column: String) -> SQLQueryString {
        var condition = SQLQueryString("(1 = 0")
        for value in person.values { condition.appendInterpolation(SQLQueryString(" OR \(SQLQueryString.contains("LOWER(\(column))", value))")) }
        condition.appendLiteral(")")
        return condition
    }

    /// Rewrites `column` of the rows of `table` matching `condition` that mention the person;
    /// `key` is an expression naming one row as text.
    private static func redact(
        _ db: any SQLDatabase, _ person: PersonalData, table: String, key: String, column: String, numericKey: Bool = false,
        where condition: SQLQueryString
    ) async throws {
        let rows = try await db.raw(
            "SELECT \(unsafeRaw: key) AS k, \(ident: column) AS v FROM \(ident: table) WHERE \(condition)"
        ).all()
        for row in rows {
            guard let text = try row.optionalString("v"), person.mentions(text) else { continue }
            let row: SQLQueryString = numericKey ? "\(bind: try row.int64("k"))" : "\(bind: try row.string("k"))"
            try await db.raw("UPDATE \(ident: table) SET \(ident: column) = \(bind: person.redacting(json: text)) WHERE \(unsafeRaw: key) = \(row)")
                .run()
        }
    }
}
