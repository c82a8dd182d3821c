import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import Testing

@Suite("Returns API")
struct ReturnsAPITests {
    @Test(arguments: Engine.all)
    func storeReturnOfAWebOrder(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1500]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 2]]]).expect(201)
            let utrecht = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "Utrecht till", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)[
                    "secret"] as? String)

            try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-RTM", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]]],
                key: utrecht
            ).expect(403)
            let over = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 3, "reason": "size"]]],
                key: utrecht
            ).expect(422)
            #expect(over["code"] as? String == "not_returnable" && over.fields == ["lines[0].quantity"])
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]]],
                key: utrecht
            ).expect(201)
            #expect((ret["refundAmount"] as? NSNumber)?.intValue == 1500 && ret["refundStatus"] as? String == "pending")
            let retId = try #require(ret["id"] as? String)
            let received = try await app.send(
                .post, "/v1/returns/\(retId)/receive", json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]], key: utrecht
            ).expect(200)
            #expect(received["status"] as? String == "received")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 1)
            try await app.send(.post, "/v1/returns/\(retId)/refund", key: utrecht).expect(403)
            let refunded = try await app.send(.post, "/v1/returns/\(retId)/refund").expect(200)
            #expect(refunded["refundStatus"] as? String == "refunded")
            let after = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(after["status"] as? String == "partially_returned")
            #expect(((after["totals"] as? [String: Any])?["refunded"] as? NSNumber)?.intValue == 1500)

            // A return nothing of which arrived can be cancelled; its unit becomes returnable again.
            let second = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "late"]]],
                key: utrecht
            ).expect(201)
            let pending = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(((pending["totals"] as? [String: Any])?["refundPending"] as? NSNumber)?.intValue == 1500)
            let secondId = try #require(second["id"] as? String)
            try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "again"]]],
                key: utrecht
            ).expect(422)
            let cancelled = try await app.send(.post, "/v1/returns/\(secondId)/cancel", key: utrecht).expect(200)
            #expect(cancelled["status"] as? String == "cancelled")
            try await app.send(.post, "/v1/returns/\(secondId)/cancel", key: utrecht).expect(409)
            try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "again"]]],
                key: utrecht
            ).expect(201)
            #expect(
                try await app.send(.get, "/v1/returns?orderId=\(id)").items.compactMap { $0["status"] as? String }.sorted() == [
                    "cancelled", "received", "requested",
                ])
        }
    }
}
