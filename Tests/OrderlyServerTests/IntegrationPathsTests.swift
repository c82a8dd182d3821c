import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import Testing

/// The four ways other systems talk to Orderly (docs/integrations.md), each walked end to end
/// with the key its system would hold.
@Suite("Integration paths")
struct IntegrationPathsTests {
    static func key(_ app: TestApp, _ body: [String: Any]) async throws -> String {
        try #require(try await app.send(.post, "/v1/api-keys", json: body).expect(201)["secret"] as? String)
    }

    static func line(_ sku: String, _ quantity: Int, _ delivery: [String: Any] = ["method": "ship"]) -> [String: Any] {
        ["sku": sku, "quantity": quantity, "unitPrice": 2_500, "delivery": delivery]
    }

    @Test(arguments: Engine.all)
    func salesChannelChecksOutAndFollowsItsOrder(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let web = try await Self.key(app, ["name": "webshop", "role": "channel", "channel": "web"])

            let availability = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1", key: web).expect(200)
            #expect((availability.items.first?["available"] as? NSNumber)?.intValue == 5)
            let hold = try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 2]]], key: web)
                .expect(201)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2)
            var body = OrdersAPITests.order(externalId: "web-9001", lines: [Self.line("SKU-1", 2)])
            body["reservationId"] = hold["id"]
            let order = try await app.send(.post, "/v1/orders", json: body, key: web).expect(201)
            let orderId = try #require(order["id"] as? String)
            #expect(order["status"] as? String == "processing")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2, "the reservation became the allocation")
            #expect(
                try await app.send(.get, "/v1/reservations/\(hold["id"] as? String ?? "")", key: web).expect(200)["status"] as? String == "consumed")
            try await app.send(.get, "/v1/orders/\(orderId)", key: web).expect(200)
            try await app.send(.get, "/v1/orders/\(orderId)/events", key: web).expect(200)

            // Another channel's key learns nothing about this order.
            let pos = try await Self.key(app, ["name": "till", "role": "channel", "channel": "pos"])
            try await app.send(.get, "/v1/orders/\(orderId)", key: pos).expect(404)
            try await app.send(.post, "/v1/orders/\(orderId)/cancel", key: pos).expect(404)
            try await app.send(.get, "/v1/events", key: web).expect(403)
            try await app.send(.get, "/v1/fulfillment-orders", key: web).expect(403)
        }
    }

    @Test(arguments: Engine.all)
    func warehouseSystemWorksItsFulfillmentOrders(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let wms = try await Self.key(app, ["name": "amsterdam-wms", "role": "store", "locationIds": ["WH-AMS"]])
            let utrecht = try await Self.key(app, ["name": "utrecht", "role": "store", "locationIds": ["ST-UTR"]])
            let order = try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "wms-1", lines: [Self.line("SKU-1", 3)]))
                .expect(201)
            let orderId = try #require(order["id"] as? String)

            let open = try await app.send(.get, "/v1/fulfillment-orders?locationId=WH-AMS&status=open", key: wms).expect(200).items
            #expect(open.count == 1)
            let fo = try #require(open.first?["id"] as? String)
            try await app.send(.get, "/v1/fulfillment-orders?locationId=WH-AMS", key: utrecht).expect(403)
            try await app.send(.get, "/v1/fulfillment-orders/\(fo)", key: utrecht).expect(404)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept", key: utrecht).expect(404)

            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept", key: wms).expect(200)
            let shipped = try await app.send(
                .post, "/v1/fulfillment-orders/\(fo)/shipments",
                json: ["lines": [["sku": "SKU-1", "quantity": 3]], "carrier": "DHL", "trackingNumber": "JJD0001"],
                key: wms
            ).expect(201)
            #expect(shipped["status"] as? String == "shipped")
            let after = try await app.send(.get, "/v1/orders/\(orderId)").expect(200)
            #expect(after["status"] as? String == "fulfilled")
            let level = try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(200)
            #expect(level.int("onHand") == 2 && level.int("reserved") == 0)
            let ledger = try await app.send(.get, "/v1/inventory/ledger?sku=SKU-1&locationId=WH-AMS").expect(200).items
            #expect(ledger.first?["reason"] as? String == "shipment" && (ledger.first?["delta"] as? NSNumber)?.intValue == -3)
            let timeline = try await app.send(.get, "/v1/orders/\(orderId)/events").expect(200).items
            let shippedEvent = try #require(timeline.first { $0["type"] as? String == "fulfillment.shipped" })
            #expect(shippedEvent["actor"] as? String == "amsterdam-wms", "the audit trail names the key")
            #expect(((shippedEvent["data"] as? [String: Any]).map { "\($0)" } ?? "").contains("JJD0001"))
        }
    }

    @Test(arguments: Engine.all)
    func pointOfSaleSellsAtTheCounterTakesReturnsAndHandsOverPickups(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 4]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 1]).expect(200)
            let till = try await Self.key(app, ["name": "utrecht-till-1", "role": "channel", "channel": "pos"])
            let associate = try await Self.key(app, ["name": "utrecht-staff", "role": "store", "locationIds": ["ST-UTR"]])
            let counter: [String: Any] = ["method": "carryOut", "locationId": "ST-UTR"]

            // A counter sale: fulfilled as it is placed, stock gone at once, nothing left reserved.
            let sale = try await app.send(
                .post, "/v1/orders", json: ["channel": "pos", "currency": "EUR", "lines": [Self.line("SKU-1", 2, counter)]],
                key: till, headers: [HTTPField.Name("Idempotency-Key")!: "till-1-receipt-77"]
            ).expect(201)
            let saleId = try #require(sale["id"] as? String)
            #expect(sale["status"] as? String == "fulfilled")
            let saleLine = try #require((sale["lines"] as? [[String: Any]])?.first)
            #expect((saleLine["fulfilledQuantity"] as? NSNumber)?.intValue == 2)
            #expect((saleLine["delivery"] as? [String: Any])?["method"] as? String == "carryOut")
            let fos = sale["fulfillmentOrders"] as? [[String: Any]] ?? []
            #expect(fos.count == 1 && fos.first?["type"] as? String == "carry_out" && fos.first?["status"] as? String == "picked_up")
            let level = try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").expect(200)
            #expect(level.int("onHand") == 2 && level.int("reserved") == 0)
            let types = try await app.send(.get, "/v1/orders/\(saleId)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(types.contains("fulfillment.carried_out"))

            // Nothing on the shelf (per the system) or another store: refused, nothing written.
            let short = try await app.send(
                .post, "/v1/orders", json: ["channel": "pos", "currency": "EUR", "lines": [Self.line("SKU-2", 2, counter)]], key: till
            ).expect(409)
            #expect(short["code"] as? String == "insufficient_stock")
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-UTR").int("onHand") == 1)
            let elsewhere = try await app.send(
                .post, "/v1/orders",
                json: ["channel": "pos", "currency": "EUR", "lines": [Self.line("SKU-1", 1, ["method": "carryOut", "locationId": "ST-RTM"])]],
                key: till
            ).expect(400)
            #expect(elsewhere.fields == ["lines[0].delivery.locationId"])
            try await app.send(
                .post, "/v1/orders", json: ["channel": "pos", "currency": "EUR", "lines": [Self.line("SKU-1", 1, ["method": "carryOut"])]], key: till
            ).expect(400)
            // Only a counter sale may be anonymous.
            let noCustomer = try await app.send(
                .post, "/v1/orders",
                json: ["channel": "pos", "currency": "EUR", "lines": [Self.line("SKU-1", 1, ["method": "pickup", "locationId": "ST-UTR"])]], key: till
            ).expect(400)
            #expect(noCustomer.fields == ["customer"])

            // The customer brings one back the next day: received in the store, back on the shelf.
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": saleId, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "gift"]]],
                key: associate
            ).expect(201)
            try await app.send(
                .post, "/v1/returns/\(ret["id"] as? String ?? "")/receive",
                json: ["lines": [["sku": "SKU-1", "quantity": 1, "condition": "resellable"]]], key: associate
            ).expect(200)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 3)
            #expect(try await app.send(.get, "/v1/orders/\(saleId)").expect(200)["status"] as? String == "partially_returned")

            // A web order collected in the store: ready, then handed over against the code.
            let web = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(externalId: "click-1", lines: [Self.line("SKU-1", 1, ["method": "pickup", "locationId": "ST-UTR"])])
            ).expect(201)
            let pickup = try #require(
                (try await app.send(.get, "/v1/fulfillment-orders?locationId=ST-UTR&status=open", key: associate).expect(200).items.first)?["id"]
                    as? String)
            let code = try #require(
                try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/ready-for-pickup", key: associate).expect(200)["pickupCode"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/pickup", json: ["pickupCode": code], key: associate).expect(200)
            #expect(try await app.send(.get, "/v1/orders/\(web["id"] as? String ?? "")").expect(200)["status"] as? String == "fulfilled")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 2)
        }
    }

    @Test(arguments: Engine.all)
    func erpSyncsProductsAndStockAndReadsChangesFromTheFeed(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let erp = try await Self.key(app, ["name": "erp", "role": "admin"])
            try await app.send(
                .post, "/v1/products", json: [["sku": "SKU-3", "name": "Three"], ["sku": "SKU-1", "name": "One (renamed)"]], key: erp
            ).expect(200)
            #expect(try await app.send(.get, "/v1/products/SKU-1").expect(200)["name"] as? String == "One (renamed)")
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)

            // A JSON snapshot, first as a dry run: it reports the differences and changes nothing.
            let snapshot: [String: Any] = [
                "levels": [
                    ["sku": "SKU-1", "locationId": "WH-AMS", "onHand": 7], ["sku": "SKU-3", "locationId": "WH-AMS", "onHand": 4],
                    ["sku": "SKU-2", "locationId": "ST-UTR", "onHand": 0],
                ]
            ]
            let dry = try await app.send(.post, "/v1/inventory/import?dryRun=true", json: snapshot, key: erp).expect(200)
            #expect(dry["dryRun"] as? Bool == true && dry.int("changed") == 2 && dry.int("unchanged") == 1)
            let differences = dry["differences"] as? [[String: Any]] ?? []
            #expect(differences.map { "\($0["sku"] ?? ""):\($0["before"] ?? ""):\($0["after"] ?? "")" } == ["SKU-1:10:7", "SKU-3:0:4"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 10)
            let negative = try await app.send(
                .post, "/v1/inventory/import",
                json: ["levels": [["sku": "SKU-1", "locationId": "WH-AMS", "onHand": 1], ["sku": "SKU-1", "locationId": "ST-UTR", "onHand": -1]]],
                key: erp
            ).expect(400)
            #expect(negative.fields == ["line 2"])
            let unknown = try await app.send(
                .post, "/v1/inventory/import", json: ["levels": [["sku": "GHOST", "locationId": "WH-AMS", "onHand": 1]]], key: erp
            ).expect(400)
            #expect(unknown.fields == ["line 1"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 10, "a refused snapshot changes nothing")
            let applied = try await app.send(.post, "/v1/inventory/import?reference=erp-2026-11-28", json: snapshot, key: erp).expect(200)
            #expect(applied["dryRun"] as? Bool == false && applied.int("changed") == 2)
            #expect(try await app.send(.get, "/v1/inventory/SKU-3/WH-AMS").int("onHand") == 4)

            // Orders and shipments out through the feed, read from a cursor, filtered by type.
            let cursor = try await app.send(.get, "/v1/events?limit=500", key: erp).expect(200).items.last?["id"] as? NSNumber
            let order = try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "erp-1", lines: [Self.line("SKU-3", 1)]))
                .expect(201)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            try await app.send(
                .post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-3", "quantity": 1]], "trackingNumber": "T1"]
            ).expect(201)
            let feed = try await app.send(.get, "/v1/events?after=\(cursor?.int64Value ?? 0)&type=order.created&type=fulfillment.shipped", key: erp)
                .expect(200).items
            #expect(feed.compactMap { $0["type"] as? String } == ["order.created", "fulfillment.shipped"])
            #expect(feed.allSatisfy { $0["subject"] as? String == "order:\(order["id"] as? String ?? "")" })

            // Finance's export: the order as one CSV row.
            var rows: [String] = []
            try await app.stores.orders.export(since: Date().addingTimeInterval(-3600), until: nil) { orders in rows += orders.map(OrderExportCSV.row)
            }
            #expect(rows.count == 1 && rows[0].contains(",fulfilled,EUR,2500,"))
        }
    }
}
