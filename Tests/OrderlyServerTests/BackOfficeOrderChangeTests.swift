import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: changing an order's lines")
struct BackOfficeOrderChangeTests {
    /// The seeded business with its staff, `stock` put on hand, an order of `lines` placed,
    /// and customer service signed in on its page: the order id, its first fulfillment
    /// order, the agent and the page.
    static func agentOnAnOrder(
        _ app: TestApp, stock: [(String, String, Int)], lines: [[String: Any]]
    ) async throws -> (id: String, fo: String, agent: BackOfficeTests.Browser, page: Reply) {
        try await app.seed()
        try await BackOfficeTests.staff(app)
        for (sku, location, units) in stock { try await app.send(.put, "/v1/inventory/\(sku)/\(location)", json: ["onHand": units]).expect(200) }
        let placed = try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(lines: lines)).expect(201)
        let id = try #require(placed["id"] as? String)
        let fo = try #require((placed["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
        let agent = BackOfficeTests.Browser(app)
        try await agent.signIn("agent@shop.test")
        return (id, fo, agent, try await agent.go(.get, "/orders/\(id)").expect(200))
    }
    /// Service staff change an order from its page: one unit more on line 1, line 2 picked up
    /// in Utrecht instead of shipped, and a new line; a refused form names the line next to the
    /// form and changes nothing; a store associate may not post it.
    @Test(arguments: Engine.all)
    func serviceChangesLinesFromTheOrderPage(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let (id, _, agent, page) = try await Self.agentOnAnOrder(
                app, stock: [("SKU-1", "WH-AMS", 10), ("SKU-2", "ST-UTR", 4)],
                lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000], ["sku": "SKU-2", "quantity": 1, "unitPrice": 500]])
            #expect(page.text.contains("id=\"change-lines\"") && page.text.contains("name=\"quantity[l2]\" value=\"1\""))
            #expect(page.text.contains("<option value=\"pickup:ST-UTR\">pickup at Utrecht store</option>"))
            let csrf = agent.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            try await agent.go(.post, "/orders/\(id)/lines", form: ["csrf": csrf, "quantity[l1]": "2", "sku[l2]": "NOPE"]).expect(303)
            let refused = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(
                refused.text.contains("line 2 · sku: product &#39;NOPE&#39; does not exist")
                    || refused.text.contains("line 2 · sku: product 'NOPE' does not exist"))
            agent.cookies["orderly_flash"] = nil
            try await agent.go(.post, "/orders/\(id)/lines", form: ["csrf": csrf, "newSku": "SKU-1"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("a price in EUR") == true)
            agent.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused forms write nothing")

            try await agent.go(
                .post, "/orders/\(id)/lines",
                form: [
                    "csrf": csrf, "quantity[l1]": "2", "quantity[l2]": "1", "delivery[l2]": "pickup:ST-UTR", "newSku": "SKU-1", "newQuantity": "3",
                    "newPrice": "7.50", "reason": "customer called",
                ]
            ).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Lines changed.")
            let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            let lines = OrderChangesAPITests.lines(order)
            #expect(OrderChangesAPITests.units(lines[1], "quantity") == 2)
            #expect(OrderChangesAPITests.units(lines[2], "cancelledQuantity") == 1)
            #expect((lines[3]?["delivery"] as? [String: Any])?["locationId"] as? String == "ST-UTR" && lines[3]?["sku"] as? String == "SKU-2")
            #expect(
                lines[4]?["sku"] as? String == "SKU-1" && OrderChangesAPITests.units(lines[4], "quantity") == 3
                    && lines[4]?["unitPrice"] as? Int == 750)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "WH-AMS") == 5)
            let shown = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(shown.text.contains("customer called") && shown.text.contains("order.updated"))
            #expect(!shown.text.contains("<h2>Holds</h2>"))
            try await app.send(.post, "/v1/orders/\(id)/holds", json: ["reason": "address check"]).expect(201)
            #expect(
                try await agent.go(.get, "/orders/\(id)").expect(200).text.contains("<h2>Holds</h2>"), "a held order lists its holds under a heading")

            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let storePage = try await store.go(.get, "/stores/ST-UTR").expect(200)
            try await store.go(.post, "/orders/\(id)/lines", form: ["csrf": store.csrf(storePage), "quantity[l1]": "9"]).expect(403)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "WH-AMS") == 5)
        }
    }

    /// Service moves the DC's shipment to the Utrecht store from the order page; a move where
    /// the units are not is refused with the reason and moves nothing.
    @Test(arguments: Engine.all)
    func serviceMovesAShipmentFromTheOrderPage(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let (id, fo, agent, page) = try await Self.agentOnAnOrder(
                app, stock: [("SKU-1", "WH-AMS", 10), ("SKU-1", "ST-UTR", 2)], lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1000]])
            #expect(
                page.text.contains("action=\"/orders/\(id)/fulfillment/\(fo)/move\"")
                    && page.text.contains("<option value=\"ST-UTR\">Utrecht store</option>"))
            let csrf = agent.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            try await agent.go(.post, "/orders/\(id)/fulfillment/\(fo)/move", form: ["csrf": csrf, "locationId": "ST-RTM"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("Not enough stock: SKU-1") == true)
            agent.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "a refused move writes nothing")

            try await agent.go(.post, "/orders/\(id)/fulfillment/\(fo)/move", form: ["csrf": csrf, "locationId": "ST-UTR", "reason": "faster"])
                .expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Moved to ST-UTR.")
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "ST-UTR") == 2)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "WH-AMS") == 0)
            let shown = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(shown.text.contains("moved by hand from WH-AMS by agent@shop.test: faster"))
        }
    }

    /// Service splits two units off the DC's work from the order page and merges them back.
    @Test(arguments: Engine.all)
    func serviceSplitsAndMergesWorkFromTheOrderPage(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let (id, fo, agent, page) = try await Self.agentOnAnOrder(
                app, stock: [("SKU-1", "WH-AMS", 10)], lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            #expect(page.text.contains("action=\"/orders/\(id)/fulfillment/\(fo)/split\""))
            #expect(!page.text.contains("/merge\""), "one fulfillment order has nothing to merge with")
            let csrf = agent.csrf(page)
            try await agent.go(.post, "/orders/\(id)/fulfillment/\(fo)/split", form: ["csrf": csrf, "line": "1", "quantity": "3"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("would leave nothing") == true)
            agent.cookies["orderly_flash"] = nil
            try await agent.go(.post, "/orders/\(id)/fulfillment/\(fo)/split", form: ["csrf": csrf, "line": "1", "quantity": "2"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("ok:Split: 2 unit(s) now in fo_") == true)
            let open = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)&status=open").expect(200).items
            #expect(open.count == 2)
            let second = try #require(open.first { $0["id"] as? String != fo }?["id"] as? String)
            let shown = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(shown.text.contains("action=\"/orders/\(id)/fulfillment/\(fo)/merge\"") && shown.text.contains("value=\"\(second)\""))
            try await agent.go(.post, "/orders/\(id)/fulfillment/\(fo)/merge", form: ["csrf": csrf, "other": second]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Merged \(second) into \(fo).")
            let after = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)&status=open").expect(200).items
            #expect(after.count == 1 && (after.first?["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 3)
        }
    }

    /// The Utrecht associate splits units off the store's own pickup work and merges them
    /// back, from the store page; another store's work is not theirs to regroup, and nothing changes.
    @Test(arguments: Engine.all)
    func anAssociateSplitsAndMergesTheStoresWork(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let (id, fo, _, _) = try await Self.agentOnAnOrder(
                app, stock: [("SKU-1", "ST-UTR", 10)],
                lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000, "delivery": ["method": "pickup", "locationId": "ST-UTR"]]])
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("action=\"/stores/ST-UTR/fulfillment-orders/\(fo)/split\""))
            #expect(!page.text.contains("/merge\""), "nothing to merge yet")
            let csrf = store.csrf(page)
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/split", form: ["csrf": csrf, "line": "1", "quantity": "1"]).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("ok:Split: 1 unit(s) now in fo_") == true)
            let open = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items.filter { $0["status"] as? String == "open" }
            #expect(open.count == 2)
            let second = try #require(open.first { $0["id"] as? String != fo }?["id"] as? String)
            #expect(try await OrderChangesAPITests.reserved(app, "SKU-1", "ST-UTR") == 3, "the reservation stays whole")
            let shown = try await store.go(.get, "/stores/ST-UTR").expect(200).text
            #expect(shown.contains("action=\"/stores/ST-UTR/fulfillment-orders/\(fo)/merge\"") && shown.contains("value=\"\(second)\""))

            // Posted under another store, or by a store that does not work here: refused, nothing written.
            let rotterdam = BackOfficeTests.Browser(app)
            try await app.stores.staff.create(
                email: "rtm@shop.test", name: "Rotterdam", password: BackOfficeTests.password, role: .store, locations: ["ST-RTM"], actor: "test")
            try await rotterdam.signIn("rtm@shop.test")
            let theirs = rotterdam.csrf(try await rotterdam.go(.get, "/stores/ST-RTM").expect(200))
            let before = try await DatabaseImage.of(app.stores.database)
            try await store.go(.post, "/stores/ST-RTM/fulfillment-orders/\(fo)/merge", form: ["csrf": csrf, "other": second]).expect(404)
            try await rotterdam.go(.post, "/stores/ST-RTM/fulfillment-orders/\(fo)/split", form: ["csrf": theirs, "line": "1", "quantity": "1"])
                .expect(404)
            try await rotterdam.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/split", form: ["csrf": theirs, "line": "1", "quantity": "1"])
                .expect(404)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])

            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/merge", form: ["csrf": csrf, "other": second]).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Merged \(second) into \(fo).")
            let after = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items.filter {
                $0["status"] as? String == "open"
            }
            #expect(after.count == 1 && (after.first?["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 3)
        }
    }
}
