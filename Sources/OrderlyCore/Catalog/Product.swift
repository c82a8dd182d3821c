import Foundation

/// A sellable item, identified by its sku. Products are upserted from a PIM or ERP.
public struct Product: Sendable, Equatable, Codable {
    /// What happens when a channel sells more than is on hand.
    public enum SellBeyondStock: String, Sendable, Codable, CaseIterable {
        /// Never sell what is not available.
        case never
        /// Sell and promise against incoming supply.
        case backorder
        /// Sell before release; nothing ships before `releaseDate`.
        case preorder
    }

    public var sku: SKU
    public var name: String
    public var attributes: [String: String]
    public var sellBeyondStock: SellBeyondStock
    public var releaseDate: Date?
    /// A supplier location that fulfils this sku by drop shipping.
    public var dropshipSupplier: LocationID?
    /// Which tax rates apply to it (`TaxRateRule.taxCategory`); nil is `standard`.
    public var taxCategory: String?
    /// Tags conditions read (`lines.productTags`): `fragile`, `bulky`.
    public var tags: [String] = []

    public init(
        sku: SKU, name: String, attributes: [String: String] = [:], sellBeyondStock: SellBeyondStock = .never,
        releaseDate: Date? = nil, dropshipSupplier: LocationID? = nil, taxCategory: String? = nil
    ) {
        self.taxCategory = taxCategory
        self.sku = sku
        self.name = name
        self.attributes = attributes
        self.sellBeyondStock = sellBeyondStock
        self.releaseDate = releaseDate
        self.dropshipSupplier = dropshipSupplier
    }

    public func validate(field prefix: String = "") throws(OrderlyError) {
        var v = Validator()
        v.identifier(sku.rawValue, prefix + "sku")
        v.text(name, prefix + "name")
        v.check(attributes.count <= 100, prefix + "attributes", "may hold at most 100 entries")
        for (key, value) in attributes where key.isEmpty || key.count > 100 || value.count > Limits.maxTextLength {
            v.add(prefix + "attributes.\(key)", "keys must be 1 to 100 characters, values at most \(Limits.maxTextLength)")
        }
        if sellBeyondStock == .preorder {
            v.check(releaseDate != nil, prefix + "releaseDate", "is required for preorder products")
        }
        if let dropshipSupplier { v.identifier(dropshipSupplier.rawValue, prefix + "dropshipSupplier") }
        if let taxCategory { v.identifier(taxCategory, prefix + "taxCategory") }
        v.tags(tags, prefix + "tags")
        try v.validate()
    }
}
