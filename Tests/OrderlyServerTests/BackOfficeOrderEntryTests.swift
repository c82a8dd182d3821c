import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: order entry")
struct BackOfficeOrderEntryTests {
    /// Customer service takes a phone order: one article shipped, one picked up at the Utrecht
    /// store; the page shows each sku's stock per location and the routing before it is
    /// placed; a form sent twice places one order; a refused form says why and places nothing;
    /// a store associate may not enter orders on the web channel.
    @Test(arguments: Engine.all)
    func serviceEntersAPhoneOrderWithAPickupElsewhere(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 6]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 4]).expect(200)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let blank = try await agent.go(.get, "/order-entry").expect(200)
            #expect(
                blank.text.contains("id=\"order-entry\"") && blank.text.contains("<option value=\"pickup:ST-UTR\" >pickup at Utrecht store</option>"))
            let found = try #require(blank.text.range(of: #"name="requestKey" value="(entry-[0-9a-f-]+)""#, options: .regularExpression))
            let key = String(blank.text[found].split(separator: "\"")[3])
            var form: [String: String] = [
                "csrf": agent.csrf(blank), "requestKey": key, "channel": "web", "email": "phone@example.com", "name": "Piet Phone",
                "phone": "+31 30 555 0101", "line1": "Oudegracht 1", "postalCode": "3511 AA", "city": "Utrecht", "country": "NL",
                "sku[r1]": "SKU-1", "quantity[r1]": "2", "price[r1]": "10.00", "delivery[r1]": "ship", "sku[r2]": "SKU-2", "quantity[r2]": "1",
                "price[r2]": "5.50", "delivery[r2]": "pickup:ST-UTR", "note": "by phone",
            ]

            let before = try await DatabaseImage.of(app.stores.database)
            form["intent"] = "check"
            let preview = try await agent.go(.post, "/order-entry", form: form).expect(200)
            #expect(preview.text.contains("WH-AMS 6") && preview.text.contains("ST-UTR 4"), "each sku's stock per location")
            #expect(preview.text.contains("line 2: 1 × SKU-2 from ST-UTR (pickup)") && preview.text.contains("line 1: 2 × SKU-1 from WH-AMS (ship)"))
            #expect(preview.text.contains("total EUR 25.50"))
            var unpriced = form
            unpriced["price[r2]"] = "five"
            unpriced["intent"] = "place"
            let refused = try await agent.go(.post, "/order-entry", form: unpriced).expect(200)
            #expect(refused.text.contains("row 2: a price in EUR such as 12.50") && refused.text.contains("value=\"Piet Phone\""))
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "checking and refusing place nothing")

            form["intent"] = "place"
            let placed = try await agent.go(.post, "/order-entry", form: form).expect(303)
            let location = try #require(placed.headers[.location])
            #expect(location.hasPrefix("/orders/ord_"))
            let again = try await agent.go(.post, "/order-entry", form: form).expect(303)
            #expect(again.headers[.location] == location, "the same form sent twice places one order")
            let order = try await app.send(.get, "/v1/" + location.dropFirst()).expect(200)
            #expect(order["channel"] as? String == "web" && (order["totals"] as? [String: Any])?["total"] as? Int == 2550)
            let fos = order["fulfillmentOrders"] as? [[String: Any]] ?? []
            #expect(Set(fos.compactMap { $0["locationId"] as? String }) == ["WH-AMS", "ST-UTR"])
            #expect(fos.first { $0["locationId"] as? String == "ST-UTR" }?["type"] as? String == "pickup")
            #expect(try await app.send(.get, "/v1/orders?q=phone@example.com").expect(200).items.count == 1)
            let timeline = try await app.send(.get, "/v1/orders/\(location.dropFirst(8))/events").expect(200).items
            #expect(timeline.first?["actor"] as? String == "agent@shop.test")

            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let storeEntry = try await store.go(.get, "/order-entry").expect(200)
            #expect(!storeEntry.text.contains(#"value="web""#), "a store enters orders on its own POS channel only")
            form["csrf"] = store.csrf(storeEntry)
            form["requestKey"] = "entry-other"
            try await store.go(.post, "/order-entry", form: form).expect(403)
        }
    }

    /// An endless aisle: the Utrecht associate sells from the DC's stock, shipped home, on the
    /// store's POS channel (whose locations are where it may sell from); it may use no other
    /// channel, and a store without a POS channel enters no orders.
    @Test(arguments: Engine.all)
    func aStoreSellsFromTheDCsStock(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await BackOfficeCounterSaleTests.staffWithRotterdam(app)
            try await app.send(.patch, "/v1/channels/pos", json: ["locations": ["ST-UTR", "WH-AMS"]]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let home = try await store.go(.get, "/stores/ST-UTR").expect(200).text
            #expect(home.contains(#"<a href="/order-entry" id="new-order">"#) && !home.contains(#"href="/orders""#), "the store finds order entry")
            let blank = try await store.go(.get, "/order-entry").expect(200)
            #expect(blank.text.contains(#"<option value="pos" selected>POS Utrecht</option>"#) && !blank.text.contains(#"value="web""#))
            var form: [String: String] = [
                "csrf": store.csrf(blank), "requestKey": "entry-aisle", "channel": "pos", "email": "aisle@example.com", "name": "Ann Aisle",
                "line1": "Neude 1", "postalCode": "3512 AD", "city": "Utrecht", "country": "NL", "sku[r1]": "SKU-1", "quantity[r1]": "2",
                "price[r1]": "10.00", "delivery[r1]": "ship", "intent": "place",
            ]
            var web = form
            web["channel"] = "web"
            try await store.go(.post, "/order-entry", form: web).expect(403)
            let placed = try await store.go(.post, "/order-entry", form: form).expect(303)
            let location = try #require(placed.headers[.location])
            #expect(location == "/stores/ST-UTR", "a store goes back to its own page")
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("ok:Order ORD-") == true)
            let orders = try await app.send(.get, "/v1/orders?channel=pos").expect(200).items
            let order = try await app.send(.get, "/v1/orders/\(try #require(orders.first?["id"] as? String))").expect(200)
            #expect((order["fulfillmentOrders"] as? [[String: Any]])?.map { $0["locationId"] as? String } == ["WH-AMS"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2)

            let rotterdam = BackOfficeTests.Browser(app)
            try await rotterdam.signIn("rotterdam@shop.test")
            try await rotterdam.go(.get, "/order-entry").expect(403)
            form["csrf"] = rotterdam.csrf(try await rotterdam.go(.get, "/stores/ST-RTM").expect(200))
            form["requestKey"] = "entry-rtm"
            try await rotterdam.go(.post, "/order-entry", form: form).expect(403)
        }
    }
}
