import Foundation
import OrderlyCore
import SQLKit

/// The catalogue as Orderly needs it: skus, names, how far beyond stock each may be sold.
public struct ProductStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Whether an upsert created the product or changed an existing one.
    public enum UpsertResult: Sendable { case created, updated, unchanged }

    /// Creates or replaces products by sku, all in one transaction: one bad product refuses
    /// the whole batch. Field errors name the product's index (`[3].name`) for bulk bodies.
    public func upsert(_ products: [Product], actor: String?, bulk: Bool) async throws -> [UpsertResult] {
        var errors: [OrderlyError.FieldError] = []
        if products.isEmpty { errors.append(.init(field: "body", message: "must hold at least one product")) }
        if products.count > Limits.maxBatchSize {
            errors.append(.init(field: "body", message: "may hold at most \(Limits.maxBatchSize) products"))
        }
        var seen = Set<SKU>()
        for (i, product) in products.enumerated() {
            let prefix = bulk ? "[\(i)]." : ""
            do { try product.validate(field: prefix) } catch { errors += error.fieldErrors }
            if !seen.insert(product.sku).inserted { errors.append(.init(field: prefix + "sku", message: "\(product.sku) appears twice")) }
        }
        if !errors.isEmpty { throw OrderlyError.validation(errors) }
        let now = time.now
        return try await database.transaction { db in
            var errors: [OrderlyError.FieldError] = []
            let suppliers = products.compactMap(\.dropshipSupplier)
            let known = try await LocationStore.existing(db, suppliers)
            for (i, product) in products.enumerated() {
                if let supplier = product.dropshipSupplier, !known.contains(supplier) {
                    errors.append(.init(field: (bulk ? "[\(i)]." : "") + "dropshipSupplier", message: "location '\(supplier)' does not exist"))
                }
            }
            if !errors.isEmpty { throw OrderlyError.validation(errors) }
            var results: [UpsertResult] = []
            for product in products {
                let existing = try await Self.fetch(db, product.sku, forUpdate: true)
                if existing == product {
                    results.append(.unchanged)
                    continue
                }
                try await db.raw(
                    """
                    INSERT INTO products (sku, name, attributes, sell_beyond_stock, release_date, dropship_supplier, tax_category, tags,
                        created_at, updated_at)
                    VALUES (\(bind: product.sku.rawValue), \(bind: product.name), \(bind: try StoredJSON.encode(product.attributes)),
                        \(bind: product.sellBeyondStock.rawValue), \(bind: product.releaseDate?.stored),
                        \(bind: product.dropshipSupplier?.rawValue), \(bind: product.taxCategory), \(bind: try OrderRows.json(product.tags)),
                        \(bind: now.stored), \(bind: now.stored))
                    ON CONFLICT (sku) DO UPDATE SET name = excluded.name, attributes = excluded.attributes,
                        sell_beyond_stock = excluded.sell_beyond_stock, release_date = excluded.release_date,
                        dropship_supplier = excluded.dropship_supplier, tax_category = excluded.tax_category, tags = excluded.tags,
                        updated_at = excluded.updated_at
                    """
                ).run()
                try EventLog.append(db, .productSaved(product, created: existing == nil), actor: actor, at: now)
                results.append(existing == nil ? .created : .updated)
            }
            return results
        }
    }

    public func get(_ sku: SKU) async throws -> Product {
        guard let product = try await database.read({ db in try await Self.fetch(db, sku) }) else {
            throw OrderlyError.notFound("Product", sku)
        }
        return product
    }

    public func list(after cursor: String?, limit: Int?) async throws -> Page<Product> {
        let size = try pageSize(limit)
        let rows = try await database.read { db in
            try await db.raw(
                "SELECT \(Self.columns) FROM products WHERE sku > \(bind: cursor ?? "") ORDER BY sku LIMIT \(literal: size + 1)"
            ).all()
        }
        let items = try rows.prefix(size).map(Self.decode)
        return Page(items: items, nextCursor: rows.count > size ? items.last?.sku.rawValue : nil)
    }

    static func fetch(_ db: any SQLDatabase, _ sku: SKU, forUpdate: Bool = false) async throws -> Product? {
        try await db.raw("SELECT \(Self.columns) FROM products WHERE sku = \(bind: sku.rawValue)\(forUpdate ? db.forUpdate : "")")
            .first().map(decode)
    }

    /// The products of these skus (the unknown ones left out), by sku.
    static func fetch(_ db: any SQLDatabase, skus: [SKU]) async throws -> [SKU: Product] {
        guard !skus.isEmpty else { return [:] }
        var products: [SKU: Product] = [:]
        for row in try await db.raw("SELECT \(Self.columns) FROM products WHERE sku IN (\(binds: Array(Set(skus)).map(\.rawValue)))").all() {
            let product = try decode(row)
            products[product.sku] = product
        }
        return products
    }

    /// The skus among `skus` that exist.
    static func existing(_ db: any SQLDatabase, _ skus: some Collection<SKU>) async throws -> Set<SKU> {
        guard !skus.isEmpty else { return [] }
        var found = Set<SKU>()
        for chunk in Array(Set(skus)).chunked(500) {
            let rows = try await db.raw("SELECT sku FROM products WHERE sku IN (\(binds: chunk.map(\.rawValue)))").all()
            for row in rows { found.insert(SKU(try row.string("sku"))) }
        }
        return found
    }

    /// The columns `decode` reads.
    static let columns: SQLQueryString = "sku, name, attributes, sell_beyond_stock, release_date, dropship_supplier, tax_category, tags"

    static func decode(_ row: any SQLRow) throws -> Product {
        var product = Product(
            sku: SKU(try row.string("sku")), name: try row.string("name"),
            attributes: try row.json("attributes", as: [String: String].self),
            sellBeyondStock: Product.SellBeyondStock(rawValue: try row.string("sell_beyond_stock")) ?? .never,
            releaseDate: try row.optionalDate("release_date"),
            dropshipSupplier: try row.optionalString("dropship_supplier").map(LocationID.init),
            taxCategory: try row.optionalString("tax_category"))
        product.tags = try row.json("tags", as: [String].self)
        return product
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (batches that stay under bind limits).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
