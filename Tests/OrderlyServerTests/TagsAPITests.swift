import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Tags and order attributes")
struct TagsAPITests {
    /// Products and locations carry tags, orders free attributes and a risk score, as sent and
    /// changed; they are the facts conditions read. Bad ones are refused naming the field and
    /// change nothing.
    @Test(arguments: Engine.all)
    func tagsAttributesAndRiskScoreAreKeptAsSent(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.post, "/v1/products", json: ["sku": "SKU-9", "name": "Vase", "tags": ["fragile", "bulky"]]).expect(201)
            #expect(try await app.send(.get, "/v1/products/SKU-9").expect(200)["tags"] as? [String] == ["fragile", "bulky"])
            try await app.send(.patch, "/v1/products/SKU-9", json: ["tags": ["fragile"]]).expect(200)
            #expect(try await app.send(.get, "/v1/products/SKU-9").expect(200)["tags"] as? [String] == ["fragile"])
            #expect(try await app.send(.get, "/v1/products/SKU-1").expect(200)["tags"] as? [String] == [], "untagged products answer an empty list")

            let location = try await app.send(.patch, "/v1/locations/ST-UTR", json: ["tags": ["region-north", "flagship"]]).expect(200)
            #expect(location["tags"] as? [String] == ["region-north", "flagship"])
            #expect(try await app.send(.get, "/v1/locations/ST-UTR").expect(200)["tags"] as? [String] == ["region-north", "flagship"])

            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            var body = OrdersAPITests.order(externalId: "attr-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            body["attributes"] = ["giftWrap": "yes", "source": "instagram"]
            body["riskScore"] = 72
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            #expect(order["attributes"] as? [String: String] == ["giftWrap": "yes", "source": "instagram"] && order.int("riskScore") == 72)
            let read = try await app.send(.get, "/v1/orders/\(try #require(order["id"] as? String))").expect(200)
            #expect(read["attributes"] as? [String: String] == ["giftWrap": "yes", "source": "instagram"] && read.int("riskScore") == 72)
            let stored = try await app.stores.orders.get(OrderID(try #require(order["id"] as? String)))
            let facts = OrderFacts(stored, now: stored.createdAt)
            #expect(facts["order.attributes.giftWrap"] == .string("yes") && facts["order.riskScore"] == .integer(72))

            let before = try await DatabaseImage.of(app.stores.database)
            var risky = OrdersAPITests.order(externalId: "attr-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            risky["riskScore"] = 101
            risky["attributes"] = [String(repeating: "k", count: 65): "x"]
            let refused = try await app.send(.post, "/v1/orders", json: risky).expect(400)
            #expect(Set(refused.fields) == ["riskScore", "attributes.\(String(repeating: "k", count: 65))"])
            #expect(try await app.send(.patch, "/v1/products/SKU-9", json: ["tags": ["fragile", ""]]).expect(400).fields == ["tags[1]"])
            #expect(
                try await app.send(.patch, "/v1/locations/ST-UTR", json: ["tags": Array(repeating: "t", count: 51)]).expect(400).fields == ["tags"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused input changes nothing")
        }
    }
}
