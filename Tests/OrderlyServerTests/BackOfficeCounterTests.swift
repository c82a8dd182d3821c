import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: taking back at the counter")
struct BackOfficeCounterTests {
    /// An associate in Utrecht finds a web order shipped from the DC by what the customer shows,
    /// sees what can come back, and takes two units back — one resellable, one opened — in one
    /// step: the resellable one is on Utrecht's shelf and the refund waits at the till. Refused
    /// counts change nothing; another store's counter is not found.
    @Test(arguments: Engine.all)
    func anAssociateTakesBackAWebOrderAtTheCounter(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            let (id, number) = try await CounterReturnsAPITests.shippedWebOrder(app)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("take-back-lookup"))
            let csrf = store.csrf(page)

            let nothing = try await store.go(.get, "/stores/ST-UTR/take-back?q=ada").expect(200)
            #expect(nothing.text.contains("No order has this number"), "\(nothing.text)")
            let found = try await store.go(.get, "/stores/ST-UTR/take-back?q=WEB-77").expect(200)
            #expect(
                found.text.contains(number) && found.text.contains("name=\"resellable[l1]\"") && found.text.contains("max=\"3\"")
                    && found.text.contains("action=\"/stores/ST-UTR/take-back/\(id)\""))
            try await store.go(.get, "/stores/ST-RTM/take-back?q=WEB-77").expect(404)

            let before = try await DatabaseImage.of(app.stores.database)
            for (form, says) in [
                (["resellable[l1]": "0"], "error:units: count at least one unit to take back"),
                (["resellable[l1]": "2", "damaged[l1]": "2"], "error:lines[1].quantity: only 3 of line 1 can be returned"),
                (["resellable[l1]": "one"], "error:resellable.l1: is not a valid value"),
            ] {
                try await store.go(.post, "/stores/ST-UTR/take-back/\(id)", form: form.merging(["csrf": csrf]) { a, _ in a }).expect(303)
                let flash = (store.cookies["orderly_flash"] ?? "").removingPercentEncoding ?? ""
                #expect(flash.hasPrefix(says), "\(form): \(flash)")
                store.cookies["orderly_flash"] = nil
            }
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused counts write nothing")

            try await store.go(
                .post, "/stores/ST-UTR/take-back/\(id)", form: ["csrf": csrf, "resellable[l1]": "1", "open_box[l1]": "1", "reason": "too big"]
            ).expect(303)
            #expect(
                (store.cookies["orderly_flash"] ?? "").removingPercentEncoding
                    == "ok:Taken back: 2 units, 1 back on the shelf. Refund EUR 30.00: pay it under Refunds at the till.")
            let returns = try await app.send(.get, "/v1/returns?orderId=\(id)").expect(200).items
            #expect(returns.count == 1 && returns.first?["status"] as? String == "received" && returns.first?["locationId"] as? String == "ST-UTR")
            let line = try #require((returns.first?["lines"] as? [[String: Any]])?.first)
            #expect((line["restockedQuantity"] as? NSNumber)?.intValue == 1 && (line["openBoxQuantity"] as? NSNumber)?.intValue == 1)
            #expect(line["reason"] as? String == "too big")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 1)
            let till = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(till.text.contains("Refunds at the till") && till.text.contains("EUR 30.00"))
            let after = try await store.go(.get, "/stores/ST-UTR/take-back?q=\(id)").expect(200)
            #expect(after.text.contains("max=\"1\"") && !after.text.contains("max=\"3\""), "one unit can still come back")
        }
    }

    /// An associate counts a shelf by scanning each unit (or typing a count): checked first —
    /// expected against counted, nothing recorded — then recorded, the variance in the ledger.
    /// Bad lines, an unknown sku and another store's shelf change nothing.
    @Test(arguments: Engine.all)
    func anAssociateCountsAShelf(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 3]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 4]).expect(200)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("id=\"shelf-count\""))
            let csrf = store.csrf(page)
            let scans = "SKU-1\nSKU-1\n\nSKU-2 x4\n"

            let before = try await DatabaseImage.of(app.stores.database)
            let review = try await store.go(.post, "/stores/ST-UTR/count/check", form: ["csrf": csrf, "scans": scans]).expect(200)
            #expect(review.text.contains("2 sku(s) counted; 1 as expected"))
            #expect(
                review.text.contains("<td class=\"mono\">SKU-1</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\"><b>-1</b></td>"))
            #expect(review.text.contains("SKU-1\nSKU-1"), "the scans stay in the form")
            let bad = try await store.go(.post, "/stores/ST-UTR/count/check", form: ["csrf": csrf, "scans": "SKU-1 lots\nSKU-9"]).expect(200)
            #expect(bad.text.contains("scans line 1: &#39;lots&#39; is not a count of units") || bad.text.contains("is not a count of units"))
            try await store.go(.post, "/stores/ST-UTR/count", form: ["csrf": csrf, "scans": "SKU-9 2"]).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("product 'SKU-9' does not exist") == true)
            store.cookies["orderly_flash"] = nil
            try await store.go(.post, "/stores/ST-RTM/count", form: ["csrf": csrf, "scans": "SKU-1"]).expect(404)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "checks and refusals record nothing")

            try await store.go(.post, "/stores/ST-UTR/count", form: ["csrf": csrf, "scans": scans]).expect(303)
            #expect(
                (store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Counted 2 skus: SKU-1 3 → 2 (-1), recorded in the ledger.")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 2)
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-UTR").int("onHand") == 4)
            let ledger = try await app.send(.get, "/v1/inventory/ledger?sku=SKU-1&locationId=ST-UTR").expect(200).items
            #expect(ledger.first?["reason"] as? String == "count" && (ledger.first?["delta"] as? NSNumber)?.intValue == -1)
            #expect(ledger.first?["actor"] as? String == "utrecht@shop.test" && ledger.first?["reference"] as? String == "shelf count")
        }
    }

    /// An associate ships a parcel by scanning what goes in (a part first, the rest after) and
    /// rejects a fulfillment order with a reason, which routes it elsewhere. A unit not on the
    /// order, or more than is still open, is refused by its scan line and ships nothing.
    @Test(arguments: Engine.all)
    func anAssociateShipsByScanningAndRejects(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 3]).expect(200)
            let parcel = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(
                    externalId: "parcel",
                    lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1000], ["sku": "SKU-2", "quantity": 1, "unitPrice": 500]])
            ).expect(201)
            let fo = try #require((parcel["fulfillmentOrders"] as? [[String: Any]])?.first)
            #expect(fo["locationId"] as? String == "ST-UTR")
            let foId = try #require(fo["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(foId)/accept").expect(200)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("/fulfillment-orders/\(foId)/ship-scanned"))
            let csrf = store.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            for (scans, says) in [
                ("SKU-9", "error:scans line 1: SKU-9 is not on fulfillment order \(foId)"),
                ("SKU-1 3", "error:scans line 1: 1 more SKU-1 than are still to ship"),
                ("", "error:scans: scan or type at least one sku"),
            ] {
                try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(foId)/ship-scanned", form: ["csrf": csrf, "scans": scans]).expect(303)
                #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == says)
                store.cookies["orderly_flash"] = nil
            }
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused scans ship nothing")

            try await store.go(
                .post, "/stores/ST-UTR/fulfillment-orders/\(foId)/ship-scanned", form: ["csrf": csrf, "scans": "SKU-1\n", "carrier": "PostNL"]
            ).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Shipped 1 unit; 2 still to ship.")
            #expect(try await app.send(.get, "/v1/fulfillment-orders/\(foId)").expect(200)["status"] as? String == "partially_shipped")
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(foId)/ship-scanned", form: ["csrf": csrf, "scans": "SKU-2\nSKU-1"])
                .expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Shipped 2 units.")
            #expect(try await app.send(.get, "/v1/orders/\(try #require(parcel["id"] as? String))").expect(200)["status"] as? String == "fulfilled")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 3)

            // Not on the shelf: rejected with the reason, the unit comes from the DC instead.
            let other = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "other", lines: [["sku": "SKU-2", "quantity": 1, "unitPrice": 500]])
            ).expect(201)
            let otherFo = try #require((other["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 4]).expect(200)
            try await store.go(
                .post, "/stores/ST-UTR/fulfillment-orders/\(otherFo)/reject", form: ["csrf": csrf, "reason": "not_found", "note": "shelf empty"]
            ).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Rejected (not_found); the order is routed elsewhere.")
            let rerouted = try await app.send(.get, "/v1/orders/\(try #require(other["id"] as? String))").expect(200)
            let open = (rerouted["fulfillmentOrders"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "open" }
            #expect(open.map { $0["locationId"] as? String } == ["WH-AMS"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-UTR").int("onHand") == 1, "3, less 1 shipped and 1 not found")
        }
    }

    /// A pickup handed over in part by its code: the customer takes one of two boots and leaves
    /// the socks; the rest is cancelled in the same step, its stock free again at the store and
    /// what it paid asked back. Over the API's refusals nothing changes; then on the store page.
    @Test(arguments: Engine.all)
    func aPickupIsHandedOverInPart(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 3]).expect(200)
            let pickup = ["method": "pickup", "locationId": "ST-UTR"]
            func place(_ externalId: String) async throws -> (order: String, fo: String, code: String) {
                let order = try await app.send(
                    .post, "/v1/orders",
                    json: OrdersAPITests.order(
                        externalId: externalId,
                        lines: [
                            ["sku": "SKU-1", "quantity": 2, "unitPrice": 1000, "delivery": pickup],
                            ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": pickup],
                        ])
                ).expect(201)
                let id = try #require(order["id"] as? String)
                try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 2500, "pay-\(externalId)")).expect(201)
                let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
                let ready = try await app.send(.post, "/v1/fulfillment-orders/\(fo)/ready-for-pickup").expect(200)
                return (id, fo, try #require(ready["pickupCode"] as? String))
            }
            let api = try await place("part-api")
            let before = try await DatabaseImage.of(app.stores.database)
            for lines in [[["sku": "SKU-1", "quantity": 0]], [["sku": "SKU-1", "quantity": 3]], [["sku": "SKU-9", "quantity": 1]]] {
                try await app.send(.post, "/v1/fulfillment-orders/\(api.fo)/pickup", json: ["pickupCode": api.code, "lines": lines]).expect(400)
            }
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused handovers change nothing")
            let handed = try await app.send(
                .post, "/v1/fulfillment-orders/\(api.fo)/pickup",
                json: ["pickupCode": api.code, "lines": [["sku": "SKU-1", "quantity": 1], ["sku": "SKU-2", "quantity": 0]]]
            ).expect(200)
            #expect(handed["status"] as? String == "picked_up")
            let order = try await app.send(.get, "/v1/orders/\(api.order)").expect(200)
            let lines = order["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { ($0["fulfilledQuantity"] as? NSNumber)?.intValue } == [1, 0])
            #expect(lines.map { ($0["cancelledQuantity"] as? NSNumber)?.intValue } == [1, 1])
            let timeline = try await app.send(.get, "/v1/orders/\(api.order)/events").expect(200).items
            #expect(
                timeline.contains { $0["type"] as? String == "order.cancelled" }
                    && timeline.contains { $0["type"] as? String == "fulfillment.picked_up" })
            let refund = try #require(timeline.first { $0["type"] as? String == "refund.requested" }?["data"] as? [String: Any])
            #expect((refund["amount"] as? NSNumber)?.intValue == 1500, "what the declined boot and socks paid is asked back")
            let boots = try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").expect(200)
            #expect(boots.int("onHand") == 4 && boots.int("reserved") == 0)
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-UTR").int("reserved") == 0)

            // At the counter: the handheld offers each line's units, prefilled with all of them.
            let web = try await place("part-web")
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("name=\"take[l1]\" value=\"2\""))
            try await store.go(
                .post, "/stores/ST-UTR/fulfillment-orders/\(web.fo)/pickup",
                form: ["csrf": store.csrf(page), "pickupCode": web.code, "take[l1]": "2", "take[l2]": "0"]
            ).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Handed over 2 of 3 units; the other 1 are cancelled.")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 2)
        }
    }

    /// "Where else is this in stock": the associate scans a product and sees the other stores
    /// that have it, nearest first, with whether they take pickups — never the warehouse, never
    /// the levels themselves.
    @Test(arguments: Engine.all)
    func anAssociateFindsStockInOtherStores(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            for (location, units) in [("ST-UTR", 2), ("ST-RTM", 5), ("WH-AMS", 9)] {
                try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": units]).expect(200)
            }
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR?nearby=SKU-1").expect(200)
            #expect(page.text.contains("One: 2 available here"))
            #expect(
                page.text.contains(
                    "<td>Rotterdam store <span class=\"muted\">ST-RTM</span></td><td class=\"num\">48 km</td><td class=\"num\">5</td><td>yes</td>"))
            #expect(!page.text.contains("Amsterdam DC"), "a warehouse is not where a customer goes")
            #expect(try await store.go(.get, "/stores/ST-UTR?nearby=SKU-2").expect(200).text.contains("No other store has it now."))
            #expect(try await store.go(.get, "/stores/ST-UTR?nearby=NOPE").expect(200).text.contains("No product has the sku NOPE."))
        }
    }
}
