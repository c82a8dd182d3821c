import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Order routing in the store")
struct OrderRoutingStoreTests {
    typealias Draft = OrderStoreTests

    @Test(arguments: Engine.all)
    func splitsAcrossLocationsWithOneFulfillmentOrderEach(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 2)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.rotterdam, 2)
            let order = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100), .init(sku: "SKU-2", quantity: 2, unitPrice: 100)]), actor: nil
            ).order
            #expect(order.status == .processing)
            let fos = try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(Set(fos.map(\.locationId)) == [Fixtures.warehouse, Fixtures.rotterdam])
            let allocated = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.first { $0.type == "order.allocated" }
            #expect(allocated?.data.contains("split 2") == true)
        }
    }

    @Test(arguments: Engine.all)
    func partialPolicyAllocatesWhatExistsAndCountsServeTheRest(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .partial }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 100)]), actor: nil).order
            #expect(order.lines[0].allocatedQuantity == 1 && order.lines[0].backorderedQuantity == 2 && order.status == .awaitingStock)
            let reason = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.first { $0.type == "order.backordered" }?.data
            #expect(reason?.contains("partial allocation") == true)
            // A store counts two more on its shelf: the waiting units are served from there.
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 2)
            let served = try await stores.orders.get(order.id)
            #expect(served.lines[0].allocatedQuantity == 3 && served.lines[0].backorderedQuantity == 0 && served.status == .processing)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level.reserved == 2)
            #expect(
                try await stores.fulfillmentOrders.list(orderId: order.id, locationId: Fixtures.utrecht, status: .open, after: nil, limit: nil).items
                    .count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func dropShipSkusGoToTheirSupplier(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.products.upsert(
                [Product(sku: "KAYAK", name: "Kayak", sellBeyondStock: .backorder, dropshipSupplier: Fixtures.supplier)], actor: nil, bulk: false)
            try await Fixtures.stock(stores, "KAYAK", Fixtures.supplier, 1)
            try await Fixtures.stock(stores, "KAYAK", Fixtures.warehouse, 10)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(
                Draft.draft([.init(sku: "KAYAK", quantity: 2, unitPrice: 99_900), .init(sku: "SKU-1", quantity: 1, unitPrice: 100)]), actor: nil
            ).order
            #expect(order.lines[0].allocatedQuantity == 1 && order.lines[0].backorderedQuantity == 1)
            let fos = try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(fos.first { $0.type == .dropship }?.locationId == Fixtures.supplier)
            #expect(fos.first { $0.type == .ship }?.lines.map(\.sku) == ["SKU-1"])
            #expect(try await stores.inventory.level(sku: "KAYAK", locationId: Fixtures.warehouse).level.reserved == 0, "never from the DC")
        }
    }

    @Test(arguments: Engine.all)
    func preOrdersWaitForTheirReleaseDate(engine: Engine) async throws {
        let time = ManualTime()
        try await TestDatabase.withStores(engine, time: time) { stores in
            try await Fixtures.seed(stores)
            let release = time.now.addingTimeInterval(7 * 86400)
            _ = try await stores.products.upsert(
                [Product(sku: "NEW", name: "New tent", sellBeyondStock: .preorder, releaseDate: release)], actor: nil, bulk: false)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "NEW", Fixtures.warehouse, 5)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "NEW", quantity: 2, unitPrice: 100)]), actor: nil).order
            #expect(order.lines[0].allocatedQuantity == 0 && order.lines[0].backorderedQuantity == 2 && order.status == .awaitingStock)
            #expect(try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.isEmpty)
            try await Fixtures.stock(stores, "NEW", Fixtures.warehouse, 8)
            #expect(try await stores.orders.get(order.id).lines[0].allocatedQuantity == 0, "stock arriving early does not release a pre-order")
            #expect(try await stores.orders.allocateWaiting() == 0)

            time.advance(by: 7 * 86400 + 1)
            #expect(try await stores.orders.allocateWaiting() == 2)
            let released = try await stores.orders.get(order.id)
            #expect(released.lines[0].allocatedQuantity == 2 && released.status == .processing)
            #expect(try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func pickupLinesWaitAtTheirStore(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100, delivery: .pickup(Fixtures.utrecht))]), actor: nil
            ).order
            #expect(order.lines[0].backorderedQuantity == 1, "warehouse stock is not the store's shelf")
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 3)
            #expect(try await stores.orders.get(order.id).lines[0].allocatedQuantity == 0)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 1)
            let ready = try await stores.orders.get(order.id)
            #expect(ready.lines[0].allocatedQuantity == 1)
            let fo = try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(fo.map(\.type) == [.pickup] && fo.map(\.locationId) == [Fixtures.utrecht])
        }
    }

    @Test(arguments: Engine.all)
    func locationsAtDailyCapacityAreSkipped(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.locations.update(Fixtures.warehouse, actor: nil) { $0.dailyCapacity = 1 }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 10)
            let first = try await stores.orders.place(Draft.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)]), actor: nil).order
            let second = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], email: "bob@example.com"), actor: nil
            ).order
            let a = try await stores.fulfillmentOrders.list(orderId: first.id, locationId: nil, status: nil, after: nil, limit: nil).items
            let b = try await stores.fulfillmentOrders.list(orderId: second.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(a.map(\.locationId) == [Fixtures.warehouse])
            #expect(b.map(\.locationId) == [Fixtures.rotterdam], "the warehouse took its one fulfillment order of the day")
        }
    }
}
