import Foundation
import OrderlyCore
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

@Suite("Order money, stored")
struct OrderMoneyStoreTests {
    static let vat21 = TaxRate(millionths: 210_000)

    /// Two lines with a line discount, VAT included on one, sales tax on the other, an order
    /// discount of 1001 that does not split evenly, express shipping with VAT and a billing address.
    static func draft(externalId: String = "money-1") -> OrderDraft {
        var draft = OrderStoreTests.draft(
            [
                .init(
                    sku: "SKU-1", quantity: 3, unitPrice: 2000, discounts: [.init(code: "TEN", name: "Ten off", amount: 600)],
                    taxes: [.init(name: "VAT", rate: vat21, amount: 864, included: true)]),
                .init(
                    sku: "SKU-2", quantity: 1, unitPrice: 1500,
                    taxes: [.init(name: "Sales tax", rate: TaxRate(millionths: 80_000), amount: 96, included: false)]),
            ], externalId: externalId)
        draft.discounts = [.init(code: "WELCOME", name: "Welcome", amount: 1001)]
        draft.shippingLines = [
            .init(method: "express", carrier: "DHL", price: 695, taxes: [.init(name: "VAT", rate: vat21, amount: 146, included: false)])
        ]
        draft.billingAddress = Address(name: "Ada Ltd", line1: "Keizersgracht 1", city: "Amsterdam", postalCode: "1015 CJ", country: "NL")
        return draft
    }

    /// 1001 over 5400 and 1500 (6900): 783.39… and 217.60… → 783, 217 and the cent left to the
    /// second line's larger remainder → 783, 218.
    @Test(arguments: Engine.all)
    func anOrdersMoneyIsStoredAsPricedAndReadBackWhole(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            let placed = try await stores.orders.place(Self.draft(), actor: nil).order
            let read = try await stores.orders.get(placed.id)
            #expect(read.lines.map(\.orderDiscount) == [783, 218])
            #expect(read.lines[0].discounts == [Discount(code: "TEN", name: "Ten off", amount: 600)])
            #expect(read.lines[0].taxes == [Tax(name: "VAT", rate: Self.vat21, amount: 864, included: true)])
            #expect(read.lines.map(\.total) == [4617, 1378], "6000 − 600 − 783 and 1500 − 218 + 96")
            #expect(read.discounts == [Discount(code: "WELCOME", name: "Welcome", amount: 1001)])
            #expect(read.shippingLines.first?.carrier == "DHL" && read.shippingLines.first?.total == 841)
            #expect(read.billingAddress?.name == "Ada Ltd")
            #expect(read.totals == OrderTotals(subtotal: 7500, discountTotal: 1601, taxTotal: 1106, shippingTotal: 695, total: 6836))
            #expect(read.totals == placed.totals && read.lines.map(\.total) == placed.lines.map(\.total))
        }
    }

    /// Orders placed before discounts had shares get them from the upgrade, by the same rule.
    @Test(arguments: Engine.all)
    func ordersFromBeforeTheUpgradeKeepTheirFiguresWithSharesAndAShippingLine(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            var draft = OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 1000), .init(sku: "SKU-2", quantity: 2, unitPrice: 1000)])
            draft.discount = 1001
            draft.shippingPrice = 495
            let placed = try await stores.orders.place(draft, actor: nil).order
            #expect(placed.lines.map(\.orderDiscount) == [334, 667])
            // As the rows stood before the upgrade.
            try await stores.database.execute("UPDATE order_lines SET order_discount = 0")
            try await stores.database.execute("UPDATE orders SET discounts = '[]', shipping_lines = '[]'")
            for statement in Migration0012OrderMoney.migration.statements(engine).suffix(2) {
                try await stores.database.execute(statement)
            }
            try await stores.database.transaction { db in try await OrderRows.spreadDiscountsOfEarlierOrders(db) }
            let upgraded = try await stores.orders.get(placed.id)
            #expect(upgraded.lines.map(\.orderDiscount) == [334, 667])
            #expect(upgraded.discounts == [Discount(name: "Discount", amount: 1001)])
            #expect(upgraded.shippingLines == [ShippingLine(method: "shipping", price: 495)])
            #expect(upgraded.totals == placed.totals && upgraded.totals.total == 3000 - 1001 + 495)
        }
    }

    /// A return refunds what the units paid: their share of every discount taken off, the taxes
    /// not included added; the last unit back brings the shipping charge with its tax.
    @Test(arguments: Engine.all)
    func returnsRefundWhatTheUnitsPaidTaxesIncluded(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            let order = try await stores.orders.place(Self.draft(), actor: nil).order
            let fo = try #require(
                try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
            _ = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 3), (2, 1)], carrier: "DHL", trackingNumber: "1", actor: nil)
            // Line 1 paid 4617 for 3 units: 1539 each.
            let first = try await stores.returns.create(
                orderId: order.id, locationId: Fixtures.warehouse, method: .mail, lines: [(1, 2, "size")], actor: nil)
            #expect(first.refundAmount == 3078)
            let rest = try await stores.returns.create(
                orderId: order.id, locationId: Fixtures.warehouse, method: .mail, lines: [(1, 1, "size"), (2, 1, "broken")], actor: nil)
            #expect(rest.refundAmount == 3758, "1539 + 1378 for the rest of the lines and 841, the shipping charge with its VAT")
            #expect(first.refundAmount + rest.refundAmount == order.totals.total, "everything back: exactly the order's total")
        }
    }
}
