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
}
