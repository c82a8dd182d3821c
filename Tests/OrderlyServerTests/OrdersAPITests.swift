import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import Testing

@Suite("Orders API")
struct OrdersAPITests {
    nonisolated(unsafe) static let address: [String: Any] = [
        "name": "Ada Lovelace", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG", "country": "NL",
        "latitude": 52.37, "longitude": 4.89,
    ]

    static func order(externalId: String? = nil, channel: String = "web", lines: [[String: Any]], email: String = "ada@example.com") -> [String: Any]
    {
        var body: [String: Any] = [
            "channel": channel, "customer": ["email": email, "name": "Ada Lovelace", "phone": "+31612345678"], "currency": "EUR",
            "shippingAddress": address, "lines": lines,
        ]
        if let externalId { body["externalId"] = externalId }
        return body
    }

    @Test(arguments: Engine.all)
    func placeRepeatAndRead(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 2]).expect(200)
            let body = Self.order(
                externalId: "shop-1001",
                lines: [
                    ["sku": "SKU-1", "quantity": 2, "unitPrice": 1999],
                    ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                ])
            let created = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(created["id"] as? String)
            #expect(created["status"] as? String == "processing")
            #expect((created["number"] as? String)?.hasPrefix("ORD-") == true)
            #expect(((created["totals"] as? [String: Any])?["total"] as? NSNumber)?.intValue == 4498)
            let lines = created["lines"] as? [[String: Any]] ?? []
            #expect(lines.compactMap { ($0["allocatedQuantity"] as? NSNumber)?.intValue } == [2, 1])
            let fos = created["fulfillmentOrders"] as? [[String: Any]] ?? []
            #expect(Set(fos.compactMap { $0["type"] as? String }) == ["ship", "pickup"])

            let again = try await app.send(.post, "/v1/orders", json: body).expect(200)
            #expect(again["id"] as? String == id)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2)

            let read = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect(read["externalId"] as? String == "shop-1001")
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200)
            #expect(timeline.items.first?["type"] as? String == "order.created")
            #expect(timeline.items.contains { $0["type"] as? String == "order.allocated" })

            let customerId = try #require(created["customerId"] as? String)
            let customer = try await app.send(.get, "/v1/customers/\(customerId)").expect(200)
            #expect((customer["orders"] as? [[String: Any]])?.count == 1)
            #expect(try await app.send(.get, "/v1/customers?q=ada").items.count == 1)
            #expect(try await app.send(.get, "/v1/orders?q=shop-1001").items.count == 1)
            #expect(try await app.send(.get, "/v1/orders?status=cancelled").items.isEmpty)
            #expect(try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").items.count == 2)
            #expect(try await app.send(.get, "/v1/fulfillment-orders?locationId=ST-UTR&status=open").items.count == 1)
        }
    }

    /// A new order is answered from memory (not read back): the answer must be exactly what
    /// reading the order returns, for every shape of order.
    @Test(arguments: Engine.all)
    func theAnswerToANewOrderIsWhatReadingItReturns(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 3]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 1]).expect(200)
            try await app.send(
                .post, "/v1/channels",
                json: [
                    "id": "vip", "name": "VIP", "type": "web", "holdRules": [["name": "big", "minTotal": 100_000]],
                ]
            ).expect(201)
            let hold = try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 1]]]).expect(201)
            var reserved = Self.order(externalId: "r-1", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 100]])
            reserved["reservationId"] = hold["id"]
            let bodies: [(String, [String: Any])] = [
                (
                    "processing",
                    Self.order(
                        externalId: "a-1",
                        lines: [
                            ["sku": "SKU-1", "quantity": 2, "unitPrice": 1999],
                            ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                        ])
                ),
                ("awaiting_stock", Self.order(externalId: "b-1", lines: [["sku": "SKU-2", "quantity": 4, "unitPrice": 500]])),
                ("on_hold", Self.order(externalId: "h-1", channel: "vip", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 150_000]])),
                ("processing", reserved),
                (
                    "fulfilled",
                    [
                        "channel": "pos", "currency": "EUR",
                        "lines": [
                            ["sku": "SKU-1", "quantity": 1, "unitPrice": 700, "delivery": ["method": "carryOut", "locationId": "ST-UTR"]]
                        ],
                    ]
                ),
            ]
            for (status, body) in bodies {
                let created = try await app.send(.post, "/v1/orders", json: body).expect(201)
                #expect(created["status"] as? String == status, "\(created.text)")
                let id = try #require(created["id"] as? String)
                let read = try await app.send(.get, "/v1/orders/\(id)").expect(200)
                #expect(created.json as NSDictionary == read.json as NSDictionary, "\(status): \(created.text) vs \(read.text)")
            }
        }
    }

    @Test(arguments: Engine.all)
    func idempotencyKeyMakesOrdersWithoutExternalIdSafeToRetry(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "kiosk-7-0001"]
            let body = Self.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]])
            let first = try await app.send(.post, "/v1/orders", json: body, headers: key).expect(201)
            let second = try await app.send(.post, "/v1/orders", json: body, headers: key).expect(201)
            #expect(first["id"] as? String == second["id"] as? String)
            #expect(try await app.send(.get, "/v1/orders").items.count == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1)
        }
    }

    @Test(arguments: Engine.all)
    func badOrdersNameTheirFieldsAndStoreNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            var body = Self.order(lines: [
                ["sku": "GHOST", "quantity": 0, "unitPrice": -5],
                ["sku": "SKU-1", "quantity": 1, "unitPrice": 100, "delivery": ["method": "pickup", "locationId": "WH-AMS"]],
            ])
            body["currency"] = "EURO"
            let refused = try await app.send(.post, "/v1/orders", json: body).expect(400)
            #expect(refused.fields == ["currency", "lines[0].quantity", "lines[0].unitPrice"])
            body["currency"] = "EUR"
            body["lines"] = [
                ["sku": "GHOST", "quantity": 1, "unitPrice": 5],
                ["sku": "SKU-1", "quantity": 1, "unitPrice": 100, "delivery": ["method": "pickup", "locationId": "WH-AMS"]],
            ]
            let references = try await app.send(.post, "/v1/orders", json: body).expect(400)
            #expect(references.fields == ["lines[0].sku", "lines[1].delivery.locationId"])
            body.removeValue(forKey: "shippingAddress")
            body["lines"] = [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]]
            #expect(try await app.send(.post, "/v1/orders", json: body).expect(400).fields == ["shippingAddress"])
            body["shippingAddress"] = Self.address
            body["lineItems"] = []
            #expect(try await app.send(.post, "/v1/orders", json: body).expect(400).fields == ["lineItems"])
            #expect(try await app.send(.get, "/v1/orders").items.isEmpty)
            #expect(try await app.send(.get, "/v1/customers").items.isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func rejectChannelsGet409AndNothingReserved(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["onShortage": "reject"]]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 1]).expect(200)
            let refused = try await app.send(.post, "/v1/orders", json: Self.order(lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 100]]))
                .expect(409)
            #expect(refused["code"] as? String == "insufficient_stock")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 0)
        }
    }

    @Test(arguments: Engine.all)
    func serviceActionsHoldCancelNoteAndAddress(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let service = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "Cees (service desk)", "role": "service"]).expect(201)["secret"] as? String)
            let order = try await app.send(
                .post, "/v1/orders", json: Self.order(externalId: "o-1", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 100]])
            ).expect(201)
            let id = try #require(order["id"] as? String)

            let held = try await app.send(.post, "/v1/orders/\(id)/holds", json: ["reason": "address looks wrong"], key: service).expect(201)
            #expect(held["status"] as? String == "on_hold")
            let holdId = try #require((held["holds"] as? [[String: Any]])?.first?["id"] as? String)
            var moved = Self.address
            moved["line1"] = "Rokin 10"
            let patched = try await app.send(.patch, "/v1/orders/\(id)", json: ["shippingAddress": moved], key: service).expect(200)
            #expect((patched["shippingAddress"] as? [String: Any])?["line1"] as? String == "Rokin 10")
            try await app.send(.post, "/v1/orders/\(id)/notes", json: ["text": "Customer called, new address confirmed"], key: service).expect(201)
            let released = try await app.send(.delete, "/v1/orders/\(id)/holds/\(holdId)", key: service).expect(200)
            #expect(released["status"] as? String == "processing")

            let cancelled = try await app.send(
                .post, "/v1/orders/\(id)/cancel", json: ["lines": [["line": 1, "quantity": 1]], "reason": "changed mind"], key: service
            ).expect(200)
            #expect((cancelled["lines"] as? [[String: Any]])?.first?["cancelledQuantity"] as? NSNumber == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2)
            let whole = try await app.send(.post, "/v1/orders/\(id)/cancel", key: service).expect(200)
            #expect(whole["status"] as? String == "cancelled")
            try await app.send(.post, "/v1/orders/\(id)/cancel", key: service).expect(409)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 0)

            let timeline = try await app.send(.get, "/v1/orders/\(id)/events", key: service).expect(200)
            let types = timeline.items.compactMap { $0["type"] as? String }
            #expect(types.contains("order.note_added") && types.contains("order.updated") && types.filter { $0 == "order.cancelled" }.count == 2)
            #expect(timeline.items.first { $0["type"] as? String == "order.note_added" }?["actor"] as? String == "Cees (service desk)")
            // Service enters phone orders on any channel (the back office's order entry).
            let entered = try await app.send(
                .post, "/v1/orders", json: Self.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1]]), key: service
            ).expect(201)
            #expect(entered["channel"] as? String == "web")
        }
    }

    @Test(arguments: Engine.all)
    func channelKeysSeeOnlyTheirOwnOrders(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 10]).expect(200)
            let pos = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "till 1", "role": "channel", "channel": "pos"]).expect(201)["secret"]
                    as? String)
            let web = try await app.send(.post, "/v1/orders", json: Self.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]])).expect(
                201)
            let mine = try await app.send(
                .post, "/v1/orders", json: Self.order(channel: "pos", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]]), key: pos
            ).expect(201)
            try await app.send(
                .post, "/v1/orders", json: Self.order(channel: "web", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]]), key: pos
            ).expect(403)
            try await app.send(.get, "/v1/orders/\(web["id"] as? String ?? "")", key: pos).expect(404)
            try await app.send(.get, "/v1/orders/\(mine["id"] as? String ?? "")", key: pos).expect(200)
            let listed = try await app.send(.get, "/v1/orders", key: pos).expect(200)
            #expect(listed.items.compactMap { $0["channel"] as? String } == ["pos"])
            try await app.send(.get, "/v1/orders?channel=web", key: pos).expect(403)
            try await app.send(.get, "/v1/customers", key: pos).expect(403)
        }
    }
}
