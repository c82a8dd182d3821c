import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Exchanges")
struct ExchangeAPITests {
    static func amount(_ object: [String: Any]?, _ key: String) -> Int? { (object?[key] as? NSNumber)?.intValue }
    static func amount(_ reply: Reply, _ key: String) -> Int? { reply.int(key) }

    /// An order of 2 × 2000, paid by card and shipped, on a channel that captures at placement.
    /// Returning one unit (worth 2000) for a dearer item (2500): the return pays 2000 of it (a
    /// sale by `exchange` on the replacement), the customer owes 500 (capture requested for
    /// 500, not 2500) and gets nothing back; when the unit arrives, the original order gives the
    /// 2000 (a refund by `exchange`) and a credit note says so. Returning the other unit for a
    /// cheaper item (1500): the return pays it whole and the customer gets 500 back.
    @Test(arguments: Engine.all)
    func theReturnPaysTheReplacementAndTheDifferenceIsChargedOrRefunded(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["payments": ["capture": "on_placement"]]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "ex-1", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 2000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 4000, "ex-sale")).expect(201)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await PaymentsAPITests.ship(app, fo, of: id, [2])

            // Dearer: the customer pays the difference.
            let dearer = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]],
                    "exchange": [["sku": "SKU-2", "quantity": 1, "unitPrice": 2500]],
                ]
            ).expect(201)
            #expect(Self.amount(dearer, "refundAmount") == 0)
            #expect(Self.amount(dearer, "exchangeCredit") == 2000 && Self.amount(dearer, "exchangeCharge") == 500)
            let replacementId = try #require(dearer["exchangeOrderId"] as? String)
            let replacement = try await app.send(.get, "/v1/orders/\(replacementId)").expect(200)
            #expect(Self.amount(replacement["totals"] as? [String: Any], "total") == 2500)
            #expect(replacement["paymentStatus"] as? String == "partially_paid")
            let credit = try await app.send(.get, "/v1/orders/\(replacementId)/payments").expect(200).items
            #expect(credit.count == 1 && credit[0]["kind"] as? String == "sale" && credit[0]["provider"] as? String == "exchange")
            #expect(Self.amount(credit.first, "amount") == 2000)
            let requests = try await app.send(.get, "/v1/orders/\(replacementId)/events").expect(200).items
                .filter { $0["type"] as? String == "payment.capture_requested" }
            #expect(requests.count == 1 && Self.amount(requests.first?["data"] as? [String: Any], "amount") == 500, "only the difference is asked")

            let dearerId = try #require(dearer["id"] as? String)
            let beforeCancel = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/returns/\(dearerId)/cancel").expect(409)
            #expect(try await DatabaseImage.of(app.stores.database) == beforeCancel, "a return that paid an exchange is not cancelled")

            try await app.send(
                .post, "/v1/returns/\(dearerId)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]]
            )
            .expect(200)
            var payments = try await app.send(.get, "/v1/orders/\(id)/payments").expect(200)
            let out = try #require(payments.items.last)
            #expect(out["kind"] as? String == "refund" && out["provider"] as? String == "exchange" && Self.amount(out, "amount") == 2000)
            #expect(try await RefundRequestTests.refunds(app, id).isEmpty, "nothing goes back to the card")
            let notes = try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items.filter { $0["kind"] as? String == "credit_note" }
            #expect(notes.count == 1 && Self.amount(notes.first, "total") == 2000)

            // Cheaper: the return pays the whole replacement, the rest goes back to the card.
            let cheaper = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "colour"]],
                    "exchange": [["sku": "SKU-2", "quantity": 1, "unitPrice": 1500]],
                ]
            ).expect(201)
            #expect(Self.amount(cheaper, "refundAmount") == 500)
            #expect(Self.amount(cheaper, "exchangeCredit") == 1500 && Self.amount(cheaper, "exchangeCharge") == 0)
            let paidInFull = try await app.send(.get, "/v1/orders/\(try #require(cheaper["exchangeOrderId"] as? String))").expect(200)
            #expect(paidInFull["paymentStatus"] as? String == "paid")
            try await app.send(
                .post, "/v1/returns/\(try #require(cheaper["id"] as? String))/receive",
                json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]]
            ).expect(200)
            let asked = try await RefundRequestTests.refunds(app, id)
            #expect(asked.count == 1 && Self.amount(asked.first, "amount") == 500)
            payments = try await app.send(.get, "/v1/orders/\(id)/payments").expect(200)
            #expect(Self.amount(payments["paymentTotals"] as? [String: Any], "refunded") == 3500)
        }
    }

    /// Prices on some exchange lines but not others, or a replacement nobody stocks: 400
    /// naming the field, no return opened, nothing changed. Without prices the replacement is
    /// sent at no charge and the return is refunded in full, as before.
    @Test(arguments: Engine.all)
    func aMixOfPricedAndUnpricedLinesIsRefusedAndUnpricedMeansNoCharge(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "ex-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 2000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 2000, "ex2-sale")).expect(201)
            try await PaymentsAPITests.ship(app, try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String), of: id, [1])
            let before = try await DatabaseImage.of(app.stores.database)
            let mixed = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]],
                    "exchange": [["sku": "SKU-2", "quantity": 1, "unitPrice": 2500], ["sku": "SKU-1", "quantity": 1]],
                ]
            ).expect(400)
            #expect(mixed.fields.contains("exchange[1].unitPrice"))
            #expect(try await DatabaseImage.of(app.stores.database) == before)

            let free = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "WH-AMS", "method": "mail", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "faulty"]],
                    "exchange": [["sku": "SKU-2", "quantity": 1]],
                ]
            ).expect(201)
            #expect(Self.amount(free, "refundAmount") == 2000 && Self.amount(free, "exchangeCredit") == 0)
            let replacement = try await app.send(.get, "/v1/orders/\(try #require(free["exchangeOrderId"] as? String))").expect(200)
            #expect(Self.amount(replacement["totals"] as? [String: Any], "total") == 0)
            #expect(try await app.send(.get, "/v1/orders/\(try #require(free["exchangeOrderId"] as? String))/payments").expect(200).items.isEmpty)
        }
    }
}
