import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: routing")
struct BackOfficeRoutingTests {
    /// An admin compares new rules with each channel's routing over the latest orders (nothing
    /// saved), saves them, routes the web shop by them, simulates an order, saves a second
    /// version and activates the first again; bad rules are shown by field and change nothing;
    /// service staff see the strategies and may not change them.
    @Test(arguments: Engine.all)
    func anAdminComparesSavesAndSimulatesAStrategy(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-RTM", json: ["onHand": 10]).expect(200)
            var numbers: [String] = []
            for n in 0..<2 {
                let order = try await app.send(
                    .post, "/v1/orders",
                    json: OrdersAPITests.order(externalId: "rt-\(n)", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 900]])
                ).expect(201)
                numbers.append(try #require(order["number"] as? String))
            }
            let page = try await admin.go(.get, "/routing").expect(200)
            #expect(page.text.contains("No routing strategies yet") && page.text.contains(#"id="new-strategy-form""#))
            let csrf = admin.csrf(page)
            let stores = #"[{"name": "stores only", "locations": {"fact": "location.type", "op": "eq", "value": "store"}, "onFailure": "partial"}]"#

            let before = try await DatabaseImage.of(app.stores.database)
            let compared = try await admin.go(.post, "/routing/compare", form: ["csrf": csrf, "rules": stores]).expect(200).text
            #expect(compared.contains("The latest 2 of 2 orders replayed"))
            #expect(compared.contains("each channel&#39;s own routing") || compared.contains("each channel's own routing"))
            #expect(compared.contains("2 order(s) would be routed differently") && compared.contains("WH-AMS×1") && compared.contains("ST-RTM×1"))
            #expect(compared.contains("stores only"), "the rules typed are kept in the form")
            try await admin.go(.post, "/routing", form: ["csrf": csrf, "id": "stores", "rules": "[{name: x"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:rules:") == true)
            let wrongFact = stores.replacingOccurrences(of: "location.type", with: "location.colour")
            try await admin.go(.post, "/routing", form: ["csrf": csrf, "id": "stores", "rules": wrongFact]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:rules[0].locations.fact:") == true)
            try await admin.go(.post, "/channels/web/strategy", form: ["csrf": csrf, "strategy": "stores"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:routing.strategy:") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            admin.cookies["orderly_flash"] = nil

            try await admin.go(.post, "/routing", form: ["csrf": csrf, "id": "stores", "rules": stores]).expect(303)
            #expect(try await app.send(.get, "/v1/routing-strategies/stores").expect(200).int("version") == 1)
            try await admin.go(.post, "/channels/web/strategy", form: ["csrf": csrf, "strategy": "stores"]).expect(303)
            let channel = try await app.send(.get, "/v1/channels/web").expect(200)
            #expect((channel["routing"] as? [String: Any])?["strategy"] as? String == "stores")
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "rt-new", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 900]])
            ).expect(201)
            #expect(placed["routingStrategy"] as? String == "stores@1")
            let orderPage = try await admin.go(.get, "/orders/\(placed["id"] as? String ?? "")").expect(200).text
            #expect(orderPage.contains(#"<span class="muted">Decided by</span> routing strategy stores@1"#))
            #expect((placed["fulfillmentOrders"] as? [[String: Any]])?.first?["locationId"] as? String == "ST-RTM")

            let simulated = try await admin.go(.get, "/routing?simulate=stores&order=\(numbers[0])").expect(200).text
            #expect(simulated.contains("by <span class=\"mono\">stores@1</span> would be placed"))
            #expect(
                simulated.contains("ship from ST-RTM: strategy stores@1 rule 1 &#39;stores only&#39;")
                    || simulated.contains("ship from ST-RTM: strategy stores@1 rule 1 'stores only'"))
            let now = try await admin.go(.get, "/routing?simulate=standard&order=\(numbers[0])").expect(200).text
            #expect(now.contains("by <span class=\"mono\">stores@1</span>"), "the channel routes by the strategy now")

