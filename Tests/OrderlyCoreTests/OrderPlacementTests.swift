import Foundation
import OrderlyCore
import Testing

/// What placing an order decides (`OrderPlacement`), without a database.
@Suite("Order placement")
struct OrderPlacementTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let dc = Location(id: "DC", name: "DC", kind: .warehouse, coordinates: .init(latitude: 51.57, longitude: 5.07), priority: 10)
    let utrecht = Location(id: "ST-UTR", name: "Utrecht", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)
    let address = Address(line1: "Prinsengracht 263", city: "Amsterdam", postalCode: "1016 GV", country: "NL")

    func input(
        _ lines: [OrderDraft.Line], stock: [SKU: [LocationID: Int64]], channel: Channel = Channel(id: "web", name: "Web", kind: .web),
        reservation: Reservation? = nil, isFirstOrder: Bool = false, tags: [String] = []
    ) throws -> OrderPlacement.Input {
        let draft = OrderDraft(
            channel: channel.id, externalId: "W-1", customer: .init(email: "a@b.nl"), currency: "EUR", shippingAddress: address,
            coordinates: .init(latitude: 52.37, longitude: 4.89), lines: lines, tags: tags, note: "ring twice", reservationId: reservation?.id)
        let products = Dictionary(lines.map { ($0.sku, Product(sku: $0.sku, name: $0.sku.rawValue)) }, uniquingKeysWith: { first, _ in first })
        return OrderPlacement.Input(
            draft: draft, priced: try draft.priced(), id: "ord_1", number: "ORD-000042", customer: "cus_1", isFirstOrder: isFirstOrder,
            products: products,
            stock: .init(channel: channel, locations: [dc.id: dc, utrecht.id: utrecht], stock: stock, destination: draft.coordinates, now: Self.now),
            reservation: reservation, now: Self.now)
    }

    func ids() -> () -> FulfillmentOrderID {
        var n = 0
        return {
            n += 1
            return FulfillmentOrderID("fo_\(n)")
        }
    }

    func reservation(_ lines: [Reservation.Line], status: Reservation.Status = .active, expiresIn: TimeInterval = 600) -> Reservation {
        Reservation(id: "res_1", channel: "web", status: status, lines: lines, expiresAt: Self.now.addingTimeInterval(expiresIn), createdAt: Self.now)
    }

    @Test func linesAreNumberedFromOneInTheOrderSent() throws {
        let plan = try OrderPlacement.decide(
            try input(
                [
                    .init(sku: "B", quantity: 1, unitPrice: 500), .init(sku: "A", quantity: 2, unitPrice: 250),
                    .init(sku: "B", quantity: 3, unitPrice: 500),
                ],
                stock: ["A": ["DC": 10], "B": ["DC": 10]]),
            newFulfillmentOrderID: ids())
        #expect(plan.order.lines.map(\.number) == [1, 2, 3])
        #expect(plan.order.lines.map(\.sku) == ["B", "A", "B"])
        #expect(plan.order.number == "ORD-000042" && plan.order.totals.total == 500 + 2 * 250 + 3 * 500)
    }

    @Test func anOrderWithoutHoldsIsReleasedAtOnce() throws {
        let plan = try OrderPlacement.decide(
            try input([.init(sku: "A", quantity: 2, unitPrice: 100)], stock: ["A": ["DC": 5]]), newFulfillmentOrderID: ids())
        #expect(plan.released)
        #expect(plan.routing.allocations.map(\.quantity) == [2])
        #expect(plan.order.lines[0].allocatedQuantity == 2)
        #expect(plan.allocations == [.init(line: 1, location: "DC", type: .ship, quantity: 2, reason: plan.routing.allocations[0].reason)])
        #expect(plan.release.opened.map(\.id) == ["fo_1"])
        #expect(plan.release.opened.first?.lines.map(\.quantity) == [2])
        #expect(plan.events.map(\.type) == [.orderCreated, .orderAllocated, .fulfillmentCreated])
        #expect(plan.events.allSatisfy { $0.subject == .order("ord_1") })
    }

    @Test func aHeldOrderReservesButOpensNoFulfillmentOrder() throws {
        let channel = Channel(id: "web", name: "Web", kind: .web, holdRules: [HoldRule(name: "big orders", minTotal: 1000)])
        let plan = try OrderPlacement.decide(
            try input([.init(sku: "A", quantity: 3, unitPrice: 400)], stock: ["A": ["DC": 5]], channel: channel), newFulfillmentOrderID: ids())
        #expect(plan.order.holds == [Hold(id: "rule-1", reason: "big orders", source: .rule)])
        #expect(!plan.released && plan.release.opened.isEmpty)
        #expect(plan.routing.allocations.map(\.quantity) == [3], "stock is still reserved while the order is held")
        #expect(plan.allocations.map(\.quantity) == [3])
        #expect(plan.events.map(\.type) == [.orderCreated, .orderAllocated, .orderHeld])
        #expect(plan.order.status == .onHold)
    }

    @Test func aReservationCoversItsSkusLinesInOrderAndGivesBackWhatNoLineNeeds() throws {
        // Held: 3 × A at the DC (the order needs 1 + 1), 2 × B at Utrecht (the pickup at
        // Utrecht takes them), 1 × A at Utrecht (the A lines ship, a ship line takes any location).
        let held = reservation([.init(sku: "A", locationId: "DC", quantity: 3), .init(sku: "B", locationId: "ST-UTR", quantity: 2)])
        let plan = try OrderPlacement.decide(
            try input(
                [
                    .init(sku: "A", quantity: 1, unitPrice: 100), .init(sku: "B", quantity: 2, unitPrice: 100, delivery: .pickup("ST-UTR")),
                    .init(sku: "A", quantity: 1, unitPrice: 100),
                ],
                stock: ["A": ["DC": 0], "B": ["DC": 9]], reservation: held),
            newFulfillmentOrderID: ids())
        #expect(plan.reservation == .init(id: "res_1", leftovers: [.init(sku: "A", locationId: "DC", quantity: 1)]))
        #expect(plan.routing.allocations.isEmpty, "nothing left to route: no stock reserved twice")
        #expect(plan.allocations.map(\.line) == [1, 3, 2])
        #expect(plan.allocations.map(\.type) == [.ship, .ship, .pickup])
        #expect(plan.allocations.allSatisfy { $0.reason == "held at checkout by reservation res_1" })
        #expect(plan.order.lines.map(\.allocatedQuantity) == [1, 2, 1])
        #expect(plan.events.map(\.type) == [.orderCreated, .reservationConsumed, .fulfillmentCreated, .fulfillmentCreated])
    }

    @Test func unitsHeldAtAnotherStoreDoNotCoverAPickupLine() throws {
        let held = reservation([.init(sku: "B", locationId: "DC", quantity: 2)])
        let coverage = OrderPlacement.cover(
            [OrderLine(number: 1, sku: "B", quantity: 2, unitPrice: 100, delivery: .pickup("ST-UTR"))], remaining: [2], with: held)
        #expect(coverage.allocations.isEmpty)
        #expect(coverage.remaining == [2])
        #expect(coverage.leftovers == [.init(sku: "B", locationId: "DC", quantity: 2)])
    }

    @Test func aReservationMustBeTheChannelsActiveAndUnexpired() throws {
        let lines = [OrderDraft.Line(sku: "A", quantity: 1, unitPrice: 100)]
        let foreign = Reservation(
            id: "res_1", channel: "pos", status: .active, lines: [], expiresAt: Self.now.addingTimeInterval(60), createdAt: Self.now)
        #expect(throws: OrderlyError.invalid("reservationId", "reservation 'res_1' does not exist for channel web")) {
            try OrderPlacement.decide(try input(lines, stock: ["A": ["DC": 5]], reservation: foreign), newFulfillmentOrderID: ids())
        }
        for (reservation, word) in [(reservation([], expiresIn: 0), "expired"), (reservation([], status: .consumed), "consumed")] {
            do {
                _ = try OrderPlacement.decide(try input(lines, stock: ["A": ["DC": 5]], reservation: reservation), newFulfillmentOrderID: ids())
                Issue.record("a \(word) reservation was used")
            } catch let error as OrderlyError {
                #expect(error.code == .conflict && error.detail == "Reservation 'res_1' is \(word) and holds no stock")
            }
        }
    }

    @Test func aCounterSaleIsHandedOverAsItIsPlaced() throws {
        let plan = try OrderPlacement.decide(
            try input([.init(sku: "A", quantity: 2, unitPrice: 100, delivery: .carryOut("ST-UTR"))], stock: ["A": ["ST-UTR": 4]]),
            newFulfillmentOrderID: ids())
        #expect(plan.release.opened.map(\.status) == [.open])
        #expect(plan.release.handedOver.map(\.status) == [.pickedUp])
        #expect(plan.release.handedOver.first?.lines.map(\.fulfilledQuantity) == [2])
        #expect(plan.release.current.map(\.status) == [.pickedUp])
        #expect(plan.events.map(\.type) == [.orderCreated, .orderAllocated, .fulfillmentCreated, .fulfillmentCarriedOut])
    }

    @Test func aShortageBackordersAndSaysItNeedsIncomingSupply() throws {
        var channel = Channel(id: "web", name: "Web", kind: .web)
        channel.routing.onShortage = .backorder
        let plan = try OrderPlacement.decide(
            try input([.init(sku: "A", quantity: 5, unitPrice: 100)], stock: ["A": ["DC": 2]], channel: channel), newFulfillmentOrderID: ids())
        #expect(plan.needsIncoming)
        #expect(plan.order.lines[0].allocatedQuantity == 2 && plan.order.lines[0].backorderedQuantity == 3)
        #expect(plan.events.map(\.type) == [.orderCreated, .orderAllocated, .orderBackordered, .fulfillmentCreated])
        channel.routing.onShortage = .reject
        #expect(throws: OrderlyError.self) {
            try OrderPlacement.decide(
                try input([.init(sku: "A", quantity: 5, unitPrice: 100)], stock: ["A": ["DC": 2]], channel: channel), newFulfillmentOrderID: ids())
        }
    }

    @Test func allocationsOfOneLineLocationAndTypeMergeIntoOne() {
        let merged = OrderAllocation.merged([
            .init(line: 1, location: "DC", type: .ship, quantity: 1, reason: "first"),
            .init(line: 2, location: "DC", type: .ship, quantity: 4, reason: "other line"),
            .init(line: 1, location: "DC", type: .ship, quantity: 2, reason: "second"),
            .init(line: 1, location: "DC", type: .pickup, quantity: 1, reason: "another type"),
        ])
        #expect(merged.map(\.quantity) == [3, 4, 1])
        #expect(merged.first?.reason == "second")
    }
}
