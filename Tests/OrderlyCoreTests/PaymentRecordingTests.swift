import Foundation
import OrderlyCore
import Testing

@Suite("Payments")
struct PaymentRecordingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// An order of 2 × 2500 with shipping 500: total 5500.
    static func order() -> Order {
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 5000, shipping: 500, discount: 0), shippingAddress: nil, coordinates: nil,
            lines: [OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 2500, delivery: .ship)], createdAt: now)
        order.shippingLines = [ShippingLine(method: "standard", price: 500)]
        return order
    }

    static func tx(
        _ kind: PaymentTransaction.Kind, _ amount: Int64, _ reference: String, status: PaymentTransaction.Status = .succeeded
    )
        -> PaymentTransaction
    {
        PaymentTransaction(
            id: PaymentTransactionID("pay_" + reference), orderId: "ord_1", kind: kind, amount: amount, currency: "EUR", provider: "psp",
            reference: reference, status: status, at: now)
    }

    static func decide(
        _ kind: PaymentTransaction.Kind, _ amount: Int64, _ reference: String, existing: [PaymentTransaction], currency: CurrencyCode = "EUR",
        status: PaymentTransaction.Status = .succeeded
    ) throws(OrderlyError) -> PaymentRecording.Outcome {
        try PaymentRecording.decide(
            .init(kind: kind, amount: amount, currency: currency, provider: "psp", reference: reference, status: status), order: order(),
            existing: existing, sameReference: existing.first { $0.reference == reference }, id: "pay_new", now: now)
    }

    @Test func theStatusFollowsTheSucceededTransactions() {
        let due: Int64 = 5500
        #expect(PaymentTotals([]).status(total: due, due: due) == .unpaid)
        #expect(PaymentTotals([Self.tx(.authorization, 5500, "a")]).status(total: due, due: due) == .authorized)
        #expect(PaymentTotals([Self.tx(.authorization, 5500, "a", status: .pending)]).status(total: due, due: due) == .unpaid)
        #expect(PaymentTotals([Self.tx(.authorization, 5500, "a"), Self.tx(.capture, 3000, "c")]).status(total: due, due: due) == .partiallyPaid)
        #expect(PaymentTotals([Self.tx(.sale, 5500, "s")]).status(total: due, due: due) == .paid)
        #expect(PaymentTotals([Self.tx(.sale, 5500, "s"), Self.tx(.refund, 1, "r")]).status(total: due, due: due) == .partiallyRefunded)
        #expect(PaymentTotals([Self.tx(.sale, 5500, "s"), Self.tx(.refund, 5500, "r")]).status(total: due, due: due) == .refunded)
        #expect(PaymentTotals([Self.tx(.authorization, 5500, "a"), Self.tx(.void, 5500, "v")]).status(total: due, due: due) == .voided)
        #expect(PaymentTotals([Self.tx(.sale, 3000, "s")]).status(total: due, due: 3000) == .paid, "paid once it covers what is still owed")
        #expect(PaymentTotals([]).status(total: 0, due: 0) == .paid, "an order worth nothing owes nothing")
    }

    @Test func whatCancelledUnitsPaidIsNoLongerOwed() {
        var order = Self.order()
        order.lines[0].cancelledQuantity = 1
        #expect(order.amountDue == 3000, "5500 less one unit's 2500")
        order.lines[0].cancelledQuantity = 2
        #expect(order.amountDue == 0, "everything cancelled: shipping is not owed either")
    }

    @Test func capturesVoidsAndRefundsStayWithinWhatIsHeldAndTaken() throws {
        let held = [Self.tx(.authorization, 5500, "a"), Self.tx(.capture, 3000, "c1")]
        #expect(try Self.decide(.capture, 2500, "c2", existing: held).transaction.amount == 2500)
        var error = #expect(throws: OrderlyError.self) { try Self.decide(.capture, 2501, "c2", existing: held) }
        #expect(error?.code == .paymentRefused && error?.detail.contains("2500 authorized") == true)
        error = #expect(throws: OrderlyError.self) { try Self.decide(.void, 2501, "v", existing: held) }
        #expect(error?.code == .paymentRefused)
        error = #expect(throws: OrderlyError.self) { try Self.decide(.refund, 3001, "r", existing: held) }
        #expect(error?.code == .paymentRefused && error?.detail.contains("3000 captured") == true)
        #expect(throws: OrderlyError.self) { try Self.decide(.capture, 1, "c3", existing: [Self.tx(.authorization, 5500, "a", status: .pending)]) }
        #expect(try Self.decide(.sale, 5500, "s", existing: []).transaction.kind == .sale, "a sale needs no authorization")
        #expect(try Self.decide(.capture, 9999, "f", existing: [], status: .failed).transaction.status == .failed, "a failure moves nothing")
        error = #expect(throws: OrderlyError.self) { try Self.decide(.sale, 5500, "s", existing: [], currency: "USD") }
        #expect(error?.fieldErrors.map(\.field) == ["currency"])
        error = #expect(throws: OrderlyError.self) { try Self.decide(.sale, 0, "s", existing: []) }
        #expect(error?.fieldErrors.map(\.field) == ["amount"])
    }

    @Test func aStepReportedAgainIsTheSameStep() throws {
        let pending = Self.tx(.capture, 3000, "c1", status: .pending)
        let held = [Self.tx(.authorization, 5500, "a"), pending]
        #expect(try Self.decide(.capture, 3000, "c1", existing: held, status: .pending) == .replay(pending))
        var settled = pending
        settled.status = .succeeded
        #expect(try Self.decide(.capture, 3000, "c1", existing: held) == .settle(settled))
        let done = [Self.tx(.authorization, 5500, "a"), settled]
        #expect(throws: OrderlyError.self) { try Self.decide(.capture, 3000, "c1", existing: done, status: .failed) }
        let error = #expect(throws: OrderlyError.self) { try Self.decide(.capture, 2000, "c1", existing: done) }
        #expect(error?.code == .conflict && error?.detail.contains("already recorded") == true, "another amount under a known reference")
    }

    /// 3 × 1000 less a 100 discount (2900) with shipping 500 and 105 VAT on top (605): the
    /// first unit shipped asks 966 (⌊2900/3⌋) and the shipping charge, the other two the
    /// rest of the line — together exactly the order's total, 3505.
    @Test func captureOnShipmentAsksWhatTheShippedUnitsOwe() {
        var line = OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 1000, delivery: .ship)
        line.orderDiscount = 100
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 3000, discountTotal: 100, taxTotal: 105, shippingTotal: 500, total: 3505), shippingAddress: nil,
            coordinates: nil, lines: [line], createdAt: Self.now)
        order.shippingLines = [
            ShippingLine(method: "standard", price: 500, taxes: [Tax(name: "VAT", rate: .init(millionths: 210_000), amount: 105, included: false)])
        ]
        let policy = PaymentPolicy(capture: .onShipment)
        let first = policy.capture(fulfilling: [(1, 1)], of: order)
        #expect(first == Int64(1571), "966 + 605")
        order.lines[0].fulfilledQuantity = 1
        let rest = policy.capture(fulfilling: [(1, 2)], of: order)
        #expect(rest == 1934 && (first ?? 0) + (rest ?? 0) == order.totals.total)
        #expect(PaymentPolicy(capture: .manual).capture(fulfilling: [(1, 2)], of: order) == nil)
        #expect(PaymentPolicy(capture: .onPlacement).capture(fulfilling: [(1, 2)], of: order) == nil)
    }

    @Test func aRequirementIsMetByWhatCoversIt() {
        let authorized = PaymentPolicy(require: .authorized)
        #expect(authorized.allows(.authorized) && authorized.allows(.paid) && authorized.allows(.partiallyPaid))
        #expect(!authorized.allows(.unpaid) && !authorized.allows(.voided) && !authorized.allows(.refunded))
        let paid = PaymentPolicy(require: .paid)
        #expect(paid.allows(.paid) && !paid.allows(.authorized) && !paid.allows(.partiallyPaid))
        #expect(PaymentPolicy().allows(.unpaid))
        #expect(ISODuration("PT48H", allowingTime: true)?.advance(Self.now, times: 1) == Self.now.addingTimeInterval(48 * 3600))
        #expect(ISODuration("P1DT12H", allowingTime: true)?.advance(Self.now, times: 1) == Self.now.addingTimeInterval(36 * 3600))
        #expect(ISODuration("PT48H") == nil && ISODuration("PT", allowingTime: true) == nil && ISODuration("P1H", allowingTime: true) == nil)
    }

    /// 2 × 2500 and shipping 500 (5500), all captured: cancelling one unit asks its 2500 back;
    /// cancelling the other too asks the rest and the shipping charge. Captured only for what
    /// shipped, cancelling the rest asks nothing.
    @Test func cancellingAsksBackWhatWasTakenForTheCancelledUnits() {
        var paid = Self.order()
        paid.payments = PaymentTotals(authorized: 5500, captured: 5500)
        var oneLess = paid
        oneLess.lines[0].cancelledQuantity = 1
        #expect(RefundRequest.forCancellation(before: paid, after: oneLess) == 2500)
        oneLess.refundsRequested = 2500
        var none = oneLess
        none.lines[0].cancelledQuantity = 2
        #expect(RefundRequest.forCancellation(before: oneLess, after: none) == 3000, "the other unit and the shipping charge")

        var shippedOne = Self.order()
        shippedOne.lines[0].fulfilledQuantity = 1
        shippedOne.payments = PaymentTotals(authorized: 5500, captured: 3000)
        var rest = shippedOne
        rest.lines[0].cancelledQuantity = 1
        #expect(RefundRequest.forCancellation(before: shippedOne, after: rest) == 0, "the cancelled unit was never captured")
        #expect(RefundRequest.forCancellation(before: Self.order(), after: oneLess) == 0, "nothing captured, nothing to give back")
        #expect(RefundRequest.forReturn(4000, order: oneLess) == 3000, "a return asks no more than may still be asked")
    }

    @Test func aRefundGoesToTheNewestPaymentsFirstAndGiftCardsLast() {
        func payment(_ id: String, _ provider: String, _ amount: Int64, _ seconds: TimeInterval) -> PaymentTransaction {
            PaymentTransaction(
                id: PaymentTransactionID(id), orderId: "ord_1", kind: .capture, amount: amount, currency: "EUR", provider: provider,
                reference: id, at: Self.now.addingTimeInterval(seconds))
        }
        var refund = Self.tx(.refund, 500, "r1")
        refund.provider = "adyen"
        let transactions = [payment("gift", "gift_card", 2000, 0), payment("old", "adyen", 1500, 10), payment("new", "adyen", 1000, 20), refund]
        let split = RefundRequest.split(3500, over: transactions)
        // The newest adyen capture has 500 left after the earlier refund, then the older one, then the gift card.
        #expect(split.map(\.transactionId) == ["new", "old", "gift"] && split.map(\.amount) == [500, 1500, 1500])
        #expect(RefundRequest.split(200, over: transactions).map(\.transactionId) == ["new"])
    }

    /// A return received whole, on an order of 2 × 2500 with shipping 500: its credit note
    /// credits the units after those returned before, and the shipping charge only when the
    /// return's refund gave it back (the last unit); a store return is refunded at the till in
    /// cash or to the card, a mail return or one not yet received is refused.
    @Test func creditNotesAndTillRefundsFollowTheReturn() throws {
        var order = Self.order()
        order.lines[0].fulfilledQuantity = 2
        order.lines[0].returnedQuantity = 1
        var line = Return.Line(orderLine: 1, sku: "A", quantity: 1, reason: "size")
        line.receivedQuantity = 1
        var ret = Return(
            id: "ret_1", orderId: "ord_1", locationId: "ST", method: .store, status: .received, lines: [line], refundAmount: 2500,
            currency: "EUR", createdAt: Self.now)
        let first = try #require(Invoicing.creditNote(for: ret, order: order, id: "inv_1", at: Self.now))
        #expect(first.kind == .creditNote && first.total == 2500 && first.lines.count == 1, "the first unit back, no shipping")
        order.lines[0].returnedQuantity = 2
        ret.refundAmount = 3000
        let last = try #require(Invoicing.creditNote(for: ret, order: order, id: "inv_2", at: Self.now))
        #expect(last.total == 3000 && last.lines.last?.description == "Shipping: standard", "the last unit brings the shipping back")

        order.payments = PaymentTotals(authorized: 5500, captured: 5500)
        guard case .cash(let report) = try ret.tillRefund(.cash, order: order) else {
            Issue.record("expected cash")
            return
        }
        #expect(report.kind == .refund && report.provider == "cash" && report.amount == 3000 && report.reference == "till:ret_1")
        #expect(try ret.tillRefund(.originalPayment, order: order) == .request(amount: 3000))
        #expect(throws: OrderlyError.self) { try ret.tillRefund(.originalPayment, order: Self.order()) }
        var mail = ret
        mail.method = .mail
        #expect(throws: OrderlyError.self) { try mail.tillRefund(.cash, order: order) }
        var open = ret
        open.status = .requested
        #expect(throws: OrderlyError.self) { try open.tillRefund(.cash, order: order) }
    }

    /// Money already taken covers the earliest units: a shipment asks only what lies beyond it,
    /// and the requests with it add up to the total. 3 × 1000 with shipping 500 (3500), 1200
    /// taken up front: the first unit with shipping owes 1500, asks 300; the other two ask
    /// 1000 each. All of it taken up front: nothing is asked.
    @Test func captureOnShipmentNeverAsksForMoneyAlreadyTaken() {
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 3000, shipping: 500, discount: 0), shippingAddress: nil, coordinates: nil,
            lines: [OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 1000, delivery: .ship)], createdAt: Self.now)
        order.shippingLines = [ShippingLine(method: "standard", price: 500)]
        order.payments = PaymentTotals(authorized: 1200, captured: 1200)
        let policy = PaymentPolicy(capture: .onShipment)
        #expect(policy.capture(fulfilling: [(1, 1)], of: order) == 300)
        order.lines[0].fulfilledQuantity = 1
        #expect(policy.capture(fulfilling: [(1, 1)], of: order) == 1000, "the 300 not yet captured changes nothing")
        order.payments.captured += 300
        #expect(policy.capture(fulfilling: [(1, 1)], of: order) == 1000)
        order.lines[0].fulfilledQuantity = 2
        #expect(policy.capture(fulfilling: [(1, 1)], of: order) == 1000)
        order.payments = PaymentTotals(authorized: 3500, captured: 3500)
        #expect(policy.capture(fulfilling: [(1, 1)], of: order) == nil)
    }

    /// The return's value pays the replacement first; the smaller of the two is the credit,
    /// bounded by what the original order may still give back.
    @Test func anExchangeSettlesTheReturnAgainstTheReplacement() throws {
        var order = Self.order()
        order.payments = PaymentTotals(authorized: 5500, captured: 5500)
        #expect(Exchange.settle(returnValue: 2500, replacementTotal: 3000, order: order) == .init(credit: 2500, charge: 500, refund: 0))
        #expect(Exchange.settle(returnValue: 2500, replacementTotal: 1999, order: order) == .init(credit: 1999, charge: 0, refund: 501))
        #expect(Exchange.settle(returnValue: 2500, replacementTotal: 0, order: order) == .init(credit: 0, charge: 0, refund: 2500))
        order.payments.refunded = 5000
        #expect(
            Exchange.settle(returnValue: 2500, replacementTotal: 3000, order: order) == .init(credit: 500, charge: 2500, refund: 2000),
            "only the 500 still taken can pay the replacement")
        #expect(Exchange.settle(returnValue: 2500, replacementTotal: 3000, order: Self.order()).credit == 0, "an unpaid order credits nothing")

        #expect(try Exchange.lines([.init(sku: "B", quantity: 2)]).map(\.unitPrice) == [0])
        #expect(try Exchange.lines([.init(sku: "B", quantity: 1, unitPrice: 1200)]).map(\.unitPrice) == [1200])
        let mixed = #expect(throws: OrderlyError.self) {
            try Exchange.lines([.init(sku: "B", quantity: 1, unitPrice: 1200), .init(sku: "C", quantity: 1)])
        }
        #expect(mixed?.fieldErrors.map(\.field) == ["exchange[1].unitPrice"])

        var line = Return.Line(orderLine: 1, sku: "A", quantity: 1, reason: "size")
        line.receivedQuantity = 1
        var ret = Return(
            id: "ret_1", orderId: "ord_1", locationId: "WH", method: .mail, status: .received, lines: [line], refundAmount: 0, currency: "EUR",
            createdAt: Self.now)
        ret.exchangeOrderId = "ord_2"
        ret.exchangeCredit = 2500
        order.payments = PaymentTotals(authorized: 5500, captured: 5500)
        let out = try #require(Exchange.creditOut(ret, order: order))
        #expect(out.kind == .refund && out.provider == "exchange" && out.amount == 2500 && out.reference == "out:ret_1")
        #expect(ret.value == 2500)
        var requested = ret
        requested.status = .requested
        requested.lines[0].receivedQuantity = 0
        #expect(throws: OrderlyError.self) { try requested.cancelling() }
        requested.exchangeCredit = 0
        #expect(try requested.cancelling().status == .cancelled)
    }

    /// A goodwill refund of 500 on an order of 1210 with 210 VAT at 21 % and 1090 with 90 at
    /// 9 % (total 2300) gives back its share of each: 500 × 210 / 2300 = 45.65 → 45, and
    /// 500 × 90 / 2300 = 19.56 → 19, both part of the 500.
    @Test func aManualRefundGivesBackItsShareOfEachTax() throws {
        var a = OrderLine(number: 1, sku: "A", quantity: 1, unitPrice: 1210, delivery: .ship)
        a.taxes = [Tax(name: "VAT", rate: .init(millionths: 210_000), amount: 210, included: true)]
        var b = OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 1090, delivery: .ship)
        b.taxes = [Tax(name: "VAT", rate: .init(millionths: 90_000), amount: 90, included: true)]
        let order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 2300, discountTotal: 0, taxTotal: 300, shippingTotal: 0, total: 2300), shippingAddress: nil,
            coordinates: nil, lines: [a, b], createdAt: Self.now)
        var refund = Self.tx(.refund, 500, "goodwill")
        refund.provider = "manual"
        let note = try #require(Invoicing.creditNote(forManual: refund, order: order, id: "inv_1", at: Self.now))
        #expect(note.taxes.map(\.amount) == [45, 19] && note.taxes.allSatisfy(\.included))
        #expect(note.taxTotal == 64 && note.total == 500 && note.lines.first?.taxes.map(\.amount) == [45, 19])
        refund.provider = "psp"
        #expect(Invoicing.creditNote(forManual: refund, order: order, id: "inv_2", at: Self.now) == nil, "a provider's refund has its own document")
    }
}
