import Foundation
import OrderlyCore
import Testing

@Suite("Return policy")
struct ReturnPolicyTests {
    static func order(discount: Int64 = 0, shipping: Int64 = 0) -> Order {
        var lines = [
            OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 3000, delivery: .ship),
            OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 4000, delivery: .ship),
        ]
        lines[0].fulfilledQuantity = 2
        lines[1].fulfilledQuantity = 1
        // The order discount shared by value: 6000/10000 and 4000/10000 of it.
        for (i, share) in Money.spread(discount, over: lines.map(\.gross)).enumerated() { lines[i].orderDiscount = share }
        var order = Order(
            id: "o", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 10_000, shipping: shipping, discount: discount), shippingAddress: nil, coordinates: nil, lines: lines,
            createdAt: Date())
        order.shippingLines = shipping > 0 ? [ShippingLine(method: "standard", price: shipping)] : []
        return order
    }

    @Test func refundsWhatWasPaidWithTheDiscountProRata() {
        let order = Self.order(discount: 1000, shipping: 495)
        // One unit of A: 3000 less 10% of the discount's share (3000/10000 × 1000 = 300).
        #expect(ReturnPolicy.refund(for: [.init(orderLine: 1, sku: "A", quantity: 1, reason: "size")], order: order, alreadyReturned: [:]) == 2700)
        // Everything comes back: all paid, shipping included.
        let all: [Return.Line] = [.init(orderLine: 1, sku: "A", quantity: 2, reason: "x"), .init(orderLine: 2, sku: "B", quantity: 1, reason: "x")]
        #expect(ReturnPolicy.refund(for: all, order: order, alreadyReturned: [:]) == order.totals.total)
        // The last unit completes the return: shipping comes with it.
        #expect(
            ReturnPolicy.refund(for: [.init(orderLine: 2, sku: "B", quantity: 1, reason: "x")], order: order, alreadyReturned: [1: 2]) == 3600 + 495)
    }

    @Test func overReturnsAreRefused() throws {
        var order = Self.order()
        order.lines[0].returnedQuantity = 1
        let store = Location(id: "ST", name: "Store", kind: .store)
        let error = #expect(throws: OrderlyError.self) {
            try ReturnPolicy.validate([(1, 1, "size"), (1, 1, "size")], order: order, pending: [:], location: store, method: .store)
        }
        #expect(error?.code == .notReturnable && error?.fieldErrors.map(\.field) == ["lines[1].quantity"])
        #expect(throws: OrderlyError.self) {
            try ReturnPolicy.validate([(2, 1, "x")], order: order, pending: [2: 1], location: store, method: .store)
        }
        let warehouse = Location(id: "WH", name: "WH", kind: .warehouse)
        let inStore = #expect(throws: OrderlyError.self) {
            try ReturnPolicy.validate([(2, 1, "x")], order: order, pending: [:], location: warehouse, method: .store)
        }
        #expect(inStore?.fieldErrors.map(\.field) == ["locationId"])
        #expect(try ReturnPolicy.validate([(2, 1, "x")], order: order, pending: [:], location: warehouse, method: .mail).count == 1)
    }

    @Test func hugeQuantitiesAreRefusedNotTrapped() {
        // Found by fuzzing: several huge quantities on one line overflowed while being added up.
        let store = Location(id: "ST", name: "Store", kind: .store)
        let error = #expect(throws: OrderlyError.self) {
            try ReturnPolicy.validate(
                [(1, .max, "x"), (1, .max, "x"), (1, -5, "x")], order: Self.order(), pending: [:], location: store, method: .store)
        }
        #expect(error?.fieldErrors.map(\.field) == ["lines[0].quantity", "lines[1].quantity", "lines[2].quantity"])
        let cancel = #expect(throws: OrderlyError.self) {
            try Self.order().cancellationTargets([OrderCancellation(line: 1, quantity: .max), OrderCancellation(line: 1, quantity: .max)])
        }
        #expect(cancel?.fieldErrors.map(\.field) == ["lines[0].quantity", "lines[1].quantity"])
    }

    @Test func receivingRestocksResellableUnitsAndCompletesWhenNothingIsOutstanding() throws {
        let ret = Return(
            id: "ret_1", orderId: "o", locationId: "ST", method: .store,
            lines: [.init(orderLine: 1, sku: "A", quantity: 2, reason: "size"), .init(orderLine: 2, sku: "B", quantity: 1, reason: "broken")],
            refundAmount: 10_000, currency: "EUR", createdAt: Date())
        let first = try ret.receiving([(1, 1, .resellable), (2, 1, .damaged)], order: Self.order())
        #expect(first.restock == ["A": 1], "damaged units are recorded, not restocked")
        #expect(first.ret.lines.map(\.receivedQuantity) == [1, 1] && first.ret.lines.map(\.damagedQuantity) == [0, 1])
        #expect(first.ret.status == .requested, "one unit of A is still on its way")
        #expect(first.order.lines.map(\.returnedQuantity) == [1, 1])
        let second = try first.ret.receiving([(1, 1, .resellable)], order: first.order)
        #expect(second.ret.status == .received && second.restock == ["A": 1] && second.event.type == .returnReceived)
        let over = #expect(throws: OrderlyError.self) { try first.ret.receiving([(1, 2, .resellable), (9, 1, .damaged)], order: first.order) }
        #expect(over?.fieldErrors.map(\.field) == ["lines[0].quantity", "lines[1].orderLineId"])
        #expect(throws: OrderlyError.conflict("Return ret_1 is received and cannot be received")) {
            try second.ret.receiving([(1, 1, .resellable)], order: second.order)
        }
    }

    /// Units handed over at a counter with a condition each are received as the return opens;
    /// an open-box unit is counted apart and not restocked; a condition on some lines only, or
    /// on a return by mail, is refused by field.
    @Test func unitsHandedOverAtTheCounterAreReceivedWithTheirCondition() throws {
        #expect(try ReturnPolicy.handedOver([((1, 2, "size"), nil)], method: .store) == nil, "no condition: the units are still to come")
        let handed = try #require(try ReturnPolicy.handedOver([((1, 1, "size"), .resellable), ((1, 1, "size"), .openBox)], method: .store))
        #expect(handed.map(\.quantity) == [1, 1] && handed.map(\.condition) == [.resellable, .openBox])
        let partly = #expect(throws: OrderlyError.self) {
            try ReturnPolicy.handedOver([((1, 1, "size"), .damaged), ((2, 1, "size"), nil)], method: .store)
        }
        #expect(partly?.fieldErrors.map(\.field) == ["lines[1].condition"])
        let mail = #expect(throws: OrderlyError.self) { try ReturnPolicy.handedOver([((1, 1, "size"), .damaged)], method: .mail) }
        #expect(mail?.fieldErrors.map(\.field) == ["lines[0].condition"])

        let ret = Return(
            id: "ret_2", orderId: "o", locationId: "ST", method: .store, lines: [.init(orderLine: 1, sku: "A", quantity: 2, reason: "size")],
            refundAmount: 10_000, currency: "EUR", createdAt: Date())
        let receipt = try ret.receiving(handed, order: Self.order())
        #expect(receipt.restock == ["A": 1] && receipt.ret.status == .received)
        #expect(receipt.ret.lines.map(\.restockedQuantity) == [1] && receipt.ret.lines.map(\.openBoxQuantity) == [1])
        #expect(receipt.order.lines.first?.returnedQuantity == 2)
    }
}
