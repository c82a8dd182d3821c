import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Payments API")
struct PaymentsAPITests {
    /// Accepts the fulfillment order `fo` and ships line 1 of order `id` in shipments of `quantities`.
    static func ship(_ app: TestApp, _ fo: String, of id: String, _ quantities: [Int]) async throws {
        try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
        for quantity in quantities {
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["orderLineId": "\(id):1", "quantity": quantity]]])
                .expect(201)
        }
    }

    static func pay(_ kind: String, _ amount: Int, _ reference: String, extra: [String: Any] = [:]) -> [String: Any] {
        ["kind": kind, "amount": amount, "currency": "EUR", "provider": "adyen", "method": "card", "reference": reference].merging(extra) { $1 }
    }

    /// An order of 2 × 1999 (3998): authorized, captured in two parts, partly refunded.
    @Test(arguments: Engine.all)
    func anOrdersPaymentsAndItsPaymentStatus(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let web = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "web shop", "role": "channel", "channel": "web"]).expect(201)["secret"]
                    as? String)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "p-1", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1999]]),
                key: web
            ).expect(201)
            let id = try #require(order["id"] as? String)
            #expect(order["paymentStatus"] as? String == "unpaid")

            let auth = try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("authorization", 3998, "psp-a1"), key: web).expect(201)
            #expect(auth["status"] as? String == "succeeded" && (auth["id"] as? String)?.hasPrefix("pay_") == true)
            #expect(
                try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("authorization", 3998, "psp-a1"), key: web).expect(200)["id"]
                    as? String == auth["id"] as? String)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["paymentStatus"] as? String == "authorized")
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 2000, "psp-c1"), key: web).expect(201)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["paymentStatus"] as? String == "partially_paid")
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 1998, "psp-c2"), key: web).expect(201)
            try await app.send(
                .post, "/v1/orders/\(id)/payments",
                json: Self.pay("refund", 500, "goodwill-1", extra: ["provider": "manual", "note": "late delivery"])
            )
            .expect(201)

            let list = try await app.send(.get, "/v1/orders/\(id)/payments", key: web).expect(200)
            #expect(list.items.compactMap { $0["kind"] as? String } == ["authorization", "capture", "capture", "refund"])
            #expect(list["paymentStatus"] as? String == "partially_refunded" && list.int("amountDue") == 3998)
            let totals = list["paymentTotals"] as? [String: Any] ?? [:]
            #expect(["authorized", "captured", "refunded"].map { (totals[$0] as? NSNumber)?.intValue } == [3998, 3998, 500])
            #expect(list.items.last?["note"] as? String == "late delivery")
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            #expect(timeline.filter { $0["type"] as? String == "payment.recorded" }.count == 4)
        }
    }

    @Test(arguments: Engine.all)
    func paymentsBeyondWhatIsHeldOrTakenAreRefusedAndChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "p-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("authorization", 1000, "a1")).expect(201)
            let store = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "till", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)["secret"]
                    as? String)
            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            let before = try await DatabaseImage.of(app.stores.database)

            let over = try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 1001, "c1")).expect(422)
            #expect(over["code"] as? String == "payment_refused" && (over["detail"] as? String)?.contains("1000 authorized") == true)
            #expect(
                try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("refund", 1, "r1")).expect(422)["code"] as? String
                    == "payment_refused")
            let currency = try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 100, "c1", extra: ["currency": "USD"]))
                .expect(400)
            #expect(currency.fields == ["currency"])
            #expect(
                try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("authorization", 999, "a1")).expect(409)["code"] as? String
                    == "conflict")
            #expect(try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", -5, "c1")).expect(400).fields == ["amount"])
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("chargeback", 5, "c1")).expect(400)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 100, "c1"), key: store).expect(403)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: Self.pay("capture", 100, "c1"), key: pos).expect(404)
            try await app.send(.post, "/v1/orders/ord_missing/payments", json: Self.pay("capture", 100, "c1")).expect(404)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
        }
    }

    static func signed(_ body: String, secret: String, at time: Date = Date()) -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name(WebhookSignature.headerName)!] = WebhookSignature.header(
            secret: secret, timestamp: Int64(time.timeIntervalSince1970), body: Array(body.utf8))
        return headers
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A provider's callbacks: signed with its secret, replayed safely, refused unsigned, badly
    /// signed, stale or naming another provider — and a refused callback changes nothing.
    @Test(arguments: Engine.all)
    func signedProviderCallbacksRecordPaymentsOnce(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "shop-77", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 2500]])
            ).expect(201)
            let secret = "whsec_0123456789abcdef"
            let empty = try await DatabaseImage.of(app.stores.database)
            #expect(try await app.send(.put, "/v1/payment-providers/adyen", json: ["secret": "short"]).expect(400).fields == ["secret"])
            try await app.send(.put, "/v1/payment-providers/adyen", json: ["secret": secret], key: nil).expect(401)
            #expect(try await DatabaseImage.of(app.stores.database) == empty, "a refused secret saves nothing")
            #expect(try await app.send(.put, "/v1/payment-providers/adyen", json: ["secret": secret]).expect(200)["id"] as? String == "adyen")
            #expect(try await app.send(.get, "/v1/payment-providers").expect(200).items.compactMap { $0["id"] as? String } == ["adyen"])
            #expect(try await app.send(.get, "/v1/payment-providers").text.contains(secret) == false)
            let body = try Self.json([
                "provider": "adyen", "channel": "web", "externalId": "shop-77", "kind": "sale", "amount": 2500, "currency": "EUR",
                "reference": "PSP-8861", "method": "ideal",
            ])
            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/payments/events", body: body, key: nil).expect(401)
            try await app.send(.post, "/v1/payments/events", body: body, key: nil, headers: Self.signed(body, secret: "wrong-secret-0123456789"))
                .expect(401)
            try await app.send(
                .post, "/v1/payments/events", body: body, key: nil, headers: Self.signed(body, secret: secret, at: Date().addingTimeInterval(-600))
            ).expect(401)
            let tampered = body.replacingOccurrences(of: "2500", with: "25")
            try await app.send(.post, "/v1/payments/events", body: tampered, key: nil, headers: Self.signed(body, secret: secret)).expect(401)
            let other = body.replacingOccurrences(of: "\"adyen\"", with: "\"stripe\"")
            try await app.send(.post, "/v1/payments/events", body: other, key: nil, headers: Self.signed(other, secret: secret)).expect(401)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused callbacks change nothing")

            // The order must be named: by orderId, or by channel and externalId.
            let unnamed = try Self.json(["provider": "adyen", "kind": "sale", "amount": 2500, "currency": "EUR", "reference": "PSP-X"])
            #expect(
                try await app.send(.post, "/v1/payments/events", body: unnamed, key: nil, headers: Self.signed(unnamed, secret: secret)).expect(400)
                    .fields == ["orderId"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "an unnamed order changes nothing")
            let first = try await app.send(.post, "/v1/payments/events", body: body, key: nil, headers: Self.signed(body, secret: secret)).expect(201)
            let again = try await app.send(.post, "/v1/payments/events", body: body, key: nil, headers: Self.signed(body, secret: secret)).expect(200)
            #expect(first["id"] as? String == again["id"] as? String && first["provider"] as? String == "adyen")
            let orderId = try #require(first["orderId"] as? String)
            let order = try await app.send(.get, "/v1/orders/\(orderId)").expect(200)
            #expect(order["paymentStatus"] as? String == "paid")
            #expect(((order["paymentTotals"] as? [String: Any])?["captured"] as? NSNumber)?.intValue == 2500, "the replay counted once")
            let recorded = try await app.send(.get, "/v1/orders/\(orderId)/events").expect(200).items.filter {
                $0["type"] as? String == "payment.recorded"
            }
            #expect(recorded.count == 1 && recorded.first?["actor"] as? String == "provider:adyen")
            let byId = try Self.json([
                "provider": "adyen", "orderId": orderId, "kind": "refund", "amount": 500, "currency": "EUR", "reference": "PSP-8862",
            ])
            try await app.send(.post, "/v1/payments/events", body: byId, key: nil, headers: Self.signed(byId, secret: secret)).expect(201)
            #expect(try await app.send(.get, "/v1/orders/\(orderId)").expect(200)["paymentStatus"] as? String == "partially_refunded")

            try await app.send(.delete, "/v1/payment-providers/adyen").expect(204)
            try await app.send(.post, "/v1/payments/events", body: body, key: nil, headers: Self.signed(body, secret: secret)).expect(401)
        }
    }

    /// A channel that captures on shipment asks, with each shipment, for what its units owe
    /// (shipping with the first); the requests add up to the order's total. One that captures
    /// on placement asks for the total at once.
    @Test(arguments: Engine.all)
    func theChannelsCapturePolicyAsksForWhatIsOwed(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let before = try await DatabaseImage.of(app.stores.database)
            let bad = try await app.send(.patch, "/v1/channels/web", json: ["payments": ["capture": "on_shipment", "timeout": "48 hours"]]).expect(
                400)
            #expect(bad.fields == ["payments.timeout"])
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["capture": "whenever"]]).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            let channel = try await app.send(.patch, "/v1/channels/web", json: ["payments": ["capture": "on_shipment", "timeout": "PT48H"]]).expect(
                200)
            #expect((channel["payments"] as? [String: Any])?["capture"] as? String == "on_shipment")
            #expect((channel["payments"] as? [String: Any])?["require"] as? String == "none")

            var body = OrdersAPITests.order(externalId: "cap-1", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            body["discount"] = 100
            body["shippingLines"] = [
                ["method": "standard", "price": 500, "taxes": [["name": "VAT", "rate": 0.21, "amount": 105, "included": false]]]
            ]
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [1, 2])
            let requests = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter {
                $0["type"] as? String == "payment.capture_requested"
            }
            let amounts = requests.compactMap { (($0["data"] as? [String: Any])?["amount"] as? NSNumber)?.intValue }
            #expect(amounts == [1571, 1934] && amounts.reduce(0, +) == 3505, "966 and the 605 shipping charge, then the rest of the line")
            #expect(requests.allSatisfy { ($0["data"] as? [String: Any])?["fulfillmentOrderId"] as? String == fo })

            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["capture": "on_placement"]]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "cap-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            ).expect(201)
            let asked = try await app.send(.get, "/v1/orders/\(try #require(placed["id"] as? String))/events").expect(200).items.first {
                $0["type"] as? String == "payment.capture_requested"
            }
            #expect(((asked?["data"] as? [String: Any])?["amount"] as? NSNumber)?.intValue == 1000)
            #expect((asked?["data"] as? [String: Any])?["reason"] as? String == "placement")
        }
    }
}

