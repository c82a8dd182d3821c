import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Order changes after placement: PATCH /v1/orders/{id} lines")
struct OrderChangesAPITests {
    static func reserved(_ app: TestApp, _ sku: String, _ location: String) async throws -> Int? {
        try await app.send(.get, "/v1/inventory/\(sku)/\(location)").int("reserved")
    }

    static func lines(_ order: Reply) -> [Int: [String: Any]] {
        var byNumber: [Int: [String: Any]] = [:]
        for line in order.json["lines"] as? [[String: Any]] ?? [] { byNumber[(line["number"] as? NSNumber)?.intValue ?? 0] = line }
        return byNumber
    }

    static func units(_ line: [String: Any]?, _ key: String) -> Int? { (line?[key] as? NSNumber)?.intValue }

    static func patch(_ app: TestApp, _ id: String, _ lines: [[String: Any]], key: String = TestApp.adminKey) async throws -> Reply {
        try await app.send(.patch, "/v1/orders/\(id)", json: ["lines": lines, "reason": "customer called"], key: key)
    }

    /// Up, down, a new line, ship → pickup: each reserves exactly the added units where routing
    /// sends them and gives back exactly the units taken off; totals follow to the minor unit.
    @Test(arguments: Engine.all)
    func eachChangeReservesAndReleasesExactlyWhatChanged(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 5]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 3]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1000]])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 2)

            // Up: two more units, routed and reserved on their own.
            var order = try await Self.patch(app, id, [["line": 1, "quantity": 4]]).expect(200)
            #expect(Self.units(Self.lines(order)[1], "quantity") == 4 && Self.units(Self.lines(order)[1], "allocatedQuantity") == 4)
            #expect((order["totals"] as? [String: Any])?["total"] as? Int == 4000)
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 4)
            var fos = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items
            #expect(fos.count == 2, "the added units open a fulfillment order of their own; the first is untouched")

            // Down: three off, the newest fulfillment order's units first.
            order = try await Self.patch(app, id, [["line": 1, "quantity": 1]]).expect(200)
            #expect(Self.units(Self.lines(order)[1], "cancelledQuantity") == 3 && Self.units(Self.lines(order)[1], "allocatedQuantity") == 1)
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 1)
            fos = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items
            #expect(fos.filter { $0["status"] as? String == "open" }.count == 1)

            // A new line, then the same units picked up in Utrecht instead of shipped.
            order = try await Self.patch(app, id, [["sku": "SKU-2", "quantity": 2, "unitPrice": 500]]).expect(200)
            #expect(Self.lines(order)[2]?["sku"] as? String == "SKU-2" && Self.units(Self.lines(order)[2], "allocatedQuantity") == 2)
            let shippedFrom = try await Self.reserved(app, "SKU-2", "WH-AMS") ?? 0
            let utrechtBefore = try await Self.reserved(app, "SKU-2", "ST-UTR") ?? 0
            #expect(shippedFrom + utrechtBefore == 2)
            order = try await Self.patch(app, id, [["line": 2, "quantity": 2, "delivery": ["method": "pickup", "locationId": "ST-UTR"]]]).expect(200)
            let lines = Self.lines(order)
            #expect(Self.units(lines[2], "cancelledQuantity") == 2 && Self.units(lines[2], "allocatedQuantity") == 0)
            #expect(lines[3]?["sku"] as? String == "SKU-2" && Self.units(lines[3], "allocatedQuantity") == 2)
            #expect((lines[3]?["delivery"] as? [String: Any])?["locationId"] as? String == "ST-UTR")
            #expect(try await Self.reserved(app, "SKU-2", "WH-AMS") == 0)
            #expect(try await Self.reserved(app, "SKU-2", "ST-UTR") == 2)
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 1)
            // 4 × 10.00 + 2 × 5.00 + 2 × 5.00 ordered; 3 + 2 units cancelled.
            #expect((order["totals"] as? [String: Any])?["total"] as? Int == 6000)
            #expect(order["status"] as? String == "processing")

            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            let updates = timeline.filter { $0["type"] as? String == "order.updated" }.compactMap { $0["data"] as? [String: Any] }
            #expect(updates.count == 4)
            let swap = try #require(updates.last?["lines"] as? [[String: Any]])
            #expect(swap.first?["replacedBy"] as? Int == 3 && swap.first?["previous"] as? Int == 2 && swap.first?["quantity"] as? Int == 0)
            #expect(updates.first?["previousTotal"] as? Int == 2000 && updates.first?["total"] as? Int == 4000)
            #expect(timeline.filter { $0["type"] as? String == "order.cancelled" }.count == 2)
        }
    }

    /// A swap of a paid line for another at the same price asks nothing back; fewer units ask
    /// back exactly what they paid; more units leave the order partly paid.
    @Test(arguments: Engine.all)
    func moneyFollowsTheChange(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1500]])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 4500, "web-sale")).expect(201)

            var order = try await Self.patch(app, id, [["line": 1, "quantity": 3, "sku": "SKU-2"]]).expect(200)
            #expect(order["paymentStatus"] as? String == "paid")
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 0)
            #expect(try await Self.reserved(app, "SKU-2", "WH-AMS") == 3)
            var refunds = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter { $0["type"] as? String == "refund.requested" }
            #expect(refunds.isEmpty, "a swap at the same price owes nothing back")

            order = try await Self.patch(app, id, [["line": 2, "quantity": 1]]).expect(200)
            refunds = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter { $0["type"] as? String == "refund.requested" }
            #expect(refunds.compactMap { ($0["data"] as? [String: Any])?["amount"] as? Int } == [3000])

            // Captured 45.00 still covers two units; four units owe 60.00.
            order = try await Self.patch(app, id, [["line": 2, "quantity": 2]]).expect(200)
            #expect(order["paymentStatus"] as? String == "paid")
            order = try await Self.patch(app, id, [["line": 2, "quantity": 4]]).expect(200)
            #expect(order["paymentStatus"] as? String == "partially_paid")
        }
    }

    /// Every refusal answers why and writes nothing: a line with a unit shipped (409), an
    /// unknown line or product, a new line without a price, a quantity out of range, a line
    /// named twice, a pickup where nothing is handed over, nothing to change, lines with tags
    /// (400), and a store key (403).
    @Test(arguments: Engine.all)
    func refusalsChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [
                    ["sku": "SKU-1", "quantity": 2, "unitPrice": 1000], ["sku": "SKU-1", "quantity": 1, "unitPrice": 900],
                ])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            let fo = try #require((placed["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["orderLineId": "\(id):1", "quantity": 1]]]).expect(
                201)
            let rotterdam = try await app.storeKey("Rotterdam till", at: ["ST-RTM"])

            let before = try await DatabaseImage.of(app.stores.database)
            let shipped = try await Self.patch(app, id, [["line": 1, "quantity": 5]]).expect(409)
            #expect((shipped["detail"] as? String)?.contains("fulfilled") == true)
            let invalid: [([[String: Any]], [String])] = [
                ([["line": 9, "quantity": 1]], ["lines[0].line"]),
                ([["sku": "NOPE", "quantity": 1, "unitPrice": 100]], ["lines[0].sku"]),
                ([["sku": "SKU-2", "quantity": 1]], ["lines[0].unitPrice"]),
                ([["line": 2, "quantity": -1]], ["lines[0].quantity"]),
                ([["line": 2, "quantity": 0], ["line": 2, "quantity": 1]], ["lines[1].line"]),
                (
                    [["sku": "SKU-2", "quantity": 1, "unitPrice": 100, "delivery": ["method": "pickup", "locationId": "WH-AMS"]]],
                    ["lines[0].delivery.locationId"]
                ),
                ([["line": 2, "quantity": 1]], ["lines"]),
                ([], ["lines"]),
            ]
            for (lines, fields) in invalid {
                let refused = try await Self.patch(app, id, lines).expect(400)
                #expect(refused.fields == fields, "\(lines)")
            }
            try await app.send(.patch, "/v1/orders/\(id)", json: ["lines": [["line": 2, "quantity": 0]], "tags": ["x"]]).expect(400)
            try await Self.patch(app, id, [["line": 2, "quantity": 0]], key: rotterdam).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused changes write nothing")

            // What may still change does: the unshipped line.
            let order = try await Self.patch(app, id, [["line": 2, "quantity": 0]]).expect(200)
            #expect(Self.units(Self.lines(order)[2], "cancelledQuantity") == 1)
        }
    }

    /// Service moves the DC's shipment to Utrecht by hand: the DC's reservation is given back,
    /// Utrecht's taken, a new fulfillment order opens there and the timeline says who moved it.
    /// Where it cannot go (the same place, nowhere, a store without the units, a pickup, a
    /// shipment under way, a store key) it is refused and nothing moves.
    @Test(arguments: Engine.all)
    func aShipmentIsMovedByHandToAChosenLocation(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 3]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 3]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [
                    ["sku": "SKU-1", "quantity": 2, "unitPrice": 1000],
                    ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                ])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            let fos = try #require(placed["fulfillmentOrders"] as? [[String: Any]])
            let dc = try #require(fos.first { $0["locationId"] as? String == "WH-AMS" }?["id"] as? String)
            let pickup = try #require(fos.first { $0["type"] as? String == "pickup" }?["id"] as? String)
            let rotterdam = try await app.storeKey("Rotterdam till", at: ["ST-RTM"])

            let before = try await DatabaseImage.of(app.stores.database)
            let refusals: [(String, [String: Any], Int)] = [
                (dc, ["locationId": "WH-AMS"], 400), (dc, ["locationId": "NOWHERE"], 400), (dc, ["locationId": "ST-RTM"], 409),
                (pickup, ["locationId": "WH-AMS"], 409),
            ]
            for (fo, body, status) in refusals {
                try await app.send(.post, "/v1/fulfillment-orders/\(fo)/move", json: body).expect(status)
            }
            try await app.send(.post, "/v1/fulfillment-orders/\(dc)/move", json: ["locationId": "ST-UTR"], key: rotterdam).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused moves write nothing")

            let moved = try await app.send(
                .post, "/v1/fulfillment-orders/\(dc)/move", json: ["locationId": "ST-UTR", "reason": "DC closed for stocktaking"]
            ).expect(200)
            #expect(moved["status"] as? String == "cancelled")
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 0)
            #expect(try await Self.reserved(app, "SKU-1", "ST-UTR") == 2)
            let open = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)&status=open").expect(200).items
            let utrecht = try #require(open.first { $0["type"] as? String == "ship" })
            #expect(utrecht["locationId"] as? String == "ST-UTR")
            #expect((utrecht["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            let rerouted = try #require(timeline.first { $0["type"] as? String == "order.rerouted" }?["data"] as? [String: Any])
            #expect(rerouted["from"] as? String == "WH-AMS")
            let reason = (rerouted["allocations"] as? [[String: Any]])?.first?["reason"] as? String
            #expect(
                reason == "moved by hand from WH-AMS by admin: DC closed for stocktaking"
                    || reason?.hasPrefix("moved by hand from WH-AMS by ") == true)

            // Under way it stays: once accepted and partly shipped, it cannot move.
            let now = try #require(utrecht["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(now)/accept").expect(200)
            try await app.send(.post, "/v1/fulfillment-orders/\(now)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 1]]]).expect(201)
            try await app.send(.post, "/v1/fulfillment-orders/\(now)/move", json: ["locationId": "WH-AMS"]).expect(409)
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 0)
        }
    }

    /// The DC splits two units off to ship them first and merges them back; the reservation
    /// never moves. What cannot split or merge is refused and changes nothing; another store may not.
    @Test(arguments: Engine.all)
    func workIsSplitAndMergedAtOneLocation(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [
                    ["sku": "SKU-1", "quantity": 3, "unitPrice": 1000], ["sku": "SKU-2", "quantity": 1, "unitPrice": 500],
                ])
            ).expect(201)
            let id = try #require(placed["id"] as? String)
            let fo = try #require((placed["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            let other = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]], email: "bob@example.com")
            ).expect(201)
            let othersWork = try #require((other["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            let dcKey = try await app.storeKey("DC desk", at: ["WH-AMS"])
            let rotterdam = try await app.storeKey("Rotterdam till", at: ["ST-RTM"])

            let before = try await DatabaseImage.of(app.stores.database)
            let everything = [["orderLineId": "\(id):1", "quantity": 3], ["sku": "SKU-2", "quantity": 1]]
            #expect(try await app.send(.post, "/v1/fulfillment-orders/\(fo)/split", json: ["lines": everything]).expect(400).fields == ["lines"])
            let tooMany = try await app.send(.post, "/v1/fulfillment-orders/\(fo)/split", json: ["lines": [["sku": "SKU-1", "quantity": 4]]]).expect(
                400)
            #expect(tooMany.fields == ["lines[0].quantity"])
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/split", json: ["lines": [["sku": "SKU-1", "quantity": 1]]], key: rotterdam)
                .expect(403)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/merge", json: ["fulfillmentOrderId": fo]).expect(400)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/merge", json: ["fulfillmentOrderId": othersWork]).expect(400)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused splits and merges write nothing")

            let split = try await app.send(
                .post, "/v1/fulfillment-orders/\(fo)/split", json: ["lines": [["orderLineId": "\(id):1", "quantity": 2]]], key: dcKey
            ).expect(201).items
            #expect(split.count == 2 && split[0]["id"] as? String == fo)
            let kept = (split[0]["lines"] as? [[String: Any]] ?? []).map { $0["quantity"] as? Int }
            let first = try #require(split[1]["id"] as? String)
            #expect(
                kept == [1, 1] && (split[1]["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 2 && split[1]["status"] as? String == "open")
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 4, "splitting moves no stock")
            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(events.contains("fulfillment.split") && events.filter { $0 == "fulfillment.created" }.count == 2)

            let merged = try await app.send(.post, "/v1/fulfillment-orders/\(fo)/merge", json: ["fulfillmentOrderId": first], key: dcKey).expect(200)
            #expect((merged["lines"] as? [[String: Any]] ?? []).map { $0["quantity"] as? Int } == [3, 1])
            #expect(try await app.send(.get, "/v1/fulfillment-orders/\(first)").expect(200)["status"] as? String == "cancelled")
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            try await app.send(
                .post, "/v1/fulfillment-orders/\(fo)/shipments",
                json: ["lines": [["sku": "SKU-1", "quantity": 3], ["sku": "SKU-2", "quantity": 1]]]
            )
            .expect(201)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "fulfilled")
            #expect(try await Self.reserved(app, "SKU-1", "WH-AMS") == 1, "the other order's unit stays reserved")
        }
    }
}
