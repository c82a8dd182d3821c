import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Fulfillment execution")
struct FulfillmentStoreTests {
    typealias Draft = OrderStoreTests

    static func fulfillmentOrders(_ stores: Stores, _ order: OrderID) async throws -> [FulfillmentOrder] {
        try await stores.fulfillmentOrders.list(orderId: order, locationId: nil, status: nil, after: nil, limit: nil).items
    }

    @Test(arguments: Engine.all)
    func partialShipmentsMoveStockThroughTheLedger(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "SKU-1", quantity: 5, unitPrice: 100)]), actor: nil).order
            let fo = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            await #expect(throws: OrderlyError.self) {
                try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 1)], carrier: nil, trackingNumber: nil, actor: nil)
            }
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: "dc")
            let first = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 2)], carrier: "PostNL", trackingNumber: "3SABC1", actor: "dc")
            #expect(first.status == .partiallyShipped && first.lines[0].fulfilledQuantity == 2)
            var level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.onHand == 8 && level.reserved == 3)
            #expect(try await stores.orders.get(order.id).status == .partiallyFulfilled)
            let over = await #expect(throws: OrderlyError.self) {
                try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 4)], carrier: nil, trackingNumber: nil, actor: nil)
            }
            #expect(over?.fieldErrors.first?.field == "lines[0].quantity")
            let done = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 3)], carrier: "PostNL", trackingNumber: "3SABC2", actor: "dc")
            #expect(done.status == .shipped && done.shipments.count == 2)
            level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.onHand == 5 && level.reserved == 0)
            let shipped = try await stores.orders.get(order.id)
            #expect(shipped.status == .fulfilled && shipped.lines[0].fulfilledQuantity == 5 && shipped.lines[0].allocatedQuantity == 0)
            let ledger = try await stores.inventory.ledger(sku: "SKU-1", locationId: Fixtures.warehouse, before: nil, limit: 2).items
            #expect(ledger.map(\.reason) == [.shipment, .shipment] && ledger.map(\.delta) == [-3, -2])
            await #expect(throws: OrderlyError.self) { try await stores.orders.cancel(order.id, lines: nil, reason: nil, actor: nil) }
        }
    }

    @Test(arguments: Engine.all)
    func concurrentShipmentConfirmationsNeverDoubleDecrement(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "SKU-1", quantity: 4, unitPrice: 100)]), actor: nil).order
            let fo = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 4)], carrier: "DHL", trackingNumber: "X", actor: nil)
                            return true
                        } catch is OrderlyError { return false }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.onHand == 6 && level.reserved == 0)
        }
    }

    @Test(arguments: Engine.all)
    func pickupCodesHandOverOnceAndWrongCodesAreLogged(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 3)
            let order = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100, delivery: .pickup(Fixtures.utrecht))]), actor: nil
            ).order
            let fo = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            #expect(fo.type == .pickup)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: "store")
            let ready = try await stores.fulfillmentOrders.readyForPickup(fo.id, actor: "store")
            let code = try #require(ready.pickupCode)
            #expect(code.count == 8)
            let wrong = await #expect(throws: OrderlyError.self) {
                try await stores.fulfillmentOrders.pickUp(fo.id, code: "WRONG123", actor: "store")
            }
            #expect(wrong?.fieldErrors.first?.field == "pickupCode")
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do {
                            _ = try await stores.fulfillmentOrders.pickUp(fo.id, code: code.lowercased(), actor: "store")
                            return true
                        } catch is OrderlyError { return false }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "two associates confirming at once hand it over once")
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(level.onHand == 1 && level.reserved == 0)
            #expect(try await stores.orders.get(order.id).status == .fulfilled)
            let types = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.map(\.type)
            #expect(types.contains("fulfillment.pickup_refused") && types.contains("fulfillment.picked_up"))
        }
    }

    @Test(arguments: Engine.all)
    func rejectionReroutesExcludingTheRejectingStore(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 2)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 2)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            var draft = Draft.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)])
            draft.coordinates = Coordinates(latitude: 52.09, longitude: 5.12)
            let order = try await stores.orders.place(draft, actor: nil).order
            let first = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            #expect(first.locationId == Fixtures.utrecht)
            _ = try await stores.fulfillmentOrders.reject(first.id, reason: .notFound, note: "shelf empty", actor: "utrecht")
            var utr = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(utr.reserved == 0 && utr.onHand == 0, "not found: the phantom stock is written off")
            let second = try #require(try await Self.fulfillmentOrders(stores, order.id).first { $0.status == .open })
            #expect(second.locationId == Fixtures.rotterdam)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.rotterdam).level.reserved == 2)

            _ = try await stores.fulfillmentOrders.reject(second.id, reason: .noCapacity, note: nil, actor: "rotterdam")
            let rtm = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.rotterdam).level
            #expect(rtm.onHand == 2 && rtm.reserved == 0, "no capacity: the stock stays")
            let after = try await stores.orders.get(order.id)
            #expect(after.lines[0].allocatedQuantity == 1 && after.lines[0].backorderedQuantity == 1, "only the warehouse is left, with one")
            #expect(after.status == .awaitingStock)
            utr = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(utr.reserved == 0)
            let types = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.map(\.type)
            #expect(types.filter { $0 == "fulfillment.rejected" }.count == 2 && types.filter { $0 == "order.rerouted" }.count == 2)
        }
    }

    @Test(arguments: Engine.all)
    func pickListsAndUncollectedPickups(engine: Engine) async throws {
        let time = ManualTime()
        try await TestDatabase.withStores(engine, time: time) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 5)
            let a = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100, delivery: .pickup(Fixtures.utrecht))]), actor: nil
            ).order
            let b = try await stores.orders.place(
                Draft.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], email: "bob@example.com"), actor: nil
            ).order
            let list = try await stores.fulfillmentOrders.pickList(Fixtures.utrecht)
            #expect(list.map(\.sku) == ["SKU-1"] && list.first?.quantity == 3)
            #expect(Set(list.first?.orders.map(\.orderId) ?? []) == [a.id, b.id])

            let pickup = try #require(try await Self.fulfillmentOrders(stores, a.id).first)
            _ = try await stores.fulfillmentOrders.readyForPickup(pickup.id, actor: nil)
            #expect(try await stores.fulfillmentOrders.pickList(Fixtures.utrecht).first?.quantity == 1, "packed pickups are off the pick list")
            time.advance(by: 3 * 86400)
            #expect(try await stores.fulfillmentOrders.expireUncollectedPickups(olderThanDays: 7) == 0)
            time.advance(by: 5 * 86400)
            #expect(try await stores.fulfillmentOrders.expireUncollectedPickups(olderThanDays: 7) == 1)
            #expect(try await stores.orders.get(a.id).status == .cancelled)
            #expect(try await stores.fulfillmentOrders.get(pickup.id).status == .cancelled)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level.reserved == 1)
        }
    }

    @Test(arguments: Engine.all)
    func rejectionOnARejectChannelHoldsWhatCannotBeRefilled(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 2)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)]), actor: nil).order
            let fo = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            _ = try await stores.fulfillmentOrders.reject(fo.id, reason: .damaged, note: nil, actor: "utrecht")
            let held = try await stores.orders.get(order.id)
            #expect(held.status == .onHold && held.holds.map(\.source) == [.rule])
            #expect(held.lines[0].backorderedQuantity == 2 && held.lines[0].allocatedQuantity == 0)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(level.onHand == 0 && level.reserved == 0)
            let entry = try await stores.inventory.ledger(sku: "SKU-1", locationId: Fixtures.utrecht, before: nil, limit: 1).items.first
            #expect(entry?.reason == .damage && entry?.delta == -2)
        }
    }

    @Test(arguments: Engine.all)
    func dropShipOrdersAreShippedByTheSupplier(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.products.upsert([Product(sku: "KAYAK", name: "Kayak", dropshipSupplier: Fixtures.supplier)], actor: nil, bulk: false)
            try await Fixtures.stock(stores, "KAYAK", Fixtures.supplier, 3)
            let order = try await stores.orders.place(Draft.draft([.init(sku: "KAYAK", quantity: 1, unitPrice: 99_900)]), actor: nil).order
            let fo = try #require(try await Self.fulfillmentOrders(stores, order.id).first)
            #expect(fo.type == .dropship && fo.locationId == Fixtures.supplier)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: "supplier")
            let shipped = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 1)], carrier: "DHL", trackingNumber: "JD01", actor: "supplier")
            #expect(shipped.status == .shipped)
            #expect(try await stores.orders.get(order.id).status == .fulfilled)
            let level = try await stores.inventory.level(sku: "KAYAK", locationId: Fixtures.supplier).level
            #expect(level.onHand == 2 && level.reserved == 0)
        }
    }
}