@Suite("Refund requests")
struct RefundRequestTests {
    static func refunds(_ app: TestApp, _ id: String) async throws -> [[String: Any]] {
        try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter { $0["type"] as? String == "refund.requested" }
            .compactMap { $0["data"] as? [String: Any] }
    }

    /// A paid order: cancelling a unit asks its price back from the payment; a return, once
    /// received, asks its refund. Unpaid, nothing is asked.
    @Test(arguments: Engine.all)
    func cancellationsAndReturnsAskBackWhatWasPaid(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "rf-1", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            let sale = try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 3000, "rf-sale")).expect(201)
            try await app.send(.post, "/v1/orders/\(id)/cancel", json: ["lines": [["line": 1, "quantity": 1]]]).expect(200)
            var asked = try await Self.refunds(app, id)
            #expect(asked.count == 1 && (asked[0]["amount"] as? NSNumber)?.intValue == 1000 && asked[0]["reason"] as? String == "cancellation")
            let split = asked[0]["split"] as? [[String: Any]] ?? []
            #expect(split.count == 1 && split[0]["transactionId"] as? String == sale["id"] as? String)

            let fo = try #require(
                (try await app.send(.get, "/v1/orders/\(id)").expect(200)["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [2])
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]]]
            ).expect(201)
            let retId = try #require(ret["id"] as? String)
            #expect(try await Self.refunds(app, id).count == 1, "nothing asked before the return arrives")
            try await app.send(.post, "/v1/returns/\(retId)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]])
                .expect(200)
            asked = try await Self.refunds(app, id)
            #expect(asked.count == 2 && (asked[1]["amount"] as? NSNumber)?.intValue == 1000 && asked[1]["returnId"] as? String == retId)

            let unpaid = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "rf-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            ).expect(201)
            let unpaidId = try #require(unpaid["id"] as? String)
            try await app.send(.post, "/v1/orders/\(unpaidId)/cancel").expect(200)
            #expect(try await Self.refunds(app, unpaidId).isEmpty)
        }
    }
}

