import Foundation
import OrderlyCore
import Testing

@Suite("Fulfillment steps offered to a location")
struct FulfillmentStepsTests {
    static func fo(_ type: FulfillmentType, _ status: FulfillmentOrder.Status, fulfilled: Int64 = 0) -> FulfillmentOrder {
        FulfillmentOrder(
            id: "fo_1", orderId: "o", locationId: "L", type: type, status: status,
            lines: [.init(orderLine: 1, sku: "A", quantity: 3, fulfilledQuantity: fulfilled), .init(orderLine: 2, sku: "B", quantity: 1)],
            createdAt: Date())
    }

    @Test func stepsFollowTheTransitions() {
        #expect(Self.fo(.ship, .open).canAccept && !Self.fo(.ship, .open).canShipEverything)
        #expect(Self.fo(.ship, .accepted).canShipEverything && !Self.fo(.ship, .accepted).canAccept)
        #expect(Self.fo(.ship, .partiallyShipped, fulfilled: 2).canShipEverything)
        #expect(Self.fo(.ship, .partiallyShipped, fulfilled: 2).openLines.map(\.quantity) == [1, 1])
        #expect(!Self.fo(.pickup, .open).canAccept && Self.fo(.pickup, .open).canMakeReady, "a pickup goes straight to ready")
        #expect(!Self.fo(.pickup, .open).canShipEverything)
        #expect(Self.fo(.pickup, .readyForPickup).canHandOver && !Self.fo(.pickup, .readyForPickup).canMakeReady)
        for finished in [FulfillmentOrder.Status.shipped, .pickedUp, .rejected, .cancelled] {
            let fo = Self.fo(.ship, finished)
            #expect(!fo.canAccept && !fo.canShipEverything && !fo.canMakeReady && !fo.canHandOver)
        }
    }

    @Test func pendingUnitsOpenOneFulfillmentOrderPerLocationAndType() {
        let order = RoutingPlannerTests.order([
            OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 1, delivery: .ship),
            OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 1, delivery: .ship),
            OrderLine(number: 3, sku: "C", quantity: 1, unitPrice: 1, delivery: .pickup("S1")),
        ])
        var n = 0
        let opened = FulfillmentOrder.opening(
            [
                .init(orderLine: 2, locationId: "W", type: .ship, quantity: 1), .init(orderLine: 3, locationId: "S1", type: .pickup, quantity: 1),
                .init(orderLine: 1, locationId: "W", type: .ship, quantity: 2), .init(orderLine: 1, locationId: "S1", type: .ship, quantity: 0),
            ],
            of: order, at: Date(),
            id: {
                n += 1
                return FulfillmentOrderID("fo_\(n)")
            })
        #expect(opened.map(\.locationId) == ["S1", "W"], "by location; the empty S1 ship left out")
        #expect(opened.map(\.type) == [.pickup, .ship])
        #expect(
            opened[1].lines.map(\.orderLine) == [1, 2] && opened[1].lines.map(\.sku) == ["A", "B"] && opened[1].lines.map(\.quantity) == [2, 1])
        #expect(opened.allSatisfy { $0.status == .open && $0.orderId == "o" } && opened.map(\.id) == ["fo_1", "fo_2"])
    }
}

@Suite("Shipping what was scanned")
struct ScannedShipmentTests {
    /// Scanned units fill their sku's open lines in order; a sku not on the order or more than
    /// is open is refused by its scan line.
    @Test func scansFillOpenLines() throws {
        var fo = FulfillmentOrder(
            id: "fo_1", orderId: "o", locationId: "ST", type: .ship, status: .accepted,
            lines: [
                .init(orderLine: 1, sku: "A", quantity: 2), .init(orderLine: 2, sku: "B", quantity: 1), .init(orderLine: 3, sku: "A", quantity: 1),
            ],
            createdAt: Date())
        let parcel = try fo.shipment(scanned: "A\nB\nA x2")
        #expect(parcel.map(\.orderLine) == [1, 3, 2] && parcel.map(\.quantity) == [2, 1, 1])
        try fo.ship(try fo.shipment(scanned: "A"))
        #expect(fo.status == .partiallyShipped && fo.openUnits == 3)
        let refused = #expect(throws: OrderlyError.self) { try fo.shipment(scanned: "C\nA 3") }
        #expect(refused?.fieldErrors.map(\.message) == ["C is not on fulfillment order fo_1", "1 more A than are still to ship"])
    }
}

@Suite("Handing a pickup over in part")
struct PartialPickupTests {
    func ready() -> FulfillmentOrder {
        var fo = FulfillmentOrder(
            id: "fo_p", orderId: "o", locationId: "ST", type: .pickup, status: .readyForPickup,
            lines: [.init(orderLine: 1, sku: "A", quantity: 2), .init(orderLine: 2, sku: "B", quantity: 1)], createdAt: Date())
        fo.pickupCode = "ABCD2345"
        return fo
    }

    /// The customer takes one A and leaves the rest: the pickup shrinks to what was taken and
    /// the declined units come back for the order to cancel. Nothing taken, more than waits, a
    /// line not on the pickup or a wrong code is refused and changes nothing.
    @Test func theCustomerTakesSomeUnits() throws {
        var fo = ready()
        let declined = try fo.pickUp(code: "abcd-2345", issued: fo.pickupCode, taking: [(1, 1), (2, 0)])
        #expect(declined.map(\.orderLine) == [1, 2] && declined.map(\.quantity) == [1, 1])
        #expect(fo.status == .pickedUp && fo.lines.map(\.quantity) == [1, 0] && fo.lines.map(\.fulfilledQuantity) == [1, 0])
        var whole = ready()
        #expect(try whole.pickUp(code: "ABCD2345", issued: whole.pickupCode).isEmpty && whole.lines.map(\.fulfilledQuantity) == [2, 1])
        for (taking, fields) in [([(1, Int64(0))], ["lines"]), ([(1, 3)], ["lines[0].quantity"]), ([(9, 1)], ["lines[0]", "lines"])] {
            let untouched = ready()
            var same = untouched
            let error = #expect(throws: OrderlyError.self) { try same.pickUp(code: "ABCD2345", issued: same.pickupCode, taking: taking) }
            #expect(error?.fieldErrors.map(\.field) == fields && same == untouched)
        }
        var wrong = ready()
        #expect(throws: OrderlyError.self) { try wrong.pickUp(code: "WRONG234", issued: wrong.pickupCode, taking: [(1, 1)]) }
    }
}
