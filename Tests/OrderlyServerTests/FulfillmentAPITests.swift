import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import Testing

@Suite("Fulfillment API")
struct FulfillmentAPITests {
    @Test(arguments: Engine.all)
    func storeAssociateShipsAndHandsOver(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            let utrecht = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "Utrecht tablet", "role": "store", "locationIds": ["ST-UTR"]]).expect(201)[
                    "secret"] as? String)
            let rotterdam = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "Rotterdam tablet", "role": "store", "locationIds": ["ST-RTM"]]).expect(201)[
                    "secret"] as? String)
            let order = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [
                    ["sku": "SKU-1", "quantity": 2, "unitPrice": 100],
                    ["sku": "SKU-1", "quantity": 1, "unitPrice": 100, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                ])
            ).expect(201)
            let fos = order["fulfillmentOrders"] as? [[String: Any]] ?? []
            let ship = try #require(fos.first { $0["type"] as? String == "ship" }?["id"] as? String)
            let pickup = try #require(fos.first { $0["type"] as? String == "pickup" }?["id"] as? String)

            // Without naming its location, a store key lists its own work; Rotterdam's key sees none of Utrecht's.
            let own = try await app.send(.get, "/v1/fulfillment-orders", key: utrecht).expect(200).items
            #expect(Set(own.compactMap { $0["id"] as? String }) == [ship, pickup] && own.allSatisfy { $0["locationId"] as? String == "ST-UTR" })
            #expect(try await app.send(.get, "/v1/fulfillment-orders", key: rotterdam).expect(200).items.isEmpty)
            try await app.send(.get, "/v1/fulfillment-orders?locationId=ST-UTR", key: rotterdam).expect(403)
            let list = try await app.send(.get, "/v1/locations/ST-UTR/pick-list", key: utrecht).expect(200)
            #expect(((list["items"] as? [[String: Any]])?.first?["quantity"] as? NSNumber)?.intValue == 3)
            try await app.send(.post, "/v1/fulfillment-orders/\(ship)/accept", key: rotterdam).expect(404)
            try await app.send(.post, "/v1/fulfillment-orders/\(ship)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 1]]], key: utrecht)
                .expect(409)
            let accepted = try await app.send(.post, "/v1/fulfillment-orders/\(ship)/accept", key: utrecht).expect(200)
            #expect(accepted["status"] as? String == "accepted")
            try await app.send(.post, "/v1/fulfillment-orders/\(ship)/accept", key: utrecht).expect(409)
            let lineId = try #require(((accepted["lines"] as? [[String: Any]])?.first?["orderLineId"] as? String))
            let partial = try await app.send(
                .post, "/v1/fulfillment-orders/\(ship)/shipments",
                json: ["lines": [["orderLineId": lineId, "quantity": 1]], "carrier": "PostNL", "trackingNumber": "3S1"], key: utrecht
            ).expect(201)
            #expect(partial["status"] as? String == "partially_shipped")
            let tooMany = try await app.send(
                .post, "/v1/fulfillment-orders/\(ship)/shipments", json: ["lines": [["orderLineId": lineId, "quantity": 5]]], key: utrecht
            ).expect(400)
            #expect(tooMany.fields == ["lines[0].quantity"])
            let bad = try await app.send(
                .post, "/v1/fulfillment-orders/\(ship)/shipments", json: ["lines": [["quantity": 1]], "carier": "x"], key: utrecht
            ).expect(400)
            #expect(bad.fields == ["carier"])
            try await app.send(
                .post, "/v1/fulfillment-orders/\(ship)/shipments",
                json: ["lines": [["orderLineId": lineId, "quantity": 1]], "trackingNumber": "3S2"], key: utrecht
            ).expect(201)

            let ready = try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/ready-for-pickup", key: utrecht).expect(200)
            let code = try #require(ready["pickupCode"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/pickup", json: ["pickupCode": "NOPE0000"], key: utrecht).expect(400)
            let handed = try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/pickup", json: ["pickupCode": code], key: utrecht).expect(200)
            #expect(handed["status"] as? String == "picked_up")
            try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/pickup", json: ["pickupCode": code], key: utrecht).expect(409)

            let final = try await app.send(.get, "/v1/orders/\(order["id"] as? String ?? "")").expect(200)
            #expect(final["status"] as? String == "fulfilled")
            let level = try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").expect(200)
            #expect(level.int("onHand") == 2 && level.int("reserved") == 0)
            let timeline = try await app.send(.get, "/v1/orders/\(order["id"] as? String ?? "")/events").expect(200)
            let types = timeline.items.compactMap { $0["type"] as? String }
            #expect(types.filter { $0 == "fulfillment.shipped" }.count == 2)
            #expect(
                types.contains("fulfillment.ready_for_pickup") && types.contains("fulfillment.picked_up")
                    && types.contains("fulfillment.pickup_refused"))
            #expect(timeline.items.first { $0["type"] as? String == "fulfillment.picked_up" }?["actor"] as? String == "Utrecht tablet")
        }
    }

    @Test(arguments: Engine.all)
    func rejectionReroutesThroughTheAPI(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 1]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 4]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            let first = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first)
            let rejected = try await app.send(
                .post, "/v1/fulfillment-orders/\(first["id"] as? String ?? "")/reject", json: ["reason": "damaged", "note": "box crushed"]
            ).expect(200)
            #expect(rejected["status"] as? String == "rejected" && rejected["rejectionReason"] as? String == "damaged")
            try await app.send(.post, "/v1/fulfillment-orders/\(first["id"] as? String ?? "")/reject", json: ["reason": "other"]).expect(409)
            try await app.send(.post, "/v1/fulfillment-orders/\(first["id"] as? String ?? "")/reject", json: ["reason": "lost"]).expect(400)
            let open = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)&status=open").expect(200)
            #expect(open.items.count == 1 && open.items.first?["locationId"] as? String != first["locationId"] as? String)
            let ledger = try await app.send(.get, "/v1/inventory/ledger?sku=SKU-1&locationId=\(first["locationId"] as? String ?? "")").expect(200)
            #expect(ledger.items.first?["reason"] as? String == "damage")
        }
    }

    @Test(arguments: Engine.all)
    func packingSlipDeliveryAndCancelledUnits(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 100]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/cancel", json: ["lines": [["line": 1, "quantity": 2]]]).expect(200)
            let slip = try await app.send(.get, "/v1/fulfillment-orders/\(fo)/packing-slip").expect(200)
            #expect(slip["orderNumber"] as? String == order["number"] as? String)
            #expect(slip["customerName"] as? String == "Ada Lovelace")
            #expect((slip["shipTo"] as? [String: Any])?["city"] as? String == "Amsterdam")
            let slipLines = slip["lines"] as? [[String: Any]] ?? []
            #expect(
                slipLines.count == 1 && (slipLines.first?["quantity"] as? NSNumber)?.intValue == 1 && slipLines.first?["name"] as? String == "One")

            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            let refused = try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 2]]])
                .expect(400)
            #expect(refused.fields == ["lines[0].quantity"], "cancelled units cannot be shipped")
            let shipped = try await app.send(
                .post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 1]], "carrier": "DHL"]
            ).expect(201)
            let shipment = try #require((shipped["shipments"] as? [[String: Any]])?.first?["id"] as? String)
            let delivered = try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments/\(shipment)/delivered").expect(200)
            #expect((delivered["shipments"] as? [[String: Any]])?.first?["deliveredAt"] != nil)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments/shp_nope/delivered").expect(404)
            let final = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(final["status"] as? String == "fulfilled")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 4)
        }
    }
}
