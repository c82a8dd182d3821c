import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Returns at the counter for any channel's order")
struct CounterReturnsAPITests {
    /// A web order shipped from the DC, and another customer's order.
    static func shippedWebOrder(_ app: TestApp) async throws -> (id: String, number: String) {
        try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
        let order = try await app.send(
            .post, "/v1/orders",
            json: OrdersAPITests.order(externalId: "WEB-77", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1500]], email: "Ada@Example.com")
        ).expect(201)
        let id = try #require(order["id"] as? String)
        try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 4500, "web-sale")).expect(201)
        let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
        try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
        try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 3]]]).expect(201)
        var other = OrdersAPITests.order(externalId: "WEB-78", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1500]], email: "bob@example.com")
        other["customer"] = ["email": "bob@example.com", "name": "Bob", "phone": "+31 20 555 0101"]
        try await app.send(.post, "/v1/orders", json: other).expect(201)
        return (id, try #require(order["number"] as? String))
    }

    /// The Rotterdam till finds a web order by what the customer shows — number (with or
    /// without prefix and zeros), the web shop's id, email, phone — and only that order;
    /// it never browses, and part of a name finds nothing. Refusals change nothing.
    @Test(arguments: Engine.all)
    func aStoreFindsTheOrderOfTheCustomerAtItsCounter(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let (id, number) = try await Self.shippedWebOrder(app)
            let rotterdam = try await app.storeKey("Rotterdam till", at: ["ST-RTM"])
            let bare = String(Int(number.dropFirst(4)) ?? 0)
            for q in [number, number.lowercased(), bare, "WEB-77", "ADA@example.COM ", "+31 6 1234 5678", id] {
                let found = try await app.send(
                    .get, "/v1/orders?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)", key: rotterdam
                )
                .expect(200)
                #expect(found.items.map { $0["id"] as? String } == [id], "q=\(q)")
                #expect(found["nextCursor"] == nil)
            }
            #expect(try await app.send(.get, "/v1/orders?q=ada", key: rotterdam).expect(200).items.isEmpty, "exact, never part of a word")
            #expect(try await app.send(.get, "/v1/orders?q=ada").expect(200).items.count == 1, "service and admin still search by part")

            let before = try await DatabaseImage.of(app.stores.database)
            let missing = try await app.send(.get, "/v1/orders", key: rotterdam).expect(400)
            #expect(missing.fields == ["q"])
            try await app.send(.get, "/v1/orders?q=WEB-77&status=processing", key: rotterdam).expect(403)
            try await app.send(.get, "/v1/orders?q=WEB-77&channel=web", key: rotterdam).expect(403)
            try await app.send(.post, "/v1/orders/\(id)/cancel", key: rotterdam).expect(403)
            try await app.send(.post, "/v1/orders/\(id)/notes", json: ["text": "x"], key: rotterdam).expect(403)
            try await app.send(.get, "/v1/orders/\(id)/events", key: rotterdam).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused look-ups and changes write nothing")

            let order = try await app.send(.get, "/v1/orders/\(id)", key: rotterdam).expect(200)
            let line = try #require((order["lines"] as? [[String: Any]])?.first)
            #expect((line["fulfilledQuantity"] as? NSNumber)?.intValue == 3)
        }
    }

    /// Rotterdam takes back two units of that order, shipped from the Amsterdam DC, one
    /// resellable and one opened: the first is restocked in Rotterdam (through the ledger),
    /// the opened one counted apart; the refund is what the two units paid, paid out in cash.
    @Test(arguments: Engine.all)
    func aStoreTakesBackAWebOrderWithAConditionPerUnit(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let (id, number) = try await Self.shippedWebOrder(app)
            let rotterdam = try await app.storeKey("Rotterdam till", at: ["ST-RTM"])
            let found = try await app.send(.get, "/v1/orders?q=\(number)", key: rotterdam).expect(200)
            #expect(found.items.first?["id"] as? String == id)
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-RTM", "method": "store", "lines": [["sku": "SKU-1", "quantity": 2, "reason": "too big"]]],
                key: rotterdam
            ).expect(201)
            #expect(ret.int("refundAmount") == 3000)
            let retId = try #require(ret["id"] as? String)

            let before = try await DatabaseImage.of(app.stores.database)
            let unknown = try await app.send(
                .post, "/v1/returns/\(retId)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "mint"]]], key: rotterdam)
            #expect(unknown.status == 400)
            let over = try await app.send(
                .post, "/v1/returns/\(retId)/receive",
                json: [
                    "lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"], ["sku": "SKU-1", "quantity": 2, "condition": "open_box"]]
                ],
                key: rotterdam
            ).expect(400)
            #expect(over.fields == ["lines[1].quantity"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "a refused receipt restocks nothing")

            let received = try await app.send(
                .post, "/v1/returns/\(retId)/receive",
                json: [
                    "lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"], ["sku": "SKU-1", "quantity": 1, "condition": "open_box"]]
                ],
                key: rotterdam
            ).expect(200)
            let line = try #require((received["lines"] as? [[String: Any]])?.first)
            #expect(received["status"] as? String == "received")
            #expect(
                (line["receivedQuantity"] as? NSNumber)?.intValue == 2 && (line["restockedQuantity"] as? NSNumber)?.intValue == 1
                    && (line["openBoxQuantity"] as? NSNumber)?.intValue == 1 && (line["damagedQuantity"] as? NSNumber)?.intValue == 0)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-RTM").int("onHand") == 1, "restocked where it came back")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 2, "the DC shipped 3 of 5")
            let ledger = try await app.send(.get, "/v1/inventory/ledger?sku=SKU-1&locationId=ST-RTM").expect(200).items
            #expect(
                ledger.map { [$0["reason"] as? String, ($0["delta"] as? NSNumber).map { "\($0)" }, $0["reference"] as? String] } == [
                    ["return_restock", "1", retId]
                ])

            let cash = try await app.send(.post, "/v1/returns/\(retId)/till-refund", json: ["method": "cash"], key: rotterdam).expect(200)
            #expect(cash["refundStatus"] as? String == "refunded")
            let after = try await app.send(.get, "/v1/orders/\(id)", key: rotterdam).expect(200)
            #expect(((after["totals"] as? [String: Any])?["refunded"] as? NSNumber)?.intValue == 3000)
            #expect(((after["lines"] as? [[String: Any]])?.first?["returnedQuantity"] as? NSNumber)?.intValue == 2)
            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            let receipt = try #require(events.first { $0["type"] as? String == "return.received" }?["data"] as? [String: Any])
            let payload = try #require((receipt["lines"] as? [[String: Any]])?.first)
            #expect((payload["restocked"] as? NSNumber)?.intValue == 1 && (payload["openBox"] as? NSNumber)?.intValue == 1)

            // The last unit handed over as the return opens: received in the same call. A condition
            // on some lines only, or on a return by mail, is refused and writes nothing.
            let handed = try await DatabaseImage.of(app.stores.database)
            let partly = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "ST-RTM", "method": "store",
                    "lines": [["sku": "SKU-1", "quantity": 1, "reason": "broken", "condition": "damaged"]] + [
                        ["sku": "SKU-1", "quantity": 0, "reason": "x"]
                    ],
                ], key: rotterdam
            ).expect(400)
            #expect(partly.fields.contains("lines[1].condition"))
            let mail = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "WH-AMS", "method": "mail",
                    "lines": [["sku": "SKU-1", "quantity": 1, "reason": "broken", "condition": "damaged"]],
                ]
            ).expect(400)
            #expect(mail.fields == ["lines[0].condition"])
            #expect(try await DatabaseImage.of(app.stores.database) == handed, "refused take-backs write nothing")
            let last = try await app.send(
                .post, "/v1/returns",
                json: [
                    "orderId": id, "locationId": "ST-RTM", "method": "store",
                    "lines": [["sku": "SKU-1", "quantity": 1, "reason": "broken", "condition": "damaged"]],
                ], key: rotterdam
            ).expect(201)
            #expect(last["status"] as? String == "received" && last.int("refundAmount") == 1500)
            #expect(((last["lines"] as? [[String: Any]])?.first?["damagedQuantity"] as? NSNumber)?.intValue == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-RTM").int("onHand") == 1, "a damaged unit is not restocked")
            let returned = try await app.send(.get, "/v1/orders/\(id)", key: rotterdam).expect(200)
            #expect(returned["status"] as? String == "returned")
            // Received and waiting at the till, the order's money is not yet settled; paid out, it is.
            #expect(try await app.stores.consistency.run().isEmpty)
            try await app.send(.post, "/v1/returns/\(try #require(last["id"] as? String))/till-refund", json: ["method": "cash"], key: rotterdam)
                .expect(200)
            let settled = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(((settled["totals"] as? [String: Any])?["refunded"] as? NSNumber)?.intValue == 4500)
        }
    }
}
