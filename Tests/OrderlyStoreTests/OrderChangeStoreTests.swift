import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Order changes under concurrency")
struct OrderChangeStoreTests {
    /// Two orders grow at the same moment over the last two units: the units are reserved
    /// once, never more than the shelf holds, and what did not fit waits for stock.
    @Test(arguments: Engine.all)
    func twoOrdersGrowingAtOnceNeverOversell(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 4)
            var ids: [OrderID] = []
            for n in 1...2 {
                let placed = try await stores.orders.place(
                    OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 1000)], externalId: "grow-\(n)"), actor: "web")
                ids.append(placed.order.id)
            }
            let line = StartLine(count: ids.count)
            let changed = try await withThrowingTaskGroup(of: Order.self) { group in
                for id in ids {
                    group.addTask {
                        await line.arrive()
                        return try await stores.orders.change(id, lines: [.init(line: 1, quantity: 3)], reason: "both at once", actor: "cs")
                    }
                }
                return try await group.reduce(into: [Order]()) { $0.append($1) }
            }
            #expect(changed.map { $0.lines[0].quantity } == [3, 3])
            #expect(changed.reduce(0) { $0 + $1.lines[0].allocatedQuantity } == 4, "the shelf's four units, reserved once")
            #expect(changed.reduce(0) { $0 + $1.lines[0].backorderedQuantity } == 2, "what did not fit waits for stock")
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.reserved == 4 && level.onHand == 4)
        }
    }
}