@Suite("Refunds at the till")
struct TillRefundTests {
    /// A web order, paid online, shipped, brought back to the Utrecht store: the associate pays
    /// it back in cash (a `cash` refund on the order; the return refunded), or sends it back to
    /// the card (`refund.requested`, the return `requested`). Another store may not; a mail
    /// return, a return not yet received or refunded twice is refused and changes nothing.
    @Test(arguments: Engine.all)
    func aStoreRefundsAReturnInCashOrToTheCard(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "till-1", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1500]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 4500, "till-sale")).expect(201)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [3])
            let utrecht = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "utrecht", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)["secret"]
                    as? String)
            let rotterdam = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "rotterdam", "role": "store", "locationIds": ["ST-RTM"]]).expect(201)[
                    "secret"]
                    as? String)
            func storeReturn(_ quantity: Int) async throws -> String {
                let ret = try await app.send(
                    .post, "/v1/returns",
                    json: [
                        "orderId": id, "locationId": "ST-UTR", "method": "store",
                        "lines": [["sku": "SKU-1", "quantity": quantity, "reason": "size"]],
                    ],
                    key: utrecht
                ).expect(201)
                return try #require(ret["id"] as? String)
            }
            let first = try await storeReturn(1)
            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/returns/\(first)/till-refund", json: ["method": "cash"], key: utrecht).expect(409)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "nothing is refunded before the return is received")
            try await app.send(
                .post, "/v1/returns/\(first)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]], key: utrecht
            )
            .expect(200)
            #expect(try await RefundRequestTests.refunds(app, id).isEmpty, "a store return waits for the till")
            let received = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/returns/\(first)/till-refund", json: ["method": "cash"], key: rotterdam).expect(403)
            try await app.send(.post, "/v1/returns/\(first)/till-refund", json: ["method": "cheque"], key: utrecht).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == received, "another store's till and an unknown method change nothing")
            let cash = try await app.send(.post, "/v1/returns/\(first)/till-refund", json: ["method": "cash"], key: utrecht).expect(200)
            #expect(cash["refundStatus"] as? String == "refunded")
            let payments = try await app.send(.get, "/v1/orders/\(id)/payments").expect(200)
            let refund = try #require(payments.items.last)
            #expect(
                refund["provider"] as? String == "cash" && (refund["amount"] as? NSNumber)?.intValue == 1500 && refund["kind"] as? String == "refund")
            #expect(payments["paymentStatus"] as? String == "partially_refunded")
            let again = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/returns/\(first)/till-refund", json: ["method": "cash"], key: utrecht).expect(409)
            #expect(try await DatabaseImage.of(app.stores.database) == again, "refunded once")

            let second = try await storeReturn(2)
            try await app.send(
                .post, "/v1/returns/\(second)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 2, "condition": "damaged"]]], key: utrecht
            )
            .expect(200)
            let card = try await app.send(.post, "/v1/returns/\(second)/till-refund", json: ["method": "original_payment"], key: utrecht).expect(200)
            #expect(card["refundStatus"] as? String == "requested")
            let asked = try await RefundRequestTests.refunds(app, id)
            #expect(asked.count == 1 && (asked[0]["amount"] as? NSNumber)?.intValue == 3000 && asked[0]["returnId"] as? String == second)
            try await app.send(.post, "/v1/returns/\(second)/till-refund", json: ["method": "cash"], key: utrecht).expect(409)
        }
    }
}

