import Foundation
import OrderlyCore
import Testing

/// What cancelling units decides (`Order.cancelling`), without a database.
@Suite("Order cancellation")
struct OrderCancellationTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// Line 1: 10 × A — 2 waiting, 3 allocated at the DC not yet released, 5 released at the
    /// store (an older fulfillment order with 2, a newer one with 3). Line 2: 1 × B at the store.
    func order() -> Order {
        var a = OrderLine(number: 1, sku: "A", quantity: 10, unitPrice: 100, delivery: .ship)
        a.backorderedQuantity = 2
        a.allocatedQuantity = 8
        var b = OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 100, delivery: .ship)
        b.allocatedQuantity = 1
        return Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "cus_1", currency: "EUR",
            totals: .init(subtotal: 1100, shipping: 0, discount: 0), shippingAddress: nil, coordinates: nil, lines: [a, b], createdAt: Self.t0)
    }
    let allocations = [
        AllocationState(line: 1, location: "DC", type: .ship, quantity: 3, released: 0),
        AllocationState(line: 1, location: "ST", type: .ship, quantity: 5, released: 5),
        AllocationState(line: 2, location: "ST", type: .ship, quantity: 1, released: 1),
    ]
    var fulfillment: [OpenFulfillmentLine] {
        [
            .init(fulfillmentOrder: "fo_old", location: "ST", type: .ship, orderLine: 1, quantity: 2, fulfilledQuantity: 0, createdAt: Self.t0),
            .init(fulfillmentOrder: "fo_new", location: "ST", type: .ship, orderLine: 1, quantity: 3, fulfilledQuantity: 0, createdAt: Self.t0 + 60),
            .init(fulfillmentOrder: "fo_new", location: "ST", type: .ship, orderLine: 2, quantity: 1, fulfilledQuantity: 0, createdAt: Self.t0 + 60),
        ]
    }

    @Test func waitingUnitsGoFirstThenUnreleasedThenTheNewestFulfillmentOrder() throws {
        let plan = try order().cancelling([.init(line: 1, quantity: 7)], reason: "changed mind", allocations: allocations, fulfillment: fulfillment)
        // 2 waiting, 3 unreleased at the DC, 2 of the 5 released at the store — from the newer fulfillment order.
        #expect(plan.order.lines[0].backorderedQuantity == 0)
        #expect(plan.order.lines[0].allocatedQuantity == 3)
        #expect(plan.order.lines[0].cancelledQuantity == 7)
        #expect(plan.allocations.map(\.location) == ["DC", "ST"])
        #expect(plan.allocations.map(\.quantity) == [3, 2])
        #expect(plan.allocations.map(\.released) == [0, 2])
        #expect(plan.fulfillmentLines.map(\.fulfillmentOrder) == ["fo_new"] && plan.fulfillmentLines.map(\.quantity) == [2])
        #expect(plan.cancelledFulfillmentOrders.isEmpty)
        #expect(plan.unreserve.map(\.locationId) == ["DC", "ST"] && plan.unreserve.map(\.quantity) == [3, 2])
        #expect(plan.event.type == .orderCancelled)
    }

    @Test func aFulfillmentOrderLeftEmptyIsCancelled() throws {
        let plan = try order().cancelling(nil, reason: nil, allocations: allocations, fulfillment: fulfillment)
        #expect(plan.order.lines.map(\.cancelledQuantity) == [10, 1])
        #expect(plan.order.lines.map(\.allocatedQuantity) == [0, 0])
        #expect(Set(plan.cancelledFulfillmentOrders) == ["fo_new", "fo_old"])
        #expect(plan.unreserve.reduce(0) { $0 + $1.quantity } == 9, "every reserved unit is given back, the waiting ones held none")
        #expect(plan.order.status == .cancelled)
    }

    @Test func nothingLeftToCancelIsRefused() throws {
        let plan = try order().cancelling(nil, reason: nil, allocations: allocations, fulfillment: fulfillment)
        #expect(throws: OrderlyError.conflict("Order ORD-000001 has nothing left to cancel (status cancelled)")) {
            try plan.order.cancelling(nil, reason: nil, allocations: [], fulfillment: [])
        }
        #expect(throws: OrderlyError.self) {
            try order().cancelling([.init(line: 1, quantity: 11)], reason: nil, allocations: allocations, fulfillment: fulfillment)
        }
    }
}
