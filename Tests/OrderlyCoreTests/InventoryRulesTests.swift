import Foundation
import OrderlyCore
import Testing

@Suite("Inventory rules")
struct InventoryRulesTests {
    @Test(
        arguments: [
            (10, 0, 0, 10), (10, 4, 0, 6), (10, 4, 3, 3), (10, 4, 8, 0), (0, 0, 5, 0),
        ] as [(Int64, Int64, Int64, Int64)])
    func availableIsOnHandLessReservedLessSafetyStockNeverNegative(onHand: Int64, reserved: Int64, safety: Int64, expected: Int64) {
        #expect(InventoryLevel(sku: "A", locationId: "L", onHand: onHand, reserved: reserved, safetyStock: safety).available == expected)
    }

    @Test func countsMayNotDropBelowReserved() throws {
        let level = InventoryLevel(sku: "A", locationId: "L", onHand: 10, reserved: 4)
        #expect(try StockChange.count(level, newOnHand: 4) == -6)
        #expect(try StockChange.count(level, newOnHand: 15) == 5)
        let error = #expect(throws: OrderlyError.self) { try StockChange.count(level, newOnHand: 3) }
        #expect(error?.fieldErrors.first?.field == "onHand")
        #expect(throws: OrderlyError.self) { try StockChange.count(level, newOnHand: -1) }
        #expect(throws: OrderlyError.self) { try StockChange.count(level, newOnHand: Limits.maxQuantity + 1) }
    }

    @Test func adjustmentsMayNotDropBelowReserved() throws {
        let level = InventoryLevel(sku: "A", locationId: "L", onHand: 10, reserved: 4)
        #expect(try StockChange.adjust(level, by: -6, field: "d") == 4)
        #expect(throws: OrderlyError.self) { try StockChange.adjust(level, by: -7, field: "d") }
    }

    @Test func adjustmentBatchesAreCheckedWhole() {
        let error = #expect(throws: OrderlyError.self) {
            try StockAdjustment.validate([
                .init(sku: "A", locationId: "L", delta: 0, reason: .adjustment),
                .init(sku: "A", locationId: "L", delta: 1, reason: .shipment),
                .init(sku: "A", locationId: "L", delta: 2, reason: .count),
            ])
        }
        #expect(error?.fieldErrors.map(\.field) == ["adjustments[0].delta", "adjustments[1].reason", "adjustments[2].reason"])
        #expect(throws: OrderlyError.self) { try StockAdjustment.validate([]) }
    }

    @Test func extremeDeltasAreRefusedNotTrapped() {
        // Found by fuzzing: abs(Int64.min) trapped and took the server down.
        let error = #expect(throws: OrderlyError.self) {
            try StockAdjustment.validate([.init(sku: "A", locationId: "L", delta: .min, reason: .adjustment)])
        }
        #expect(error?.fieldErrors.map(\.field) == ["adjustments[0].delta"])
        let level = InventoryLevel(sku: "A", locationId: "L", onHand: 10, reserved: 0)
        #expect(throws: OrderlyError.self) { try StockChange.adjust(level, by: .max, field: "d") }
        #expect(throws: OrderlyError.self) { try StockChange.adjust(level, by: .min, field: "d") }
    }

    @Test func supplyReceiptsCannotExceedWhatIsExpected() throws {
        let supply = Supply(
            id: "PO", locationId: "L", expectedAt: Date(), status: .partiallyReceived,
            lines: [.init(sku: "A", quantity: 10, receivedQuantity: 6), .init(sku: "B", quantity: 2)])
        #expect(try supply.receipt(nil).map(\.quantity) == [4, 2])
        let error = #expect(throws: OrderlyError.self) {
            try supply.receipt([(sku: "A", quantity: 3), (sku: "A", quantity: 2), (sku: "C", quantity: 1)])
        }
        #expect(error?.fieldErrors.map(\.field) == ["lines[1].quantity", "lines[2].sku"])
        var received = supply
        received.status = .received
        #expect(throws: OrderlyError.self) { try received.receipt(nil) }
    }

    @Test func distanceIsHaversine() {
        let amsterdam = Coordinates(latitude: 52.3676, longitude: 4.9041)
        let rotterdam = Coordinates(latitude: 51.9244, longitude: 4.4777)
        #expect(abs(amsterdam.distanceKm(to: rotterdam) - 57.0) < 1.0)
        #expect(amsterdam.distanceKm(to: amsterdam) == 0)
    }
}

@Suite("Shelf counts")
struct ShelfCountTests {
    /// Scanned units add up per sku, a typed count counts as many, blank lines are skipped;
    /// a bad count, too many words or nothing at all is refused by line.
    @Test func scansAddUpPerSku() throws {
        let rows = try ShelfCount.rows("A\nB 4\n\nA\r\nB x2\nC 0", at: "ST")
        #expect(rows.map(\.sku) == ["A", "B", "C"] && rows.map(\.onHand) == [2, 6, 0] && rows.map(\.line) == [1, 2, 6])
        #expect(rows.allSatisfy { $0.locationId == "ST" })
        let bad = #expect(throws: OrderlyError.self) { try ShelfCount.rows("A lots\nB 1 2\nC -3", at: "ST") }
        #expect(bad?.fieldErrors.map(\.field) == ["scans line 1", "scans line 2", "scans line 3"])
        #expect(throws: OrderlyError.self) { try ShelfCount.rows("\n  \n", at: "ST") }
    }
}

@Suite("Stock in other stores")
struct StockNearbyTests {
    /// Other active stores with the sku available, nearest first; warehouses, this store, stores
    /// without it and closed ones are left out; stores without coordinates come last.
    @Test func nearestStoresWithStockFirst() {
        var here = Location(id: "ST-UTR", name: "Utrecht", kind: .store)
        here.coordinates = .init(latitude: 52.09, longitude: 5.12)
        var rotterdam = Location(id: "ST-RTM", name: "Rotterdam", kind: .store)
        rotterdam.coordinates = .init(latitude: 51.92, longitude: 4.48)
        var amsterdam = Location(id: "ST-AMS", name: "Amsterdam", kind: .store)
        amsterdam.coordinates = .init(latitude: 52.37, longitude: 4.90)
        let nowhere = Location(id: "ST-X", name: "Pop-up", kind: .store)
        var closed = Location(id: "ST-OLD", name: "Old", kind: .store)
        closed.active = false
        let dc = Location(id: "WH", name: "DC", kind: .warehouse)
        let available: [LocationID: Int64] = ["ST-UTR": 2, "ST-RTM": 5, "ST-AMS": 1, "ST-X": 3, "ST-OLD": 4, "WH": 9]
        let places = StockNearby.rank(available: available, locations: [rotterdam, nowhere, closed, dc, amsterdam, here], from: here)
        #expect(places.map(\.location.id) == ["ST-AMS", "ST-RTM", "ST-X"])
        #expect(places.map(\.available) == [1, 5, 3] && places[2].distanceKm == nil)
        #expect(abs((places[1].distanceKm ?? 0) - 48) < 2 && places.allSatisfy(\.takesPickups))
        #expect(StockNearby.rank(available: ["ST-RTM": 0], locations: [rotterdam], from: here).isEmpty)
    }
}
