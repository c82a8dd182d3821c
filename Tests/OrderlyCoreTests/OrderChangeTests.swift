import Foundation
import OrderlyCore
import Testing

/// What changing an order's lines decides (`Order.changing`), without a database.
@Suite("Order changes")
struct OrderChangeTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)
    let products: [SKU: Product] = ["A": Product(sku: "A", name: "A"), "B": Product(sku: "B", name: "B")]
    /// 21% VAT included in Dutch prices.
    let taxRates = TaxRates(rules: [
        TaxRateRule(
            id: "nl", country: "NL", taxCategory: TaxRateRule.standardCategory, name: "BTW", rate: TaxRate(millionths: 210_000), included: true)
    ])

    func stock(_ levels: [SKU: [LocationID: Int64]], payments: PaymentPolicy = .init()) -> RoutingPlanner.Snapshot {
        .init(
            channel: Channel(id: "web", name: "Web", kind: .web, payments: payments), locations: [dc.id: dc, utrecht.id: utrecht], stock: levels,
            capacityLeft: [:], destination: nil, now: Self.now)
    }

    /// Line 1: 2 × A at 12.10 with 2.10 VAT included, both allocated and released at the DC.
    func order() -> Order {
        var a = OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 1210, delivery: .ship)
        a.allocatedQuantity = 2
        a.taxes = [Tax(name: "BTW", rate: TaxRate(millionths: 210_000), amount: 420, included: true)]
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "cus_1", currency: "EUR",
            totals: .init(lines: [a], shippingLines: []),
            shippingAddress: Address(name: "Ada", line1: "Dam 1", city: "Amsterdam", postalCode: "1012 JS", country: "NL"), coordinates: nil,
            lines: [a], createdAt: Self.now)
        order.totals = OrderTotals(lines: order.lines, shippingLines: [])
        return order
    }
    let allocations = [AllocationState(line: 1, location: "DC", type: .ship, quantity: 2, released: 2)]
    let fulfillment = [
        OpenFulfillmentLine(fulfillmentOrder: "fo_1", location: "DC", type: .ship, orderLine: 1, quantity: 2, fulfilledQuantity: 0, createdAt: now)
    ]

    func change(_ order: Order, _ changes: [OrderLineChange], stock: RoutingPlanner.Snapshot) throws(OrderlyError) -> OrderChangePlan {
        var n = 0
        return try order.changing(
            changes, products: products, taxRates: taxRates, stock: stock, allocations: allocations, fulfillment: fulfillment, reason: nil,
            now: Self.now,
            newFulfillmentOrderID: {
                n += 1
                return FulfillmentOrderID("fo_new\(n)")
            })
    }

    @Test func moreUnitsAreRoutedAloneAndTheLineIsTaxedOnItsNewNet() throws {
        let plan = try change(order(), [.init(line: 1, quantity: 3)], stock: stock(["A": ["DC": 5]]))
        #expect(plan.order.lines[0].quantity == 3 && plan.order.lines[0].allocatedQuantity == 3)
        #expect(plan.order.lines[0].taxes.map(\.amount) == [630], "2.10 VAT per 12.10, to the cent")
        #expect(plan.order.totals.total == 3630 && plan.order.totals.taxTotal == 630)
        #expect(plan.routing.allocations.map(\.quantity) == [1], "only the added unit is routed")
        #expect(plan.release.opened.map(\.id) == ["fo_new1"] && plan.release.opened.first?.lines.first?.quantity == 1)
        #expect(plan.cancellation == nil && plan.refund == 0)
        #expect(plan.events.map(\.type) == [.orderUpdated, .orderAllocated, .fulfillmentCreated])
    }

    @Test func aSwapCancelsTheLineAndAddsItsReplacementPricedFromTheRates() throws {
        let plan = try change(order(), [.init(line: 1, quantity: 1, sku: "B", unitPrice: 2420)], stock: stock(["B": ["ST-UTR": 1]]))
        let replaced = try #require(plan.order.lines.first { $0.number == 1 })
        let added = try #require(plan.order.lines.first { $0.number == 2 })
        #expect(replaced.cancelledQuantity == 2 && replaced.allocatedQuantity == 0)
        #expect(added.sku == "B" && added.quantity == 1 && added.allocatedQuantity == 1)
        #expect(added.taxes.map(\.amount) == [420] && added.taxes.first?.included == true)
        #expect(plan.cancellation?.unreserve.map(\.quantity) == [2])
        #expect(plan.cancellation?.cancelledFulfillmentOrders == ["fo_1"])
        #expect(plan.routing.allocations.map(\.locationId) == ["ST-UTR"])
        #expect(plan.addedLines.map(\.number) == [2])
    }

    @Test func aLineWithAUnitFulfilledCannotChange() {
        var shipped = order()
        shipped.lines[0].fulfilledQuantity = 1
        #expect(throws: OrderlyError.self) { try change(shipped, [.init(line: 1, quantity: 1)], stock: stock(["A": ["DC": 5]])) }
        var cancelled = order()
        cancelled.lines[0].cancelledQuantity = 2
        #expect(throws: OrderlyError.self) { try change(cancelled, [.init(quantity: 1, sku: "A", unitPrice: 100)], stock: stock(["A": ["DC": 5]])) }
    }

    @Test func anOrderThatNoLongerMeetsItsPaymentPolicyHoldsTheAddedUnits() throws {
        var paid = order()
        paid.payments.captured = paid.totals.total
        let policy = PaymentPolicy(require: .paid)
        let plan = try change(paid, [.init(line: 1, quantity: 3)], stock: stock(["A": ["DC": 5]], payments: policy))
        #expect(plan.holds.map(\.source) == [.payment])
        #expect(plan.release.opened.isEmpty, "the added unit waits for its payment")
        #expect(plan.order.status == .awaitingPayment)
        #expect(plan.allocations.map(\.quantity) == [1])
    }

    @Test func aChannelThatCapturesOnPlacementAsksForTheDifference() throws {
        var paid = order()
        paid.payments.captured = paid.totals.total
        let plan = try change(paid, [.init(line: 1, quantity: 3)], stock: stock(["A": ["DC": 5]], payments: .init(capture: .onPlacement)))
        let capture = try #require(plan.events.first { $0.type == .paymentCaptureRequested }?.payload as? CaptureRequestedPayload)
        #expect(capture.amount == 1210)
    }

    var shipment: FulfillmentOrder {
        FulfillmentOrder(
            id: "fo_1", orderId: "ord_1", locationId: "DC", type: .ship, status: .accepted, lines: [.init(orderLine: 1, sku: "A", quantity: 2)],
            createdAt: Self.now)
    }

    @Test func aShipmentMovedByHandTakesAllItsUnitsToTheChosenLocation() throws {
        let plan = try shipment.moving(to: "ST-UTR", reason: "DC closed", by: "sam", order: order(), stock: stock(["A": ["ST-UTR": 2]]))
        #expect(plan.fulfillmentOrder.status == .cancelled)
        #expect(plan.returned.map(\.quantity) == [2])
        #expect(plan.routing.allocations.map(\.locationId) == ["ST-UTR"] && plan.routing.allocations.map(\.quantity) == [2])
        #expect(plan.routing.allocations.first?.reason == "moved by hand from DC by sam: DC closed")
        #expect(plan.order.lines[0].allocatedQuantity == 2)
        #expect(plan.events.map(\.type) == [.orderRerouted])
    }

    @Test func aShipmentMovesOnlyWhereEveryUnitIsAvailable() {
        #expect(throws: OrderlyError.insufficientStock([.init(sku: "A", locationId: "ST-UTR", requested: 2, available: 1)])) {
            try shipment.moving(to: "ST-UTR", reason: nil, by: nil, order: order(), stock: stock(["A": ["ST-UTR": 1]]))
        }
        var underway = shipment
        underway.lines[0].fulfilledQuantity = 1
        #expect(throws: OrderlyError.self) {
            try underway.moving(to: "ST-UTR", reason: nil, by: nil, order: order(), stock: stock(["A": ["ST-UTR": 2]]))
        }
        #expect(throws: OrderlyError.self) { try shipment.moving(to: "DC", reason: nil, by: nil, order: order(), stock: stock(["A": ["DC": 9]])) }
    }

    @Test func whatMayMoveSplitMergeAndChange() {
        var work = shipment
        #expect(work.isMovable && work.isSplittable && work.isUntouched)
        var earlier = shipment
        earlier.id = "fo_0"
        earlier.createdAt = Self.now - 60
        #expect(work.mergeTarget(among: [earlier, work])?.id == "fo_0" && earlier.mergeTarget(among: [earlier, work]) == nil)
        work.lines[0].fulfilledQuantity = 1
        work.status = .partiallyShipped
        #expect(!work.isMovable && !work.isSplittable && work.mergeTarget(among: [earlier]) == nil, "one unit left: nothing to split off")
        var pickup = shipment
        pickup.type = .pickup
        #expect(!pickup.isMovable && pickup.isSplittable)
        var shipped = order()
        shipped.lines.append(OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 100, delivery: .ship))
        shipped.lines[1].fulfilledQuantity = 1
        #expect(shipped.changeableLines.map(\.number) == [1] && shipped.lines[0].kept == 2)
        shipped.lines[0].cancelledQuantity = 2
        #expect(shipped.changeableLines.isEmpty, "a fulfilled order changes no more")
    }

    @Test func workSplitsAtItsLocationAndMergesBack() throws {
        var two = shipment
        two.lines.append(.init(orderLine: 2, sku: "B", quantity: 1))
        let split = try two.splitting([(orderLine: 1, quantity: 1)], newID: "fo_2", at: Self.now)
        #expect(split.fulfillmentOrders[0].lines.map(\.quantity) == [1, 1])
        #expect(split.opened?.lines.map(\.quantity) == [1] && split.opened?.status == .accepted && split.opened?.locationId == "DC")
        #expect(split.events.map(\.type) == [.fulfillmentSplit, .fulfillmentCreated])
        let merged = try split.fulfillmentOrders[0].merging(try #require(split.opened))
        #expect(merged.fulfillmentOrders[0].lines.map(\.quantity) == [2, 1])
        #expect(merged.emptied?.status == .cancelled && merged.emptied?.lines.map(\.quantity) == [0])
        #expect(throws: OrderlyError.self) {
            try two.splitting([(orderLine: 1, quantity: 2), (orderLine: 2, quantity: 1)], newID: "fo_3", at: Self.now)
        }
        var elsewhere = shipment
        elsewhere.id = "fo_9"
        elsewhere.locationId = "ST-UTR"
        #expect(throws: OrderlyError.self) { try shipment.merging(elsewhere) }
    }
}

