import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Returns")
struct ReturnStoreTests {
    /// A web order of 3 × SKU-1 shipped from the warehouse, with a discount and shipping.
    static func shippedOrder(_ stores: Stores) async throws -> Order {
        try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
        var draft = OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 2000)])
        draft.discount = 600
        draft.shippingPrice = 495
        let order = try await stores.orders.place(draft, actor: nil).order
        let fo = try #require(
            try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first)
        _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
        _ = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 3)], carrier: "PostNL", trackingNumber: "1", actor: nil)
        return try await stores.orders.get(order.id)
    }

    @Test(arguments: Engine.all)
    func inStoreReturnOfAWebOrderRestocksByCondition(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let order = try await Self.shippedOrder(stores)
            let ret = try await stores.returns.create(
                orderId: order.id, locationId: Fixtures.utrecht, method: .store, lines: [(1, 2, "too small")], actor: "utrecht")
            #expect(ret.status == .requested && ret.refundAmount == 2 * 2000 - 400, "two units less their 2/3 share of the 600 discount")
            let partly = try await stores.returns.receive(ret.id, lines: [(1, 1, .resellable)], actor: "utrecht")
            #expect(partly.status == .requested && partly.lines[0].receivedQuantity == 1)
            #expect(try await stores.orders.get(order.id).status == .partiallyReturned)
            let done = try await stores.returns.receive(ret.id, lines: [(1, 1, .damaged)], actor: "utrecht")
            #expect(done.status == .received && done.lines[0].restockedQuantity == 1 && done.lines[0].damagedQuantity == 1)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(level.onHand == 1, "only the resellable unit is sellable, at the store that received it")
            let entry = try await stores.inventory.ledger(sku: "SKU-1", locationId: Fixtures.utrecht, before: nil, limit: 1).items.first
            #expect(entry?.reason == .returnRestock && entry?.reference == ret.id.rawValue)
            #expect(try await stores.orders.get(order.id).lines[0].returnedQuantity == 2)

            let over = await #expect(throws: OrderlyError.self) {
                try await stores.returns.create(orderId: order.id, locationId: Fixtures.utrecht, method: .store, lines: [(1, 2, "again")], actor: nil)
            }
            #expect(over?.code == .notReturnable)
            let last = try await stores.returns.create(
                orderId: order.id, locationId: Fixtures.warehouse, method: .mail, lines: [(1, 1, "changed mind")], actor: nil)
            #expect(last.refundAmount == 2000 - 200 + 495, "the last unit brings the shipping charge back")
            _ = try await stores.returns.receive(last.id, lines: [(1, 1, .resellable)], actor: nil)
            #expect(try await stores.orders.get(order.id).status == .returned)

            let refunded = try await stores.returns.confirmRefund(last.id, actor: "psp")
            #expect(refunded.refundStatus == .refunded)
            let types = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.map(\.type)
            #expect(
                types.filter { $0 == "return.requested" }.count == 2 && types.filter { $0 == "return.received" }.count == 3
                    && types.contains("return.refunded"))
        }
    }

    @Test(arguments: Engine.all)
    func returnsOfUnfulfilledUnitsAreRefusedAndCreateNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 2000)]), actor: nil).order
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.returns.create(orderId: order.id, locationId: Fixtures.utrecht, method: .store, lines: [(1, 1, "x")], actor: nil)
            }
            #expect(error?.code == .notReturnable)
            #expect(try await stores.returns.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func exchangesCreateARoutedReplacementOrder(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let order = try await Self.shippedOrder(stores)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.rotterdam, 1)
            let ret = try await stores.returns.create(
                orderId: order.id, locationId: Fixtures.utrecht, method: .store, lines: [(1, 1, "wrong colour")],
                exchange: [.init(sku: "SKU-2", quantity: 1)],
                actor: "utrecht")
            let replacementId = try #require(ret.exchangeOrderId)
            let replacement = try await stores.orders.get(replacementId)
            #expect(replacement.channel == order.channel && replacement.customerId == order.customerId)
            #expect(replacement.totals.total == 0 && replacement.tags == ["exchange"])
            #expect(replacement.lines[0].allocatedQuantity == 1)
            #expect(try await stores.inventory.level(sku: "SKU-2", locationId: Fixtures.rotterdam).level.reserved == 1)
            let refused = await #expect(throws: OrderlyError.self) {
                try await stores.returns.create(
                    orderId: order.id, locationId: Fixtures.utrecht, method: .store, lines: [(1, 1, "x")],
                    exchange: [.init(sku: "GHOST", quantity: 1)],
                    actor: nil)
            }
            #expect(refused?.code == .validationFailed)
            #expect(
                try await stores.returns.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.count == 1,
                "a refused exchange opens no return")
        }
    }
}
