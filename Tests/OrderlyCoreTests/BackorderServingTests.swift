import Foundation
import Testing

@testable import OrderlyCore

@Suite("Serving waiting lines")
struct BackorderServingTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)

    func snapshot(_ stock: [SKU: [LocationID: Int64]]) -> RoutingPlanner.Snapshot {
        .init(
            channel: Channel(id: "web", name: "Web", kind: .web, routing: .init(onShortage: .reject)),
            locations: [dc.id: dc, utrecht.id: utrecht], stock: stock, capacityLeft: [:], destination: nil, now: Self.now)
    }

    static func waitingOrder() -> Order {
        var ship = OrderLine(number: 1, sku: "A", quantity: 5, unitPrice: 100, delivery: .ship)
        ship.allocatedQuantity = 1
        ship.backorderedQuantity = 4
        var pickup = OrderLine(number: 2, sku: "A", quantity: 2, unitPrice: 100, delivery: .pickup("ST-UTR"))
        pickup.backorderedQuantity = 2
        var other = OrderLine(number: 3, sku: "B", quantity: 1, unitPrice: 100, delivery: .ship)
        other.backorderedQuantity = 1
        return Order(
            id: "o", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: .init(subtotal: 0, shipping: 0, discount: 0), shippingAddress: nil, coordinates: nil, lines: [ship, pickup, other],
            createdAt: now)
    }

    @Test func ordersPromisedTheArrivedSupplyComeFirstThenOldestFirst() {
        let t = Self.now
        let order = BackorderServing.servingOrder([
            .init(id: "new", createdAt: t.addingTimeInterval(60), number: "ORD-3", promised: false),
            .init(id: "old", createdAt: t, number: "ORD-1", promised: false),
            .init(id: "promisedLate", createdAt: t.addingTimeInterval(120), number: "ORD-4", promised: true),
            .init(id: "promised", createdAt: t.addingTimeInterval(30), number: "ORD-2", promised: true),
            .init(id: "old", createdAt: t, number: "ORD-1", promised: false),
        ])
        #expect(order == ["promised", "promisedLate", "old", "new"], "each once")
    }

    @Test func onlyWaitingLinesOfTheArrivedSkusTakeStockAndPickupsOnlyAtTheirStore() {
        let products: [SKU: Product] = ["A": Product(sku: "A", name: "A"), "B": Product(sku: "B", name: "B")]
        let atDC = BackorderServing.lines(of: Self.waitingOrder(), skus: ["A"], at: "DC", products: products)
        #expect(atDC.map(\.index) == [0], "the pickup waits for its store; B did not arrive")
        #expect(atDC.first?.quantity == 4, "only the waiting units")
        let anywhere = BackorderServing.lines(of: Self.waitingOrder(), skus: ["A", "B"], at: nil, products: products)
        #expect(anywhere.map(\.index) == [0, 1, 2])
        #expect(BackorderServing.lines(of: Self.waitingOrder(), skus: ["A"], at: nil, products: [:]).isEmpty, "unknown products are skipped")
    }

    @Test func whatArrivedIsServedPartlyWithTheReasonAndNeverRefused() throws {
        let lines = [RoutingPlanner.Line(index: 0, quantity: 4, delivery: .ship, product: Product(sku: "A", name: "A"))]
        // Stock arrived at the DC only; the store's stock was already there when the order began to wait.
        let plan = try #require(
            BackorderServing.plan(
                lines, snapshot(["A": ["DC": 3, "ST-UTR": 10]]), at: "DC", reason: "supply PO-1 received at DC", order: Self.waitingOrder(),
                products: [:]))
        #expect(plan.allocations.map(\.locationId) == ["DC"])
        #expect(plan.allocations.map(\.quantity) == [3], "what exists, though the channel rejects shortages at checkout")
        #expect(plan.allocations.first?.reason.hasPrefix("supply PO-1 received at DC; ship from DC") == true)
        #expect(plan.backorders.isEmpty, "the rest keeps waiting, not backordered again")
        let order = Self.waitingOrder()
        #expect(
            BackorderServing.plan(lines, snapshot(["A": ["ST-UTR": 10]]), at: "DC", reason: "r", order: order, products: [:]) == nil,
            "nothing at the DC")
        #expect(BackorderServing.plan([], snapshot(["A": ["DC": 3]]), at: nil, reason: "r", order: order, products: [:]) == nil)
    }

    /// The strategy that placed the order serves it: stores only, so the DC's new stock is not
    /// taken; a rule that cannot fill the order keeps what it found, it neither refuses nor holds.
    @Test func theOrdersStrategyDecidesWhereWaitingLinesAreServedFrom() throws {
        let lines = [RoutingPlanner.Line(index: 0, quantity: 4, delivery: .ship, product: Product(sku: "A", name: "A"))]
        var stores = snapshot(["A": ["DC": 10, "ST-UTR": 1]])
        stores.strategy = RoutingStrategy(
            id: "stores", version: 2,
            rules: [
                .init(name: "stores only", locations: .compare(fact: "location.type", op: .eq, value: .string("store")), onFailure: .reject)
            ])
        let plan = try #require(BackorderServing.plan(lines, stores, at: nil, reason: "stock counted", order: Self.waitingOrder(), products: [:]))
        #expect(plan.allocations.map(\.locationId) == ["ST-UTR"] && plan.allocations.map(\.quantity) == [1])
        #expect(plan.allocations.first?.reason.contains("strategy stores@2 rule 1 'stores only'") == true, "\(plan.allocations)")
        #expect(
            BackorderServing.plan(lines, stores, at: "DC", reason: "r", order: Self.waitingOrder(), products: [:]) == nil, "the DC is not a store")
        // Without a strategy the channel's policy takes the DC's stock.
        #expect(
            BackorderServing.plan(lines, snapshot(["A": ["DC": 10]]), at: "DC", reason: "r", order: Self.waitingOrder(), products: [:])?
                .allocations.map(\.locationId) == ["DC"])
    }
}