            let nearest = #"[{"name": "nearest", "scoring": [{"criterion": "distance", "weight": 1}]}]"#
            try await admin.go(.post, "/routing", form: ["csrf": csrf, "id": "stores", "rules": nearest]).expect(303)
            #expect(try await app.send(.get, "/v1/routing-strategies/stores").expect(200).int("version") == 2)
            let versions = try await admin.go(.get, "/routing").expect(200).text
            #expect(versions.contains(#"action="/routing/stores/activate""#) && versions.contains("scored by distance ×1"))
            try await admin.go(.post, "/routing/stores/activate", form: ["csrf": csrf, "version": "1"]).expect(303)
            #expect(try await app.send(.get, "/v1/routing-strategies/stores").expect(200).int("version") == 1)
            try await admin.go(.post, "/channels/web/strategy", form: ["csrf": csrf]).expect(303)
            #expect((try await app.send(.get, "/v1/channels/web").expect(200)["routing"] as? [String: Any])?["strategy"] == nil)

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let seen = try await agent.go(.get, "/routing").expect(200)
            #expect(
                seen.text.contains(#"id="strategy-stores""#) && !seen.text.contains(#"id="new-strategy-form""#)
                    && !seen.text.contains("Activate</button>"))
            try await agent.go(.post, "/routing/stores/activate", form: ["csrf": agent.csrf(seen), "version": "2"]).expect(403)
            try await agent.go(.post, "/routing/compare", form: ["csrf": agent.csrf(seen), "rules": stores]).expect(403)
            try await agent.go(.post, "/channels/web/strategy", form: ["csrf": agent.csrf(seen), "strategy": "stores"]).expect(403)
        }
    }

    /// An admin edits what routing reads of a location (tags, capacity, coordinates, priority,
    /// capabilities), adds one, and sets a channel's own policy, pool and hold rules; what
    /// cannot be read is refused by field with the database unchanged; service staff may not.
    @Test(arguments: Engine.all)
    func anAdminEditsLocationsAndAChannelsPolicy(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let page = try await admin.go(.get, "/locations").expect(200)
            #expect(page.text.contains(#"id="location-ST-RTM""#) && page.text.contains(#"id="new-location-form""#))
            let csrf = admin.csrf(page)
            let rotterdam = [
                "csrf": csrf, "name": "Rotterdam Lijnbaan", "type": "store", "priority": "20", "dailyCapacity": "30", "latitude": "51.92",
                "longitude": "4.48", "tags": "region-south, flagship", "ship": "on", "pickup": "on", "returns": "on", "active": "on",
                "openingHours": "ma–za 9:00–18:00", "acceptWithinHours": "6", "collectWithinDays": "2",
            ]

            let before = try await DatabaseImage.of(app.stores.database)
            for (field, value, error) in [
                ("latitude", "north", "error:latitude:"), ("priority", "first", "error:priority:"),
                ("acceptWithinHours", "0", "error:alerts.acceptWithinHours:"), ("type", "depot", "error:type:"),
            ] {
                var bad = rotterdam
                bad[field] = value
                try await admin.go(.post, "/locations/ST-RTM", form: bad).expect(303)
                #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix(error) == true, "\(field)")
            }
            // The last refusal is shown next to its field, in the form of that location only, once.
            let refused = try await admin.go(.get, "/locations").expect(200).text
            #expect(refused.contains(#"<span class="field-error">must be warehouse, store or supplier</span>"#))
            #expect(refused.components(separatedBy: #"class="field-error""#).count == 2)
            #expect(!(try await admin.go(.get, "/locations").expect(200).text.contains(#"class="field-error""#)))
            var slow = rotterdam
            slow["acceptWithinHours"] = "0"
            try await admin.go(.post, "/locations/ST-RTM", form: slow).expect(303)
            #expect(
                try await admin.go(.get, "/locations").expect(200).text.contains(#" h<span class="field-error">must be between 1 and 8760</span>"#),
                "a threshold's refusal stands beside its own field")
            let policy = [
                "csrf": csrf, "pool": "WH-AMS, ST-RTM", "onShortage": "reject", "maxSplits": "2", "tieBreaks": "priority, distance",
                "holdRules": #"[{"name": "big", "minTotal": 100000}]"#, "collectWithinDays": "5", "waitWithoutPromiseDays": "2",
            ]
            for (field, value, error) in [
                ("tieBreaks", "speed", "error:tieBreaks:"), ("holdRules", "[{", "error:holdRules:"),
                ("waitWithoutPromiseDays", "0", "error:alerts.waitWithoutPromiseDays:"), ("maxSplits", "0", "error:routing.maxSplits:"),
            ] {
                var bad = policy
                bad[field] = value
                try await admin.go(.post, "/channels/web/routing", form: bad).expect(303)
                #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix(error) == true, "\(field)")
            }
            let policyPage = try await admin.go(.get, "/routing").expect(200).text
            #expect(policyPage.contains(#"<span class="field-error">routing.maxSplits: must be between 1 and 100</span>"#))
            var never = policy
            never["waitWithoutPromiseDays"] = "0"
            try await admin.go(.post, "/channels/web/routing", form: never).expect(303)
            #expect(
                try await admin.go(.get, "/routing").expect(200).text.contains(#" d<span class="field-error">must be between 1 and 365</span>"#),
                "a channel's threshold refusal stands beside its own field")
            var unknown = policy
            unknown["pool"] = "WH-AMS, NOWHERE"
            try await admin.go(.post, "/channels/web/routing", form: unknown).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("NOWHERE") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            admin.cookies["orderly_flash"] = nil

            try await admin.go(.post, "/locations/ST-RTM", form: rotterdam).expect(303)
            let saved = try await app.send(.get, "/v1/locations/ST-RTM").expect(200)
            #expect(saved["tags"] as? [String] == ["region-south", "flagship"] && saved.int("priority") == 20 && saved.int("dailyCapacity") == 30)
            #expect(saved["active"] as? Bool == true && (saved["capabilities"] as? [String: Any])?["pickup"] as? Bool == true)
            #expect(saved["openingHours"] as? String == "ma–za 9:00–18:00")
            #expect(
                (saved["alerts"] as? [String: Any])?["acceptWithinHours"] as? Int == 6
                    && (saved["alerts"] as? [String: Any])?["collectWithinDays"] as? Int == 2)
            var closed = rotterdam
            closed["active"] = nil
            closed["pickup"] = nil
            closed["dailyCapacity"] = nil
            try await admin.go(.post, "/locations/ST-RTM", form: closed).expect(303)
            let after = try await app.send(.get, "/v1/locations/ST-RTM").expect(200)
            #expect(after["active"] as? Bool == false && (after["capabilities"] as? [String: Any])?["pickup"] as? Bool == false)
            #expect(after["dailyCapacity"] == nil, "an empty field is no limit")
            try await admin.go(
                .post, "/locations",
                form: ["csrf": csrf, "id": "ST-MAA", "name": "Maastricht", "type": "store", "latitude": "50.85", "longitude": "5.69", "active": "on"]
            ).expect(303)
            #expect(try await app.send(.get, "/v1/locations/ST-MAA").expect(200)["active"] as? Bool == true)

            try await admin.go(.post, "/channels/web/routing", form: policy).expect(303)
            let channel = try await app.send(.get, "/v1/channels/web").expect(200)
            #expect(channel["locations"] as? [String] == ["WH-AMS", "ST-RTM"])
            let routing = channel["routing"] as? [String: Any] ?? [:]
            #expect(routing["onShortage"] as? String == "reject" && routing.int("maxSplits") == 2 && routing["shipFromStore"] as? Bool == false)
            #expect(routing["criteria"] as? [String] == ["priority", "distance"])
            #expect((channel["holdRules"] as? [[String: Any]])?.first?["name"] as? String == "big")
            let alerts = channel["alerts"] as? [String: Any] ?? [:]
            #expect(alerts["collectWithinDays"] as? Int == 5 && alerts["waitWithoutPromiseDays"] as? Int == 2 && alerts["acceptWithinHours"] == nil)

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let seen = try await agent.go(.get, "/locations").expect(200)
            #expect(!seen.text.contains(#"id="new-location-form""#))
            try await agent.go(.post, "/locations/ST-RTM", form: rotterdam.merging(["csrf": agent.csrf(seen)]) { $1 }).expect(403)
            try await agent.go(.post, "/channels/web/routing", form: policy.merging(["csrf": agent.csrf(seen)]) { $1 }).expect(403)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A whole number of a JSON object.
    fileprivate func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
}
