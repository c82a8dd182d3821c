import Foundation
import OrderlyCore
import SQLKit

/// Tax rates as data, per country and tax category; read (through the config cache) by every
/// order that leaves a line or a shipping charge to be taxed by Orderly.
public struct TaxRateStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Creates or replaces rates by id, all in one transaction.
    public func upsert(_ rules: [TaxRateRule], actor: String?) async throws -> [TaxRateRule] {
        var v = Validator()
        v.check(!rules.isEmpty && rules.count <= 1000, "body", "must hold 1 to 1000 tax rates")
        var seen = Set<String>()
        for (i, rule) in rules.enumerated() {
            do { try rule.validate() } catch { for e in error.fieldErrors { v.add(rules.count > 1 ? "[\(i)].\(e.field)" : e.field, e.message) } }
            v.check(seen.insert(rule.id).inserted, rules.count > 1 ? "[\(i)].id" : "id", "\(rule.id) appears twice")
        }
        try v.validate()
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            for rule in rules {
                try await db.raw(
                    """
                    INSERT INTO tax_rates (id, country, tax_category, name, rate, included, created_at, updated_at)
                    VALUES (\(bind: rule.id), \(bind: rule.country), \(bind: rule.taxCategory), \(bind: rule.name), \(bind: rule.rate.millionths),
                        \(bind: rule.included), \(bind: now.stored), \(bind: now.stored))
                    ON CONFLICT (id) DO UPDATE SET country = excluded.country, tax_category = excluded.tax_category, name = excluded.name,
                        rate = excluded.rate, included = excluded.included, updated_at = excluded.updated_at
                    """
                ).run()
                try EventLog.append(db, .taxRateSaved(rule), actor: actor, at: now)
            }
            return rules
        }
    }

    public func delete(_ id: String, actor: String?) async throws {
        let now = time.now
        defer { database.cache.clear() }
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM tax_rates WHERE id = \(bind: id) RETURNING id").first() != nil else {
                throw OrderlyError.notFound("Tax rate", id)
            }
            try EventLog.append(db, .taxRateDeleted(id), actor: actor, at: now)
        }
    }

    /// Every rate, by country, category and id; `country` narrows to one country.
    public func list(country: String?) async throws -> [TaxRateRule] {
        try await database.read { db in try await Self.all(db) }.filter { country == nil || $0.country == country }
    }

    static func all(_ db: any SQLDatabase) async throws -> [TaxRateRule] {
        try await db.raw("SELECT id, country, tax_category, name, rate, included FROM tax_rates ORDER BY country, tax_category, id").all().map {
            TaxRateRule(
                id: try $0.string("id"), country: try $0.string("country"), taxCategory: try $0.string("tax_category"), name: try $0.string("name"),
                rate: TaxRate(millionths: try $0.int64("rate")), included: try $0.bool("included"))
        }
    }

    /// What pricing `draft` needs to tax the lines and shipping lines it sent without taxes:
    /// the rates, the products' categories and the countries of the stores it names. Nothing is
    /// read when the channel sent every tax.
    static func rates(_ db: any SQLDatabase, for draft: OrderDraft, products: [SKU: Product], cache: ConfigCache?) async throws -> TaxRates {
        guard draft.lines.contains(where: { $0.taxes == nil }) || draft.shippingLines.contains(where: { $0.taxes == nil }) else { return .none }
        return try await rates(db, stores: Set(draft.lines.compactMap(\.delivery.storeLocation)), products: products, cache: cache)
    }

    /// The rates, the products' categories and the countries of `stores`: what taxing lines
    /// delivered at those stores (or shipped) needs.
    static func rates(_ db: any SQLDatabase, stores: Set<LocationID>, products: [SKU: Product], cache: ConfigCache?) async throws -> TaxRates {
        let rules = try await cache.value("tax-rates") { try await all(db) } ?? []
        guard !rules.isEmpty else { return .none }
        let locations = stores.isEmpty ? [:] : try await LocationStore.fetch(db, ids: stores)
        return TaxRates(
            rules: rules, categories: products.compactMapValues(\.taxCategory),
            storeCountries: locations.compactMapValues { $0.address?.country })
    }
}
