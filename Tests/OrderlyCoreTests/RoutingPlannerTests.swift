import Foundation
import Testing

@testable import OrderlyCore

@Suite("Routing planner")
struct RoutingPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let north = Location(id: "WH-N", name: "North", kind: .warehouse, coordinates: .init(latitude: 53.2, longitude: 6.56), priority: 20)
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)
    let supplier = Location(id: "SUP", name: "Supplier", kind: .supplier, priority: 90)
    let amsterdam = Coordinates(latitude: 52.37, longitude: 4.89)

    func snapshot(
        _ stock: [SKU: [LocationID: Int64]], channel: Channel = Channel(id: "web", name: "Web", kind: .web),
        capacity: [LocationID: Int] = [:], excluded: Set<LocationID> = [], destination: Coordinates? = nil
    ) -> RoutingPlanner.Snapshot {
        .init(
            channel: channel, locations: [dc.id: dc, north.id: north, utrecht.id: utrecht, supplier.id: supplier], stock: stock,
            capacityLeft: capacity, destination: destination ?? amsterdam, excluded: excluded, now: Self.now)
    }

    func line(_ index: Int, _ sku: SKU, _ quantity: Int64, delivery: Delivery = .ship, product: Product? = nil) -> RoutingPlanner.Line {
        .init(index: index, quantity: quantity, delivery: delivery, product: product ?? Product(sku: sku, name: sku.rawValue))
    }

    @Test func fewestLocationsBeatsDistance() throws {
        // The Utrecht store is nearest but has only A; the DC has both: one shipment wins.
        let plan = try RoutingPlanner.plan(
            [line(0, "A", 1), line(1, "B", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5], "B": ["DC": 5]]))
        #expect(plan.allocations.map(\.locationId) == ["DC", "DC"])
        #expect(plan.allocations.first?.reason.contains("fills 2 of 2") == true)
        #expect(plan.backorders.isEmpty)
    }

    @Test func distanceThenPriorityBreakTies() throws {
        let near = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5, "WH-N": 5]]))
        #expect(near.allocations.map(\.locationId) == ["ST-UTR"])
        let noCoordinates = try RoutingPlanner.plan(
            [line(0, "A", 1)],
            .init(
                channel: Channel(id: "web", name: "Web", kind: .web), locations: [dc.id: dc, north.id: north], stock: ["A": ["DC": 5, "WH-N": 5]],
                now: Self.now))
        #expect(noCoordinates.allocations.map(\.locationId) == ["DC"], "without a destination, priority decides")
        var byPriority = Channel(id: "web", name: "Web", kind: .web)
        byPriority.routing.criteria = [.priority, .distance, .fewestLocations]
        let plan = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5]], channel: byPriority))
        #expect(plan.allocations.map(\.locationId) == ["DC"])
    }

    @Test func splitsWhenNoLocationFillsEverything() throws {
        let plan = try RoutingPlanner.plan(
            [line(0, "A", 2), line(1, "B", 3)], snapshot(["A": ["DC": 2], "B": ["WH-N": 3, "DC": 1]]))
        #expect(plan.allocations.map(\.locationId) == ["DC", "DC", "WH-N"])
        #expect(plan.allocations.map(\.quantity) == [2, 1, 2])
        #expect(plan.allocations.last?.reason.contains("split 2") == true)
    }

    @Test func storesShipOnlyWhenTheChannelShipsFromStores() throws {
        var channel = Channel(id: "mp", name: "MP", kind: .marketplace, routing: .init(shipFromStore: false, onShortage: .partial))
        let plan = try RoutingPlanner.plan([line(0, "A", 3)], snapshot(["A": ["ST-UTR": 5, "DC": 1]], channel: channel))
        #expect(plan.allocations.map(\.locationId) == ["DC"])
        #expect(plan.backorders.map(\.quantity) == [2])
        channel.routing.onShortage = .reject
        let error = #expect(throws: OrderlyError.self) {
            try RoutingPlanner.plan([line(0, "A", 3)], snapshot(["A": ["ST-UTR": 5, "DC": 1]], channel: channel))
        }
        #expect(error?.shortages == [.init(sku: "A", requested: 3, available: 1)])
    }

    @Test func capacityExclusionsAndPoolsAreRespected() throws {
        let full = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5]], capacity: ["ST-UTR": 0]))
        #expect(full.allocations.map(\.locationId) == ["DC"])
        let rejected = try RoutingPlanner.plan([line(0, "A", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5]], excluded: ["ST-UTR"]))
        #expect(rejected.allocations.map(\.locationId) == ["DC"])
        let pooled = try RoutingPlanner.plan(
            [line(0, "A", 1)], snapshot(["A": ["ST-UTR": 5, "DC": 5]], channel: Channel(id: "p", name: "P", kind: .pos, locations: ["WH-N", "DC"])))
        #expect(pooled.allocations.map(\.locationId) == ["DC"])
    }

    @Test func maxSplitsCapsLocations() throws {
        var channel = Channel(id: "web", name: "Web", kind: .web)
        channel.routing.maxSplits = 1
        let plan = try RoutingPlanner.plan([line(0, "A", 2), line(1, "B", 2)], snapshot(["A": ["DC": 2], "B": ["WH-N": 2]], channel: channel))
        #expect(Set(plan.allocations.map(\.locationId)).count == 1)
        #expect(plan.backorders.count == 1)
    }

    @Test func pickupDropshipAndPreorderFollowTheirRules() throws {
        let kayak = Product(sku: "KAYAK", name: "Kayak", sellBeyondStock: .backorder, dropshipSupplier: "SUP")
        let future = Product(sku: "NEW", name: "New", sellBeyondStock: .preorder, releaseDate: Self.now.addingTimeInterval(86400))
        let plan = try RoutingPlanner.plan(
            [line(0, "A", 1, delivery: .pickup("ST-UTR")), line(1, "KAYAK", 3, product: kayak), line(2, "NEW", 2, product: future)],
            snapshot(["A": ["ST-UTR": 1, "DC": 9], "KAYAK": ["SUP": 2, "DC": 10], "NEW": ["DC": 10]]))
        #expect(plan.allocations.map(\.locationId) == ["ST-UTR", "SUP"])
        #expect(plan.allocations.map(\.type) == [.pickup, .dropship])
        #expect(plan.backorders.map(\.lineIndex) == [2, 1])
        #expect(plan.backorders.map(\.quantity) == [2, 1])
        #expect(plan.backorders.first?.reason.hasPrefix("pre-order") == true)
    }

    @Test func backorderPolicyNamesIncomingSupply() throws {
        var channel = Channel(id: "web", name: "Web", kind: .web)
        channel.routing.onShortage = .backorder
        var s = snapshot(["A": ["DC": 1]], channel: channel)
        s.incoming = ["A": [.init(locationId: "DC", quantity: 10, expectedAt: Self.now.addingTimeInterval(3 * 86400))]]
        let plan = try RoutingPlanner.plan([line(0, "A", 4)], s)
        #expect(plan.allocations.map(\.quantity) == [1])
        #expect(plan.backorders.map(\.quantity) == [3])
        #expect(plan.backorders.first?.reason.contains("awaiting supply at DC") == true)
        #expect(plan.dependsOnIncoming)

        // Without backorders incoming supply changes nothing, so placing need not read it.
        var none = s
        none.incoming = [:]
        let covered = try RoutingPlanner.plan([line(0, "A", 1)], s)
        #expect(!covered.dependsOnIncoming)
        #expect(covered == (try RoutingPlanner.plan([line(0, "A", 1)], none)))
        let short = try RoutingPlanner.plan([line(0, "A", 4)], none)
        #expect(short.dependsOnIncoming && short.backorders.first?.reason.contains("awaiting stock") == true)
    }

    /// An order "o" of `lines`, nothing else set.
    static func order(_ lines: [OrderLine]) -> Order {
        Order(
            id: "o", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: .init(subtotal: 0, shipping: 0, discount: 0), shippingAddress: nil, coordinates: nil, lines: lines, createdAt: now)
    }

    @Test func aPlanCountsOnTheOrdersLines() {
        var order = Self.order([
            OrderLine(number: 1, sku: "A", quantity: 5, unitPrice: 100, delivery: .ship),
            OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 100, delivery: .ship),
        ])
        order.apply(
            RoutingPlanner.Plan(
                allocations: [
                    .init(lineIndex: 0, sku: "A", locationId: "DC", quantity: 2, type: .ship, reason: ""),
                    .init(lineIndex: 0, sku: "A", locationId: "ST", quantity: 1, type: .ship, reason: ""),
                ],
                backorders: [.init(lineIndex: 0, sku: "A", quantity: 2, reason: ""), .init(lineIndex: 1, sku: "B", quantity: 1, reason: "")]))
        #expect(order.lines.map(\.allocatedQuantity) == [3, 0])
        #expect(order.lines.map(\.backorderedQuantity) == [2, 1])
        #expect(order.status == .awaitingStock)
    }

    @Test func statusIsDerivedFromLinesAndHolds() {
        var order = Self.order([OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 100, delivery: .ship)])
        #expect(order.status == .processing)
        order.lines[0].backorderedQuantity = 1
        #expect(order.status == .awaitingStock)
        order.holds = [Hold(id: "h", reason: "fraud check", source: .manual)]
        #expect(order.status == .onHold)
        order.holds = []
        order.lines[0].fulfilledQuantity = 1
        #expect(order.status == .partiallyFulfilled)
        order.lines[0].cancelledQuantity = 1
        #expect(order.status == .fulfilled)
        order.lines[0].returnedQuantity = 1
        #expect(order.status == .returned)
        order.lines[0].fulfilledQuantity = 0
        order.lines[0].returnedQuantity = 0
        order.lines[0].cancelledQuantity = 2
        #expect(order.status == .cancelled)
    }

    /// A hold rule holds an order that meets every condition it gives (none: never), as a
    /// stage of the channel's standard workflow.
    @Test func holdRulesMatchEveryGivenCondition() {
        let order = Order(
            id: "o", number: "ORD-1", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: .init(subtotal: 60_000, shipping: 0, discount: 0), shippingAddress: Address(postalCode: "1012 ab", country: "NL"),
            coordinates: nil, lines: [], tags: ["vip"], createdAt: Self.now)
        func holds(_ rule: HoldRule, firstOrder: Bool) -> Bool {
            let channel = Channel(id: "web", name: "Web", kind: .web, holdRules: [rule])
            let facts = OrderFacts(order, customer: .init(orderCount: firstOrder ? 0 : 1), now: Self.now)
            return Workflow.standard(for: channel).holds(entering: facts) == [Hold(id: "rule-1", reason: rule.name, source: .rule)]
        }
        #expect(holds(HoldRule(name: "big", minTotal: 50_000), firstOrder: false))
        #expect(!holds(HoldRule(name: "big", minTotal: 70_000), firstOrder: false))
        #expect(holds(HoldRule(name: "new", firstOrder: true), firstOrder: true))
        #expect(!holds(HoldRule(name: "new big", minTotal: 50_000, firstOrder: true), firstOrder: false))
        #expect(holds(HoldRule(name: "zip", postalCodes: ["1012AB"]), firstOrder: false))
        #expect(holds(HoldRule(name: "country", countries: ["nl"]), firstOrder: false))
        #expect(holds(HoldRule(name: "tag", tags: ["vip", "x"]), firstOrder: false))
        #expect(!holds(HoldRule(name: "empty"), firstOrder: true))
    }

    @Test func routingStaysFastAtAThousandLocations() throws {
        var locations: [LocationID: Location] = [:]
        var stock: [SKU: [LocationID: Int64]] = [:]
        for i in 0..<1000 {
            let id = LocationID("L\(i)")
            locations[id] = Location(
                id: id, name: "L\(i)", kind: .warehouse, coordinates: .init(latitude: 50 + Double(i % 40) / 10, longitude: 4 + Double(i / 40) / 10),
                priority: i % 7)
            for s in 0..<10 where (i + s) % 3 != 0 { stock[SKU("S\(s)"), default: [:]][id] = Int64(1 + (i * s) % 4) }
        }
        let lines = (0..<10).map { line($0, SKU("S\($0)"), 3) }
        let s = RoutingPlanner.Snapshot(
            channel: Channel(id: "web", name: "Web", kind: .web), locations: locations, stock: stock, destination: amsterdam, now: Self.now)
        let plan = try RoutingPlanner.plan(lines, s)
        #expect(plan.allocations.reduce(0) { $0 + $1.quantity } == 30)
        #expect(Set(plan.allocations.map(\.locationId)).count <= 10)
    }
}
