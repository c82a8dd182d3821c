import Foundation
import Testing

@testable import OrderlyCore

/// The stock a batch of orders routes from: read for the skus the orders share, less what the
/// orders before took.
@Suite("Stock view of a batch")
struct StockViewTests {
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, priority: 10)

    func snapshot(_ stock: [SKU: [LocationID: Int64]]) -> RoutingPlanner.Snapshot {
        RoutingPlanner.Snapshot(
            channel: Channel(id: "web", name: "Web", kind: .web), locations: [dc.id: dc], stock: stock, now: Date(timeIntervalSince1970: 0))
    }

    @Test func aFirstAttemptReadsOnlyTheSkusOfMoreThanOneOrderAndARetryReadsThemAll() {
        let orders: [[SKU]] = [["A", "B"], ["B", "C"], ["D", "D"], ["B"]]
        #expect(StockView.skusToRead(orders, attempt: 1) == ["B"], "D twice in one order is not shared")
        #expect(StockView.skusToRead(orders, attempt: 2) == ["A", "B", "C", "D"])
        #expect(StockView.skusToRead([["A"], ["B"]], attempt: 1) == [], "orders apart read nothing")
    }

    @Test func coveredSkusComeFromTheViewLessWhatEarlierOrdersTookTheOthersFromTheSnapshot() {
        var view = StockView([InventoryLevel(sku: "B", locationId: "DC", onHand: 3, reserved: 1)], covering: ["B", "E"])
        let own = snapshot(["A": ["DC": 7], "B": ["DC": 9], "E": ["DC": 4]])
        #expect(view.applied(to: own).stock == ["A": ["DC": 7], "B": ["DC": 2], "E": ["DC": 0]], "E was read and has no level: nothing")
        view.take([RoutingPlanner.Allocation(lineIndex: 0, sku: "B", locationId: "DC", quantity: 2, type: .ship, reason: "test")])
        #expect(view.applied(to: own).stock["B"] == ["DC": 0])
        #expect(view.applied(to: own).stock["A"] == ["DC": 7], "a sku the view was not read for keeps the order's snapshot")
    }
}
