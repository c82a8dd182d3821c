import Foundation
import OrderlyCore
import Testing

/// What a location giving a fulfillment order back decides (`FulfillmentOrder.rejecting`).
@Suite("Rejection and re-routing")
struct RejectionTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)

    func order() -> Order {
        var line = OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 100, delivery: .ship)
        line.allocatedQuantity = 3
        return Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "cus_1", currency: "EUR",
            totals: .init(subtotal: 300, shipping: 0, discount: 0), shippingAddress: nil, coordinates: .init(latitude: 52.37, longitude: 4.89),
            lines: [line], createdAt: Self.now)
    }
    let fo = FulfillmentOrder(
        id: "fo_1", orderId: "ord_1", locationId: "ST-UTR", type: .ship, status: .accepted, lines: [.init(orderLine: 1, sku: "A", quantity: 3)],
        createdAt: now)

    func stock(_ available: Int64, onShortage: RoutingPolicy.ShortagePolicy) -> RoutingPlanner.Snapshot {
        let channel = Channel(id: "web", name: "Web", kind: .web, routing: .init(onShortage: onShortage))
        return .init(
            channel: channel, locations: [dc.id: dc, utrecht.id: utrecht], stock: ["A": ["DC": available, "ST-UTR": 9]],
            destination: order().coordinates, excluded: ["ST-UTR"], now: Self.now)
    }

    @Test func theUnitsGoElsewhereNeverBackToALocationThatRejected() throws {
        let plan = try fo.rejecting(
            reason: .noCapacity, note: "busy", order: order(), products: ["A": Product(sku: "A", name: "A")], stock: stock(5, onShortage: .reject),
            holdID: "h")
        #expect(plan.fulfillmentOrder.status == .rejected && plan.fulfillmentOrder.rejectionReason == .noCapacity)
        #expect(plan.returned.map(\.quantity) == [3])
        #expect(plan.routing.allocations.map(\.locationId) == ["DC"] && plan.routing.allocations.map(\.quantity) == [3])
        #expect(plan.order.lines[0].allocatedQuantity == 3, "3 left the store, 3 were allocated at the DC")
        #expect(plan.corrections.isEmpty, "a busy store's shelf is left as it is")
        #expect(plan.hold == nil)
        #expect(plan.events.map(\.type) == [.fulfillmentRejected, .orderRerouted])
    }

    @Test func unitsNotFoundOrDamagedComeOffTheShelf() throws {
        for (reason, ledger) in [(FulfillmentOrder.RejectionReason.notFound, LedgerReason.adjustment), (.damaged, .damage)] {
            let plan = try fo.rejecting(
                reason: reason, note: nil, order: order(), products: ["A": Product(sku: "A", name: "A")], stock: stock(5, onShortage: .backorder),
                holdID: "h")
            #expect(plan.corrections == ["A": 3])
            #expect(reason.stockCorrection == ledger)
        }
        let level = InventoryLevel(sku: "A", locationId: "ST-UTR", onHand: 4, reserved: 2)
        #expect(FulfillmentOrder.RejectionReason.correctedOnHand(level, removing: 3) == 2, "never below what other orders hold there")
        #expect(FulfillmentOrder.RejectionReason.correctedOnHand(level, removing: 1) == 3)
    }

    @Test func aChannelThatRefusesShortagesAllocatesWhatExistsAndHoldsTheOrder() throws {
        let plan = try fo.rejecting(
            reason: .notFound, note: nil, order: order(), products: ["A": Product(sku: "A", name: "A")], stock: stock(1, onShortage: .reject),
            holdID: "reroute-1")
        #expect(plan.routing.allocations.map(\.quantity) == [1])
        #expect(plan.order.lines[0].allocatedQuantity == 1)
        #expect(plan.hold == Hold(id: "reroute-1", reason: "re-routing after ST-UTR rejected found too little stock", source: .rule))
        #expect(plan.order.holds.map(\.id) == ["reroute-1"])
        #expect(plan.events.map(\.type) == [.fulfillmentRejected, .orderHeld, .orderRerouted])
    }

    @Test func aShippedFulfillmentOrderCannotBeRejected() {
        var shipped = fo
        shipped.status = .shipped
        #expect(throws: OrderlyError.self) {
            try shipped.rejecting(
                reason: .other, note: nil, order: order(), products: [:], stock: stock(5, onShortage: .partial), holdID: "h")
        }
    }
}
