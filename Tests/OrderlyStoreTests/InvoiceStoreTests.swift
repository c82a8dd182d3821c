import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Invoices")
struct InvoiceStoreTests {
    /// Eight orders shipped at the same time: eight invoices numbered 1 to 8 in this year's
    /// series, none twice, none missing — on both engines.
    @Test(arguments: Engine.all)
    func concurrentShipmentsDrawNumbersWithoutGaps(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 20)
            var work: [FulfillmentOrderID] = []
            for n in 0..<8 {
                let order = try await stores.orders.place(
                    OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 1000 + Int64(n))], externalId: "inv-\(n)"), actor: nil
                ).order
                let fo = try #require(
                    try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first)
                _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
                work.append(fo.id)
            }
            let line = StartLine(count: work.count)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in work {
                    group.addTask {
                        await line.arrive()
                        _ = try await stores.fulfillmentOrders.ship(id, lines: [(1, 1)], carrier: "PostNL", trackingNumber: nil, actor: nil)
                    }
                }
                try await group.waitForAll()
            }
            let invoices = try await stores.invoices.list(orderId: nil, after: nil, limit: 100).items
            let series = Invoice.series(.invoice, at: Date())
            #expect(invoices.count == 8 && invoices.allSatisfy { $0.kind == .invoice })
            #expect(invoices.map(\.number).sorted() == (1...8).map { Invoice.number(series: series, sequence: Int64($0)) })
            #expect(Set(invoices.map(\.orderId)).count == 8)
        }
    }
}
