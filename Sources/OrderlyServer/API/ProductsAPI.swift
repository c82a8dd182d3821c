import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listProducts(_ input: Operations.ListProducts.Input) async throws -> Operations.ListProducts.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        let page = try await stores.products.list(after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Product.init), nextCursor: page.nextCursor))))
    }

    func upsertProducts(_ input: Operations.UpsertProducts.Input) async throws -> Operations.UpsertProducts.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let payload) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        switch payload {
        case .ProductInput(let single):
            let product = Product(single)
            let result = try await stores.products.upsert([product], actor: Self.actor(caller), bulk: false)
            let body = Components.Schemas.Product(product)
            return result == [.created] ? .created(.init(body: .json(body))) : .ok(.init(body: .json(.Product(body))))
        case .case2(let many):
            let products = many.map(Product.init)
            let results = try await stores.products.upsert(products, actor: Self.actor(caller), bulk: true)
            return .ok(
                .init(
                    body: .json(
                        .ProductBulkResult(
                            .init(
                                items: products.map(Components.Schemas.Product.init),
                                created: results.filter { $0 == .created }.count,
                                updated: results.filter { $0 == .updated }.count,
                                unchanged: results.filter { $0 == .unchanged }.count)))))
        }
    }

    func getProduct(_ input: Operations.GetProduct.Input) async throws -> Operations.GetProduct.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(try await stores.products.get(SKU(input.path.sku))))))
    }

    func updateProduct(_ input: Operations.UpdateProduct.Input) async throws -> Operations.UpdateProduct.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let patch) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        var product = try await stores.products.get(SKU(input.path.sku))
        if let name = patch.name { product.name = name }
        if let attributes = patch.attributes { product.attributes = attributes.additionalProperties }
        if let policy = patch.sellBeyondStock { product.sellBeyondStock = Product.SellBeyondStock(rawValue: policy.rawValue) ?? .never }
        if let releaseDate = patch.releaseDate { product.releaseDate = releaseDate }
        if let supplier = patch.dropshipSupplier { product.dropshipSupplier = supplier.isEmpty ? nil : LocationID(supplier) }
        if let category = patch.taxCategory { product.taxCategory = category.isEmpty ? nil : category }
        if let tags = patch.tags { product.tags = tags }
        _ = try await stores.products.upsert([product], actor: Self.actor(caller), bulk: false)
        return .ok(.init(body: .json(.init(product))))
    }
}

extension Product {
    init(_ p: Components.Schemas.ProductInput) {
        self.init(
            sku: SKU(p.sku), name: p.name, attributes: p.attributes?.additionalProperties ?? [:],
            sellBeyondStock: p.sellBeyondStock.flatMap { SellBeyondStock(rawValue: $0.rawValue) } ?? .never,
            releaseDate: p.releaseDate, dropshipSupplier: p.dropshipSupplier.map(LocationID.init), taxCategory: p.taxCategory)
        tags = p.tags ?? []
    }
}

extension Components.Schemas.Product {
    init(_ p: Product) {
        self.init(
            sku: p.sku.rawValue, name: p.name, attributes: .init(additionalProperties: p.attributes),
            sellBeyondStock: .init(rawValue: p.sellBeyondStock.rawValue) ?? .never, releaseDate: p.releaseDate,
            dropshipSupplier: p.dropshipSupplier?.rawValue, taxCategory: p.taxCategory, tags: p.tags)
    }
}