@Suite("Invoices API")
struct InvoicesAPITests {
    /// 3 × 1210 with 21 % VAT in the price and shipping 495 with 104 VAT on top (total 4229):
    /// a shipment of one unit is invoiced 1210 with the shipping (599) and 210 + 104 VAT; the
    /// second shipment the other two units; together the order's total. A return of one unit,
    /// received, brings a credit note for it.
    @Test(arguments: Engine.all)
    func shipmentsAreInvoicedAndReturnsCredited(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            var body = OrdersAPITests.order(
                externalId: "inv-1",
                lines: [
                    ["sku": "SKU-1", "quantity": 3, "unitPrice": 1210, "taxes": [["name": "VAT", "rate": 0.21, "amount": 630, "included": true]]]
                ])
            body["shippingLines"] = [
                ["method": "standard", "price": 495, "taxes": [["name": "VAT", "rate": 0.21, "amount": 104, "included": false]]]
            ]
            body["billingAddress"] = ["name": "Ada Ltd", "line1": "Keizersgracht 1", "city": "Amsterdam", "country": "NL"]
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [1, 2])

            let invoices = try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items
            #expect(invoices.map { $0["kind"] as? String } == ["invoice", "invoice"])
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            #expect(Set(invoices.compactMap { $0["number"] as? String }) == ["INV-\(year)-000001", "INV-\(year)-000002"])
            let first = try #require(invoices.first { ($0["total"] as? NSNumber)?.intValue == 1210 + 599 })
            #expect((first["taxTotal"] as? NSNumber)?.intValue == 210 + 104)
            let breakdown = first["taxes"] as? [[String: Any]] ?? []
            #expect(
                breakdown.map { ($0["amount"] as? NSNumber)?.intValue } == [210, 104]
                    || breakdown.map { ($0["amount"] as? NSNumber)?.intValue } == [104, 210])
            #expect((first["buyer"] as? [String: Any])?["name"] as? String == "Ada Ltd")
            let total = invoices.reduce(0) { $0 + (($1["total"] as? NSNumber)?.intValue ?? 0) }
            #expect(total == 4229, "the invoices add up to the order's total")
            let one = try await app.send(.get, "/v1/invoices/\(try #require(first["id"] as? String))").expect(200)
            #expect(one["number"] as? String == first["number"] as? String)

            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]]]
            ).expect(201)
            try await app.send(
                .post, "/v1/returns/\(try #require(ret["id"] as? String))/receive",
                json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "damaged"]]]
            ).expect(200)
            let credit = try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items.first { $0["kind"] as? String == "credit_note" }
            #expect(credit?["number"] as? String == "CN-\(year)-000001")
            #expect((credit?["total"] as? NSNumber)?.intValue == (ret["refundAmount"] as? NSNumber)?.intValue)
            #expect((credit?["total"] as? NSNumber)?.intValue == 1210 && (credit?["taxTotal"] as? NSNumber)?.intValue == 210)

            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            try await app.send(.get, "/v1/invoices/\(try #require(first["id"] as? String))", key: pos).expect(404)
            try await app.send(.get, "/v1/invoices", key: pos).expect(403)
        }
    }
}

