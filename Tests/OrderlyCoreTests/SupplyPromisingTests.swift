import Foundation
import OrderlyCore
import Testing

@Suite("Supply promising")
struct SupplyPromisingTests {
    static let day = Date(timeIntervalSince1970: 1_800_000_000)
    static let web = Channel(id: ChannelID("web"), name: "Web", kind: .web)
    static let locations: [LocationID: Location] = [
        LocationID("WH"): Location(id: LocationID("WH"), name: "Warehouse", kind: .warehouse),
        LocationID("ST"): Location(id: LocationID("ST"), name: "Store", kind: .store),
    ]

    static func waiting(_ order: String, _ quantity: Int64, delivery: Delivery = .ship, channel: Channel = web) -> SupplyPromising.Waiting {
        var line = OrderLine(number: 1, sku: SKU("S"), quantity: quantity, unitPrice: 100, delivery: delivery)
        line.backorderedQuantity = quantity
        return .init(orderId: OrderID(order), line: line, channel: channel, quantity: quantity)
    }

    static func open(_ id: String, _ units: Int64, at location: String = "WH", inDays days: Double) -> SupplyPromising.OpenLine {
        .init(
            supplyId: SupplyID(id), line: 0, sku: SKU("S"), locationId: LocationID(location), expectedAt: day.addingTimeInterval(days * 86400),
            unpromised: units)
    }

    @Test func oldestOrdersGetTheEarliestSupplyAndTheRestWaitWithoutADate() {
        let promises = SupplyPromising.promise(
            [Self.waiting("o1", 3), Self.waiting("o2", 2), Self.waiting("o3", 4)],
            from: [Self.open("late", 3, inDays: 9), Self.open("soon", 4, inDays: 2)], locations: Self.locations)
        #expect(promises.map { "\($0.orderId):\($0.supplyId):\($0.quantity)" } == ["o1:soon:3", "o2:soon:1", "o2:late:1", "o3:late:2"])
        #expect(promises.reduce(0) { $0 + $1.quantity } == 7, "never more than the supply brings")
    }

    @Test func aLineIsPromisedOnlySupplyWhereItCanBeFulfilled() {
        var pooled = Self.web
        pooled.locations = [LocationID("ST")]
        let promises = SupplyPromising.promise(
            [Self.waiting("pickup", 1, delivery: .pickup(LocationID("ST"))), Self.waiting("pooled", 1, channel: pooled), Self.waiting("web", 1)],
            from: [Self.open("wh", 5, inDays: 1), Self.open("st", 1, at: "ST", inDays: 3)], locations: Self.locations)
        #expect(promises.map { "\($0.orderId):\($0.supplyId)" } == ["pickup:st", "web:wh"], "the pooled channel sells from ST only, now empty")
    }

    @Test func promisedAtIsTheLatestDateOnlyWhenEveryWaitingUnitIsPromised() {
        var line = OrderLine(number: 2, sku: SKU("S"), quantity: 3, unitPrice: 100, delivery: .ship)
        line.backorderedQuantity = 3
        let a = SupplyPromise(
            orderId: OrderID("o"), lineNumber: 2, supplyId: SupplyID("a"), supplyLine: 0, sku: SKU("S"), quantity: 2, expectedAt: Self.day)
        var b = a
        b.supplyId = SupplyID("b")
        b.quantity = 1
        b.expectedAt = Self.day.addingTimeInterval(86400)
        #expect(SupplyPromise.promisedAt(line, [a]) == nil, "one unit is promised nothing")
        #expect(SupplyPromise.promisedAt(line, [a, b]) == b.expectedAt)
        line.backorderedQuantity = 0
        #expect(SupplyPromise.promisedAt(line, [a, b]) == nil, "nothing waits")
    }
}

extension SupplyPromisingTests {
    static func promise(_ supply: String, line: Int, _ quantity: Int64, inDays days: Double) -> SupplyPromise {
        SupplyPromise(
            orderId: OrderID("o"), lineNumber: line, supplyId: SupplyID(supply), supplyLine: 0, sku: SKU("S"), quantity: quantity,
            expectedAt: day.addingTimeInterval(days * 86400))
    }

    static func order(backordered: [Int64]) -> Order {
        let lines = backordered.enumerated().map { i, waiting in
            var line = OrderLine(number: i + 1, sku: SKU("S"), quantity: 5, unitPrice: 100, delivery: .ship)
            line.backorderedQuantity = waiting
            line.cancelledQuantity = 5 - waiting
            return line
        }
        return Order(
            id: OrderID("o"), number: "ORD-1", channel: ChannelID("web"), externalId: nil, customerId: CustomerID("c"), currency: "EUR",
            totals: .init(subtotal: 0, shipping: 0, discount: 0), shippingAddress: nil, coordinates: nil, lines: lines, createdAt: day)
    }

    @Test func unitsNoLongerWaitingGiveBackTheirLatestPromisesFirst() {
        let promises = [
            Self.promise("soon", line: 1, 2, inDays: 1), Self.promise("late", line: 1, 2, inDays: 9), Self.promise("mid", line: 2, 1, inDays: 5),
        ]
        let giveBack = SupplyPromising.excess(of: Self.order(backordered: [1, 1]), promises)
        #expect(giveBack.map { "\($0.promise.supplyId):\($0.quantity)" } == ["late:2", "soon:1"], "line 1 keeps one unit of the soonest")
        #expect(SupplyPromising.excess(of: Self.order(backordered: [4, 1]), promises).isEmpty)
    }

    @Test func onlyUnitsPromisedNothingWaitForAPromise() {
        let promises = [Self.promise("soon", line: 1, 2, inDays: 1)]
        let waiting = SupplyPromising.waiting(in: Self.order(backordered: [3, 0, 2]), channel: Self.web, promises)
        #expect(waiting.map { "\($0.line.number):\($0.quantity)" } == ["1:1", "3:2"])
    }
}