/// What a sale at the counter rings up, where it sells, and who may ring it up.
@Suite("Counter sales")
struct CounterSaleTests {
    @Test func theTillReadsSkusUnitsAndPrices() throws {
        let items = try CounterSale.parse("HAT 14.95\n\nSOCKS 2 9.95\nHAT 14.95\nHAT 12.00", currency: "EUR")
        #expect(
            items == [
                .init(sku: "HAT", quantity: 2, unitPrice: 1495), .init(sku: "SOCKS", quantity: 2, unitPrice: 995),
                .init(sku: "HAT", quantity: 1, unitPrice: 1200),
            ])
        #expect(throws: OrderlyError.validation([.init(field: "items line 2", message: "'two' is not a number of units")])) {
            try CounterSale.parse("HAT 14.95\nSOCKS two 9.95", currency: "EUR")
        }
        #expect(throws: OrderlyError.self) { try CounterSale.parse("HAT", currency: "EUR") }
        #expect(throws: OrderlyError.validation([.init(field: "items", message: "ring up at least one sku")])) {
            try CounterSale.parse("\n", currency: "EUR")
        }
    }

    @Test func aStoreSellsOnThePointOfSaleChannelThatHoldsIt() throws {
        let channels = [
            Channel(id: "web", name: "Web", kind: .web), Channel(id: "pos-b", name: "B", kind: .pos, locations: ["ST-UTR"]),
            Channel(id: "pos-a", name: "A", kind: .pos, locations: ["ST-AMS", "ST-UTR"]),
        ]
        #expect(try CounterSale.channel(at: "ST-UTR", among: channels).id == "pos-a")
        #expect(throws: OrderlyError.self) { try CounterSale.channel(at: "ST-RTM", among: channels) }
        let draft = CounterSale.draft(
            [.init(sku: "HAT", quantity: 2, unitPrice: 1495)], at: "ST-UTR", channel: channels[2], currency: "EUR", customer: .init(), requestKey: "k"
        )
        #expect(draft.lines.map(\.delivery) == [.carryOut("ST-UTR")] && draft.isAnonymousCounterSale && draft.requestKey == "k")
        let store = Principal(keyId: "k", name: "till", role: .store, locations: ["ST-UTR"])
        #expect(store.may(.sellAtCounter("ST-UTR")) && !store.may(.sellAtCounter("ST-AMS")))
        #expect(!Principal(keyId: "s", name: "cs", role: .service).may(.sellAtCounter("ST-UTR")))
    }

    @Test func whoEntersOrdersOnWhichChannels() {
        let channels = [
            Channel(id: "web", name: "Web", kind: .web), Channel(id: "pos-utr", name: "Utrecht", kind: .pos, locations: ["ST-UTR", "DC"]),
        ]
        #expect(Principal(keyId: "s", name: "cs", role: .service).entryChannels(among: channels).map(\.id) == ["web", "pos-utr"])
        #expect(Principal(keyId: "u", name: "u", role: .store, locations: ["ST-UTR"]).entryChannels(among: channels).map(\.id) == ["pos-utr"])
        #expect(Principal(keyId: "r", name: "r", role: .store, locations: ["ST-RTM"]).entryChannels(among: channels).isEmpty)
        #expect(Principal(keyId: "w", name: "w", role: .channel, channel: "web").entryChannels(among: channels).isEmpty)
    }
}