extension InvoicesAPITests {
    /// A channel that invoices per order: 3 × 1000 with shipping 500, two units shipped in two
    /// shipments bring no invoice; cancelling the third completes the order and brings the one
    /// invoice, for the two shipped units (named as the catalogue names them) and the shipping.
    @Test(arguments: Engine.all)
    func aChannelThatInvoicesPerOrderGetsOneInvoiceWhenNothingIsLeftToFulfil(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let channel = try await app.send(.patch, "/v1/channels/web", json: ["payments": ["invoicing": "per_order"]]).expect(200)
            #expect((channel["payments"] as? [String: Any])?["invoicing"] as? String == "per_order")
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["invoicing": "per_month"]]).expect(400)
            var body = OrdersAPITests.order(externalId: "inv-order", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            body["shippingLines"] = [["method": "standard", "price": 500]]
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [1, 1])
            #expect(try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items.isEmpty, "nothing is invoiced while a unit is open")
            try await app.send(.post, "/v1/orders/\(id)/cancel", json: ["lines": [["line": 1, "quantity": 1]]]).expect(200)
            let invoices = try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items
            #expect(invoices.count == 1 && (invoices.first?["total"] as? NSNumber)?.intValue == 2500)
            let lines = invoices.first?["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { ($0["quantity"] as? NSNumber)?.intValue } == [2, 1])
            #expect(lines.map { $0["description"] as? String } == ["One", "Shipping: standard"])
        }
    }
}

