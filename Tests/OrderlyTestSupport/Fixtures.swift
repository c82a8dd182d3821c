import Foundation
import OrderlyCore
import OrderlyStore

/// A small business most tests start from: a warehouse in Amsterdam, two stores (Utrecht,
/// Rotterdam), a supplier, a few products and a web channel that sells from everywhere.
public enum Fixtures {
    public static let warehouse = LocationID("WH-AMS")
    public static let utrecht = LocationID("ST-UTR")
    public static let rotterdam = LocationID("ST-RTM")
    public static let supplier = LocationID("SUP-1")
    public static let web = ChannelID("web")
    public static let amsterdam = Coordinates(latitude: 52.37, longitude: 4.90)

    @discardableResult
    public static func seed(_ stores: Stores) async throws -> Stores {
        for location in [
            Location(id: warehouse, name: "Amsterdam DC", kind: .warehouse, coordinates: amsterdam, priority: 10),
            Location(id: utrecht, name: "Utrecht store", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50),
            Location(id: rotterdam, name: "Rotterdam store", kind: .store, coordinates: .init(latitude: 51.92, longitude: 4.48), priority: 50),
            Location(id: supplier, name: "Supplier", kind: .supplier, priority: 90),
        ] {
            _ = try await stores.locations.create(location, actor: "test")
        }
        _ = try await stores.products.upsert(
            ["SKU-1", "SKU-2", "SKU-3"].map { Product(sku: SKU($0), name: "Product \($0)") }, actor: "test", bulk: true)
        _ = try await stores.channels.create(Channel(id: web, name: "Web shop", kind: .web), actor: "test")
        return stores
    }

    /// Sets on-hand by count.
    public static func stock(_ stores: Stores, _ sku: SKU, _ location: LocationID, _ onHand: Int64, safetyStock: Int64? = nil) async throws {
        _ = try await stores.inventory.count(sku: sku, locationId: location, onHand: onHand, safetyStock: safetyStock, actor: "test")
    }
}
