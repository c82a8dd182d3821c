import OrderlyCore
import Testing

@Suite("Reservation planner")
struct ReservationPlannerTests {
    func candidate(_ sku: SKU, _ location: LocationID, _ available: Int64, priority: Int = 100) -> ReservationPlanner.Candidate {
        .init(sku: sku, locationId: location, available: available, priority: priority)
    }

    @Test func takesAWholeLineFromOneLocationByPriority() throws {
        let plan = try ReservationPlanner.plan(
            [.init(sku: "A", quantity: 3)],
            candidates: [candidate("A", "STORE", 10, priority: 50), candidate("A", "DC", 5, priority: 10)])
        #expect(plan == [.init(lineIndex: 0, sku: "A", locationId: "DC", quantity: 3)])
    }

    @Test func prefersMoreStockAmongEqualPriorityThenId() throws {
        let plan = try ReservationPlanner.plan(
            [.init(sku: "A", quantity: 2)], candidates: [candidate("A", "B", 4), candidate("A", "C", 9), candidate("A", "A", 9)])
        #expect(plan.map(\.locationId) == ["A"])
    }

    @Test func splitsLargestFirstWhenNoLocationCanFillALine() throws {
        let plan = try ReservationPlanner.plan(
            [.init(sku: "A", quantity: 7)], candidates: [candidate("A", "X", 2), candidate("A", "Y", 4), candidate("A", "Z", 3)])
        #expect(plan.map(\.locationId) == ["Y", "Z"])
        #expect(plan.map(\.quantity) == [4, 3])
    }

    @Test func linesOfTheSameSkuShareTheSnapshot() throws {
        let plan = try ReservationPlanner.plan(
            [.init(sku: "A", quantity: 3), .init(sku: "A", quantity: 3)],
            candidates: [candidate("A", "X", 4, priority: 1), candidate("A", "Y", 3, priority: 2)])
        #expect(plan.map(\.locationId) == ["X", "Y"])
        let short = #expect(throws: OrderlyError.self) {
            try ReservationPlanner.plan([.init(sku: "A", quantity: 5), .init(sku: "A", quantity: 3)], candidates: [candidate("A", "X", 7)])
        }
        #expect(short?.shortages == [.init(sku: "A", requested: 3, available: 2)])
    }

    @Test func pinnedLinesUseOnlyTheirLocation() throws {
        let candidates = [candidate("A", "X", 10, priority: 1), candidate("A", "Y", 2, priority: 2)]
        let plan = try ReservationPlanner.plan([.init(sku: "A", quantity: 2, locationId: "Y")], candidates: candidates)
        #expect(plan.map(\.locationId) == ["Y"])
        let error = #expect(throws: OrderlyError.self) {
            try ReservationPlanner.plan([.init(sku: "A", quantity: 3, locationId: "Y")], candidates: candidates)
        }
        #expect(error?.code == .insufficientStock)
        #expect(error?.shortages == [.init(sku: "A", locationId: "Y", requested: 3, available: 2)])
    }

    @Test func reportsEveryShortSku() {
        let error = #expect(throws: OrderlyError.self) {
            try ReservationPlanner.plan(
                [.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 4), .init(sku: "C", quantity: 1)],
                candidates: [candidate("B", "X", 3), candidate("C", "X", 0)])
        }
        #expect(error?.shortages.map(\.sku) == ["A", "B", "C"])
        #expect(error?.shortages.map(\.available) == [0, 3, 0])
    }
}