@Suite("Sales report")
struct SalesReportTests {
    /// Two web orders and a POS sale, invoiced; one unit returned: the report by channel, by
    /// location and by day adds them up from the documents, in JSON and in CSV.
    @Test(arguments: Engine.all)
    func salesAreReportedFromTheInvoicesAndCreditNotes(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 10]).expect(200)
            var web: [String] = []
            for (n, quantity) in [2, 1].enumerated() {
                var body = OrdersAPITests.order(
                    externalId: "rep-\(n)",
                    lines: [
                        [
                            "sku": "SKU-1", "quantity": quantity, "unitPrice": 1210,
                            "taxes": [["name": "VAT", "rate": 0.21, "amount": 210 * quantity, "included": true]],
                        ]
                    ])
                body["discount"] = 100
                let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
                let id = try #require(order["id"] as? String)
                let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
                try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
                try await app.send(
                    .post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["orderLineId": "\(id):1", "quantity": quantity]]]
                ).expect(201)
                web.append(id)
            }
            var sale = OrdersAPITests.order(
                channel: "pos",
                lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 500, "delivery": ["method": "carryOut", "locationId": "ST-UTR"], "taxes": []]])
            sale["shippingAddress"] = nil
            try await app.send(.post, "/v1/orders", json: sale).expect(201)
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": web[0], "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "x"]]]
            ).expect(201)
            try await app.send(
                .post, "/v1/returns/\(try #require(ret["id"] as? String))/receive",
                json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]]
            )
            .expect(200)

            let byChannel = try await app.send(.get, "/v1/reports/sales?groupBy=channel").expect(200)
            let rows = byChannel["rows"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["key"] as? String } == ["pos", "web"])
            let webRow = try #require(rows.last)
            func number(_ key: String) -> Int? { (webRow[key] as? NSNumber)?.intValue }
            // web: 3 units × 1210 = 3630 gross, 200 discount, VAT included 420 − its share (2 × 100 discount) → the invoices' tax.
            #expect(number("invoices") == 2 && number("units") == 3 && number("gross") == 3630 && number("discounts") == 200)
            #expect(number("net") == 3630 - 200 - (number("tax") ?? 0) && number("unitsReturned") == 1)
            #expect(number("refunds") == (ret["refundAmount"] as? NSNumber)?.intValue)
            #expect(((rows.first?["gross"]) as? NSNumber)?.intValue == 500, "the counter sale is invoiced when it is carried out")
            let byLocation = try await app.send(.get, "/v1/reports/sales?groupBy=location").expect(200)["rows"] as? [[String: Any]] ?? []
            #expect(byLocation.compactMap { $0["key"] as? String } == ["ST-UTR", "WH-AMS"])
            let byDay = try await app.send(.get, "/v1/reports/sales?groupBy=day").expect(200)["rows"] as? [[String: Any]] ?? []
            #expect(byDay.count == 1 && (byDay.first?["invoices"] as? NSNumber)?.intValue == 3)

            var csvAccept = HTTPFields()
            csvAccept[.accept] = "text/csv"
            let csv = try await app.send(.get, "/v1/reports/sales?groupBy=channel", headers: csvAccept).expect(200)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true, "\(csv.headers) \(csv.text.prefix(300))")
            let lines = csv.text.split(separator: "\n")
            #expect(lines.first == "key,currency,invoices,units,gross,discounts,tax,net,refunds,unitsReturned,returnsRate" && lines.count == 3)
            #expect(lines.last?.hasPrefix("web,EUR,2,3,3630,200,") == true && lines.last?.hasSuffix(",1,0.3333") == true)

            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(.get, "/v1/reports/sales?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z").expect(400)
            try await app.send(.get, "/v1/reports/sales?groupBy=sku").expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "pos", "role": "channel", "channel": "pos"]).expect(201)["secret"] as? String
            )
            try await app.send(.get, "/v1/reports/sales", key: pos).expect(403)

            // The back office draws it: a bar per day and channel, refunds below, the tables.
            try await BackOfficeTests.staff(app)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let page = try await agent.go(.get, "/reports").expect(200)
            let today = SalesReport.day(Date())
            #expect(page.text.contains("<svg") && page.text.contains("<title>\(today) web: EUR 28.00</title>"), "3630 − 200 − 630 VAT")
            #expect(page.text.contains("<title>\(today) refunds: EUR 11.60</title>") && page.text.contains("<title>\(today) pos: EUR 5.00</title>"))
            #expect(page.text.contains("ST-UTR") && page.text.contains("33.3%"))
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            try await store.go(.get, "/reports").expect(403)
        }
    }
}

