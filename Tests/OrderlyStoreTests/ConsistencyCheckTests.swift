import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Consistency check")
struct ConsistencyCheckTests {
    @Test(arguments: Engine.all)
    func findsStockThatOrdersDoNotAccountFor(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let stores = try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let order = try await stores.orders.place(
                OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 500, delivery: .ship)], externalId: "c-1"), actor: "test")
            #expect(try await stores.consistency.run().isEmpty)

            // Reserved stock no order holds, an on-hand the ledger does not explain, a line whose units do not add up:
            try await stores.database.execute("UPDATE inventory_levels SET reserved = reserved + 2, on_hand = on_hand + 1 WHERE sku = 'SKU-1'")
            try await stores.database.execute("UPDATE order_lines SET backordered = 1 WHERE order_id = '\(order.order.id)'")
            let findings = try await stores.consistency.run()
            #expect(Set(findings.map(\.rule)) == ["reserved", "ledger", "line"])
            #expect(findings.first { $0.rule == "reserved" }?.detail == "reserved 5, but orders and reservations hold 3")

            // Put it back, or the suite's own check after every test fails this one.
            try await stores.database.execute("UPDATE inventory_levels SET reserved = reserved - 2, on_hand = on_hand - 1 WHERE sku = 'SKU-1'")
            try await stores.database.execute("UPDATE order_lines SET backordered = 0 WHERE order_id = '\(order.order.id)'")
            #expect(try await stores.consistency.run().isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func findsSupplyPromisedTwiceOrBeyondWhatWaits(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let stores = try await Fixtures.seed(stores)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-P", locationId: Fixtures.warehouse, expectedAt: Date().addingTimeInterval(86400),
                    lines: [.init(sku: "SKU-1", quantity: 2)]),
                actor: "test")
            let order = try await stores.orders.place(
                OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 500, delivery: .ship)], externalId: "p-1"), actor: "test")
            #expect(order.promises.map(\.quantity) == [2])
            #expect(try await stores.consistency.run().isEmpty)

            // A promised total its promises do not make up, beyond what the supply still brings; a line promised more than waits:
            try await stores.database.execute("UPDATE supply_lines SET promised = 3 WHERE supply_id = 'PO-P'")
            try await stores.database.execute("UPDATE order_lines SET backordered = 1, cancelled = 1 WHERE order_id = '\(order.order.id)'")
            let findings = try await stores.consistency.run()
            #expect(
                findings.filter { $0.rule == "promise" }.map(\.detail).sorted() == [
                    "promised 2 units, but 1 wait", "promised 3, promises hold 2, 2 still expected",
                ])

            try await stores.database.execute("UPDATE supply_lines SET promised = 2 WHERE supply_id = 'PO-P'")
            try await stores.database.execute("UPDATE order_lines SET backordered = 2, cancelled = 0 WHERE order_id = '\(order.order.id)'")
            #expect(try await stores.consistency.run().isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func findsTotalsThatAreNotTheSumOfTheirParts(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let stores = try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            let order = try await stores.orders.place(OrderMoneyStoreTests.draft(), actor: "test").order
            #expect(try await stores.consistency.run().isEmpty)

            // A total one cent off its parts, and a discount share lost from a line:
            try await stores.database.execute("UPDATE orders SET total = total + 1 WHERE id = '\(order.id)'")
            try await stores.database.execute(
                "UPDATE order_lines SET order_discount = order_discount - 1 WHERE order_id = '\(order.id)' AND line_no = 2")
            let findings = try await stores.consistency.run()
            #expect(findings.map(\.rule) == ["money", "money"] && findings.allSatisfy { $0.subject == order.id.rawValue })
            #expect(findings.last?.detail == "order discounts of 1001 are shared as 1000 over the lines")

            try await stores.database.execute("UPDATE orders SET total = total - 1 WHERE id = '\(order.id)'")
            try await stores.database.execute(
                "UPDATE order_lines SET order_discount = order_discount + 1 WHERE order_id = '\(order.id)' AND line_no = 2")
            #expect(try await stores.consistency.run().isEmpty)
        }
    }

    /// A delivered, paid order: what was captured less what was refunded is what its invoices
    /// less its credit notes say — a goodwill refund by hand brings its own credit note — and a
    /// difference is found.
    @Test(arguments: Engine.all)
    func findsPaymentsThatTheDocumentsDoNotAccountFor(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let stores = try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            var draft = OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 1500)], externalId: "doc-1")
            draft.shippingPrice = 495
            let order = try await stores.orders.place(draft, actor: "test").order
            _ = try await stores.payments.record(
                .init(kind: .sale, amount: 3495, currency: "EUR", provider: "psp", reference: "doc-sale"), on: order.id, actor: "psp")
            let fo = try #require(
                try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
            _ = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 2)], carrier: nil, trackingNumber: nil, actor: nil)
            _ = try await stores.payments.record(
                .init(kind: .refund, amount: 300, currency: "EUR", provider: "manual", reference: "goodwill-1", note: "late delivery"),
                on: order.id, actor: "agent")
            let documents = try await stores.invoices.list(orderId: order.id, after: nil, limit: nil).items
            #expect(documents.map(\.kind) == [.invoice, .creditNote] || documents.map(\.kind) == [.creditNote, .invoice])
            #expect(documents.first { $0.kind == .creditNote }?.lines.first?.description == "Refund: late delivery")
            #expect(try await stores.consistency.run().isEmpty, "3495 − 300 captured and refunded; 3495 − 300 invoiced and credited")

            try await stores.database.execute("UPDATE orders SET captured_amount = captured_amount + 5 WHERE id = '\(order.id)'")
            let findings = try await stores.consistency.run()
            #expect(findings.map(\.detail) == ["captured less refunded is 3200, but invoices less credit notes are 3195"])
            try await stores.database.execute("UPDATE orders SET captured_amount = captured_amount - 5 WHERE id = '\(order.id)'")
            #expect(try await stores.consistency.run().isEmpty)
        }
    }
}
