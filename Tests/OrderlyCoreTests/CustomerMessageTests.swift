import Foundation
import OrderlyCore
import Testing

/// Which events tell the customer something, which template says it, and the values it reads.
@Suite("Customer messages")
struct CustomerMessageTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    func order() -> Order {
        var a = OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 1250, delivery: .ship)
        a.cancelledQuantity = 1
        let b = OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 500, delivery: .ship)
        var order = Order(
            id: "ord_1", number: "ORD-000007", channel: "web", externalId: nil, customerId: "cus_1", currency: "EUR",
            totals: .init(lines: [a, b], shippingLines: []), shippingAddress: nil, coordinates: nil, lines: [a, b], createdAt: Self.now)
        order.totals = OrderTotals(lines: order.lines, shippingLines: [])
        return order
    }

    func fulfillmentOrder() -> FulfillmentOrder {
        FulfillmentOrder(
            id: "fo_1", orderId: "ord_1", locationId: "ST-UTR", type: .pickup, status: .readyForPickup,
            lines: [.init(orderLine: 2, sku: "B", quantity: 1)], createdAt: Self.now)
    }

    @Test func eachKindIsCausedByItsEventAndNoOther() throws {
        let order = order()
        #expect(MessageCause.of(.orderCreated(order, note: nil)) == MessageCause(kind: .orderConfirmation, orderId: "ord_1"))

        let shipment = Shipment(
            id: "sh_1", carrier: "PostNL", trackingNumber: "3S1", lines: [.init(orderLine: 1, sku: "A", quantity: 2)], createdAt: Self.now)
        let shipped = try #require(MessageCause.of(.fulfillmentShipped(fulfillmentOrder(), shipment)))
        #expect(shipped.kind == .shipped && shipped.carrier == "PostNL" && shipped.trackingNumber == "3S1")
        #expect(shipped.lines == [.init(sku: "A", quantity: 2)] && shipped.fulfillmentOrderId == "fo_1")

        let ready = try #require(MessageCause.of(.fulfillmentReadyForPickup(fulfillmentOrder())))
        #expect(ready.kind == .readyForPickup && ready.fulfillmentOrderId == "fo_1" && ready.lines == [.init(sku: "B", quantity: 1)])

        let refund = PaymentTransaction(
            id: "pt_1", orderId: "ord_1", kind: .refund, amount: 1250, currency: "EUR", provider: "psp", reference: "r1", at: Self.now)
        #expect(MessageCause.of(.paymentRecorded(refund, order: order))?.amount == 1250)
        var pendingRefund = refund
        pendingRefund.status = .pending
        #expect(MessageCause.of(.paymentRecorded(pendingRefund, order: order)) == nil, "only a refund that went through")
        var capture = refund
        capture.kind = .capture
        #expect(MessageCause.of(.paymentRecorded(capture, order: order)) == nil)

        let waiting = try #require(
            MessageCause.of(.orderBackordered(order, [RoutingPlanner.Backorder(lineIndex: 0, sku: "A", quantity: 2, reason: "no stock")])))
        #expect(waiting.kind == .backorderDelay && waiting.lines == [.init(sku: "A", quantity: 2)])

        #expect(MessageCause.of(.fulfillmentAccepted(fulfillmentOrder())) == nil)
        #expect(MessageCause.of(.orderNoteAdded("ord_1", text: "hi")) == nil)
    }

    @Test func aChannelsOwnTemplateComesBeforeTheBusinesssOwnBeforeTheBuiltIn() {
        let general = MessageTemplate(kind: .shipped, language: .nl, subject: "Alle kanalen", body: "x", updatedAt: Self.now)
        let web = MessageTemplate(kind: .shipped, language: .nl, channel: "web", subject: "Web", body: "x", updatedAt: Self.now)
        let english = MessageTemplate(kind: .shipped, language: .en, channel: "web", subject: "Web en", body: "x", updatedAt: Self.now)
        #expect(MessageTemplate.choose(.shipped, .nl, channel: "web", among: [general, web, english]).subject == "Web")
        #expect(MessageTemplate.choose(.shipped, .nl, channel: "pos", among: [general, web, english]).subject == "Alle kanalen")
        #expect(MessageTemplate.choose(.shipped, .en, channel: "pos", among: [general, web, english]) == .standard(.shipped, .en))
        let inUse = MessageTemplate.inUse([general, web])
        #expect(inUse.count == MessageKind.allCases.count * Language.allCases.count + 1)
        #expect(inUse.contains(general) && inUse.last == web && !inUse.contains(.standard(.shipped, .nl)))
    }

    @Test func valuesAreWrittenForTheCustomersLanguage() {
        let order = order()
        var store = Location(
            id: "ST-UTR", name: "Utrecht", kind: .store, address: Address(line1: "Oudegracht 1", city: "Utrecht", postalCode: "3511 AA"))
        store.openingHours = "ma–za 9–18"
        let cause = MessageCause(kind: .orderConfirmation, orderId: order.id)
        let dutch = MessageValues(cause, order: order, customerName: nil, store: nil, pickupCode: nil, language: .nl)
        #expect(dutch.total == "€ 42,50" && dutch.customerName == "klant")
        #expect(dutch.lines == [.init(sku: "A", quantity: 2), .init(sku: "B", quantity: 1)], "cancelled units are not confirmed")
        var refund = MessageCause(kind: .refundIssued, orderId: order.id)
        refund.amount = 1250
        let english = MessageValues(refund, order: order, customerName: "Ada", store: store, pickupCode: "K7Q2", language: .en)
        #expect(english.amount == "€12.50" && english.total == "€42.50" && english.customerName == "Ada")
        #expect(english.storeAddress == "Oudegracht 1, 3511 AA Utrecht" && english.openingHours == "ma–za 9–18" && english.pickupCode == "K7Q2")
        #expect(english.dictionary["carrier"] == nil && english.dictionary["amount"] as? String == "€12.50")
        #expect(Language.nl.money(-5, "USD") == "USD -0,05" && Language.en.money(1500, "JPY") == "JPY 1500")
    }

    /// Dates and numbers in each language's way, in the business's time zone.
    @Test func datesAndNumbersAreWrittenForTheLanguage() throws {
        let moment = Date(timeIntervalSince1970: 1_796_450_580)  // 2026-12-05 06:03 UTC
        #expect(Language.en.date(moment) == "5 Dec 2026 06:03")
        #expect(Language.nl.date(moment) == "5 dec 2026 06:03")
        let amsterdam = try #require(TimeZone(identifier: "Europe/Amsterdam"))
        #expect(Language.nl.date(moment, in: amsterdam) == "5 dec 2026 07:03")
        #expect(Language.en.date(Date(timeIntervalSince1970: 1_782_900_000), in: amsterdam) == "1 Jul 2026 12:00", "summer time")
        #expect(Language.en.number(1.5, fractionDigits: 2) == "1.50" && Language.nl.number(1.5, fractionDigits: 2) == "1,50")
    }

    @Test func aTemplateMustHaveOneLineOfSubjectAndABody() {
        #expect(throws: OrderlyError.self) { try MessageTemplate(kind: .shipped, language: .en, subject: "a\nb", body: "x").validate() }
        #expect(throws: OrderlyError.self) { try MessageTemplate(kind: .shipped, language: .en, subject: "a", body: "  \n").validate() }
        #expect(throws: OrderlyError.self) { try MessageTemplate(kind: .shipped, language: .en, subject: "", body: "x").validate() }
        for kind in MessageKind.allCases {
            for language in Language.allCases { #expect(throws: Never.self) { try MessageTemplate.standard(kind, language).validate() } }
        }
    }
}
