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