@Suite("Payment gate")
struct PaymentGateTests {
    /// Sends `path` twice at the same moment (behind a start line) and adds up the answers' `key`.
    static func runTwiceAtOnce(_ app: TestApp, _ path: String, counting key: String) async throws -> Int {
        let line = StartLine(count: 2)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await line.arrive()
                    return try await app.send(.post, path).expect(200).int(key) ?? -1
                }
            }
            return try await group.reduce(0, +)
        }
    }

    static func place(_ app: TestApp, _ externalId: String, quantity: Int = 1) async throws -> String {
        let order = try await app.send(
            .post, "/v1/orders",
            json: OrdersAPITests.order(externalId: externalId, lines: [["sku": "SKU-1", "quantity": quantity, "unitPrice": 1000]])
        ).expect(201)
        return try #require(order["id"] as? String)
    }

    /// A channel that requires payment keeps its orders from fulfillment, their stock
    /// reserved, until the payment that meets the requirement comes; an authorization does not
    /// meet `paid`, the capture does, and the order goes to the warehouse at once.
    @Test(arguments: Engine.all)
    func ordersWaitForThePaymentTheirChannelRequires(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["require": "paid", "timeout": "PT1H"]]).expect(200)
            let id = try await Self.place(app, "gate-1", quantity: 2)
            var order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(order["status"] as? String == "awaiting_payment" && (order["fulfillmentOrders"] as? [Any])?.isEmpty == true)
            #expect((order["holds"] as? [[String: Any]])?.first?["source"] as? String == "payment")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2, "its stock is reserved while it waits")

            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("authorization", 2000, "g-a")).expect(201)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "awaiting_payment", "authorized is not paid")
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("capture", 2000, "g-c")).expect(201)
            order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(order["status"] as? String == "processing" && order["paymentStatus"] as? String == "paid")
            #expect((order["fulfillmentOrders"] as? [[String: Any]])?.first?["locationId"] as? String == "WH-AMS")
            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(events.contains("order.held") && events.contains("order.released") && events.contains("fulfillment.created"))
        }
    }

    /// A channel that stops requiring payment lets its waiting order through at the next
    /// payment recorded, even one that would not have met the old requirement.
    @Test(arguments: Engine.all)
    func anOrderGoesThroughWhenItsChannelStopsRequiringPayment(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["require": "paid"]]).expect(200)
            let id = try await Self.place(app, "gate-off", quantity: 1)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "awaiting_payment")
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["require": "none"]]).expect(200)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("authorization", 1000, "off-a")).expect(201)
            let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(order["status"] as? String == "processing" && (order["holds"] as? [Any])?.isEmpty == true)
            #expect((order["fulfillmentOrders"] as? [[String: Any]])?.first?["locationId"] as? String == "WH-AMS")
        }
    }

    /// Orders still unpaid when the timeout passes are cancelled and their stock released —
    /// once each, also with two runs at the same time; paid orders and those still within the
    /// timeout stay.
    @Test(arguments: Engine.all)
    func unpaidOrdersAreCancelledOnceWhenTheTimeoutPasses(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["require": "authorized", "timeout": "PT1H"]]).expect(200)
            var unpaid: [String] = []
            for n in 0..<4 { unpaid.append(try await Self.place(app, "late-\(n)")) }
            let paid = try await Self.place(app, "paid-1")
            try await app.send(.post, "/v1/orders/\(paid)/payments", json: PaymentsAPITests.pay("authorization", 1000, "p-a")).expect(201)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 5)

            let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 60))
            #expect(try await app.send(.post, "/v1/payments/run-due?asOf=\(soon)").expect(200).int("cancelled") == 0)
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
            let counts = try await Self.runTwiceAtOnce(app, "/v1/payments/run-due?asOf=\(later)", counting: "cancelled")
            #expect(counts == 4, "four orders cancelled between the two runs, none twice")
            for id in unpaid {
                #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "cancelled")
                let cancelled = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter {
                    $0["type"] as? String == "order.cancelled"
                }
                #expect(cancelled.count == 1)
            }
            #expect(try await app.send(.get, "/v1/orders/\(paid)").expect(200)["status"] as? String == "processing")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1, "the unpaid orders' stock is released")
        }
    }
}
