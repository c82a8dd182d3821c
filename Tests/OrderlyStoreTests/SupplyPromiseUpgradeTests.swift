import Foundation
import OrderlyCore
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

@Suite("Supply promises after the upgrade")
struct SupplyPromiseUpgradeTests {
    /// Lines that waited before promises existed have none; the migration that brings promises
    /// makes them (`promiseWaiting`), oldest order first.
    @Test(arguments: Engine.all)
    func linesWaitingBeforePromisesArePromisedWhenTheyComeIn(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let stores = try await Fixtures.seed(stores)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-U", locationId: Fixtures.warehouse, expectedAt: Date().addingTimeInterval(86400),
                    lines: [.init(sku: "SKU-1", quantity: 3)]),
                actor: "test")
            var orders: [OrderID] = []
            for n in 0..<2 {
                let placed = try await stores.orders.place(
                    OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 500, delivery: .ship)], externalId: "u-\(n)"), actor: "test")
                orders.append(placed.order.id)
            }
            // As the database stood before the upgrade: lines waiting, nothing promised.
            try await stores.database.execute("DELETE FROM supply_promises")
            try await stores.database.execute("UPDATE supply_lines SET promised = 0")
            #expect(try await stores.orders.detail(orders[0]).promises.isEmpty)

            let looked = try await stores.database.transaction { db in try await SupplyStore.promiseWaiting(db, at: Date()) }
            #expect(looked == 1)
            #expect(try await stores.orders.detail(orders[0]).promises.map(\.quantity) == [2])
            #expect(try await stores.orders.detail(orders[1]).promises.map(\.quantity) == [1], "the older order first, the rest of the supply next")
        }
    }
}
