import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

@Suite("Customer profiles: edit, tag, merge")
struct CustomerProfilesAPITests {
    /// One person, two profiles: Ada at home (with phone) and at work (another email, no phone).
    static func twoProfiles(_ app: TestApp) async throws -> (home: String, work: String) {
        try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 20]).expect(200)
        let home = try await app.send(
            .post, "/v1/orders", json: OrdersAPITests.order(externalId: "home-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
        ).expect(201)
        var body = OrdersAPITests.order(externalId: "work-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
        body["customer"] = ["email": "ada@work.example", "name": "A. Lovelace"]
        var address = OrdersAPITests.address
        address["line1"] = "Zuidas 5"
        body["shippingAddress"] = address
        let work = try await app.send(.post, "/v1/orders", json: body).expect(201)
        return (try #require(home["customerId"] as? String), try #require(work["customerId"] as? String))
    }

    /// Service staff tag and rename a profile; a tag routes the customer's next order (a rule
    /// reading `customer.tags`). Refusals — another profile's email, no email or phone left, a
    /// bad tag, a store key — change nothing.
    @Test(arguments: Engine.all)
    func editAndTagAProfile(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let (home, work) = try await Self.twoProfiles(app)
            let store = try await app.storeKey("till", at: ["ST-UTR"])
            let before = try await DatabaseImage.of(app.stores.database)
            let taken = try await app.send(.patch, "/v1/customers/\(work)", json: ["email": "ADA@example.com"]).expect(409)
            #expect((taken["detail"] as? String)?.contains(home) == true)
            #expect(try await app.send(.patch, "/v1/customers/\(work)", json: ["email": "not-an-email"]).expect(400).fields == ["email"])
            #expect(try await app.send(.patch, "/v1/customers/\(work)", json: ["email": ""]).expect(400).fields == ["email"])
            #expect(try await app.send(.patch, "/v1/customers/\(work)", json: ["tags": [""]]).expect(400).fields.first?.hasPrefix("tags") == true)
            try await app.send(.patch, "/v1/customers/\(work)", json: ["tags": ["vip"]], key: store).expect(403)
            try await app.send(.patch, "/v1/customers/cus_nobody", json: ["tags": ["vip"]]).expect(404)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused edits change nothing")

            let edited = try await app.send(.patch, "/v1/customers/\(work)", json: ["name": "Ada Lovelace", "tags": ["vip", "vip", "b2b"]]).expect(
                200)
            #expect(
                edited["name"] as? String == "Ada Lovelace" && edited["tags"] as? [String] == ["vip", "b2b"]
                    && edited["email"] as? String == "ada@work.example")
            let timeline = try await app.send(.get, "/v1/customers/\(work)/events").expect(200).items
            #expect(timeline.map { $0["type"] as? String } == ["customer.updated"])

            // VIP customers are served from Rotterdam; everyone else the channel's way.
            try await app.send(.put, "/v1/inventory/SKU-1/ST-RTM", json: ["onHand": 5]).expect(200)
            try await app.send(
                .put, "/v1/routing-strategies/vip",
                json: [
                    "rules": [
                        [
                            "name": "vip from Rotterdam", "when": ["fact": "customer.tags", "op": "contains", "value": "vip"],
                            "locations": ["fact": "location.id", "op": "eq", "value": "ST-RTM"], "onFailure": "next",
                        ],
                        ["name": "anyone", "onFailure": "partial"],
                    ]
                ]
            ).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["strategy": "vip"]]).expect(200)
            var vip = OrdersAPITests.order(externalId: "work-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            vip["customer"] = ["email": "ada@work.example"]
            let routed = try await app.send(.post, "/v1/orders", json: vip).expect(201).json
            #expect(RoutingStrategiesAPITests.sources(routed) == ["ST-RTM": 1], "a tagged customer's order follows the vip rule")
            let plain = try await RoutingStrategiesAPITests.place(app, "home-2", units: 1, unitPrice: 1000)
            #expect(RoutingStrategiesAPITests.sources(plain) == ["WH-AMS": 1], "an untagged one does not")
        }
    }

    /// The work profile merged into the home one: its orders, address and tags move; its email
    /// still finds the person — in a search, at a counter, and for the next order placed; the
    /// merge is on both timelines. Merging a profile into itself, an unknown one, or one merged
    /// already is refused and changes nothing.
    @Test(arguments: Engine.all)
    func mergeTwoProfilesOfOnePerson(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let (home, work) = try await Self.twoProfiles(app)
            try await app.send(.patch, "/v1/customers/\(work)", json: ["tags": ["vip"]]).expect(200)
            let before = try await DatabaseImage.of(app.stores.database)
            #expect(try await app.send(.post, "/v1/customers/\(home)/merge", json: ["customerId": home]).expect(400).fields == ["customerId"])
            #expect(try await app.send(.post, "/v1/customers/\(home)/merge", json: ["customerId": "cus_nobody"]).expect(400).fields == ["customerId"])
            try await app.send(.post, "/v1/customers/cus_nobody/merge", json: ["customerId": work]).expect(404)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused merges change nothing")

            let merged = try await app.send(.post, "/v1/customers/\(home)/merge", json: ["customerId": work]).expect(200)
            #expect(
                merged["id"] as? String == home && merged["email"] as? String == "ada@example.com" && merged["phone"] as? String == "+31612345678")
            #expect((merged["orders"] as? [[String: Any]])?.count == 2 && merged["tags"] as? [String] == ["vip"])
            #expect((merged["addresses"] as? [[String: Any]])?.compactMap { $0["line1"] as? String }.sorted() == ["Damrak 1", "Zuidas 5"])
            try await app.send(.post, "/v1/customers/\(home)/merge", json: ["customerId": work]).expect(409)
            try await app.send(.post, "/v1/customers/\(work)/merge", json: ["customerId": home]).expect(409)

            #expect(try await app.send(.get, "/v1/customers/\(work)").expect(200)["id"] as? String == home, "the merged id answers as the profile")
            #expect(try await app.send(.get, "/v1/customers?q=work.example").expect(200).items.map { $0["id"] as? String } == [home])
            var next = OrdersAPITests.order(externalId: "work-2", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            next["customer"] = ["email": "Ada@Work.example"]
            #expect(try await app.send(.post, "/v1/orders", json: next).expect(201)["customerId"] as? String == home)
            let till = try await app.storeKey("till", at: ["ST-UTR"])
            #expect(try await app.send(.get, "/v1/orders?q=ada@work.example", key: till).expect(200).items.count == 3)
            // The single-transaction look-up (exchanges, subscriptions) follows the merge too.
            let matched = try await app.stores.database.transaction { db in
                try await CustomerStore.match(db, CustomerDetails(email: "ADA@work.example"), address: nil, at: Date())
            }
            #expect(matched.id.rawValue == home && !matched.isFirstOrder)

            // The survivor may take the merged profile's email as its own; it still finds the survivor.
            let renamed = try await app.send(.patch, "/v1/customers/\(home)", json: ["email": "ada@work.example"]).expect(200)
            #expect(renamed["email"] as? String == "ada@work.example")
            #expect(try await app.send(.get, "/v1/customers?q=work.example").expect(200).items.map { $0["id"] as? String } == [home])
            next["externalId"] = "work-3"
            #expect(try await app.send(.post, "/v1/orders", json: next).expect(201)["customerId"] as? String == home)
            // Another person's email stays theirs: refused, naming the profile it finds, nothing written.
            var stranger = OrdersAPITests.order(externalId: "bob-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            stranger["customer"] = ["email": "bob@example.com"]
            let bob = try #require(try await app.send(.post, "/v1/orders", json: stranger).expect(201)["customerId"] as? String)
            let unchanged = try await DatabaseImage.of(app.stores.database)
            let taken = try await app.send(.patch, "/v1/customers/\(home)", json: ["email": "bob@example.com"]).expect(409)
            #expect((taken["detail"] as? String)?.hasPrefix("Customer \(bob) has the email bob@example.com") == true)
            #expect(try await DatabaseImage.of(app.stores.database) == unchanged)
            for id in [home, work] {
                let events = try await app.send(.get, "/v1/customers/\(id)/events").expect(200).items.filter {
                    $0["type"] as? String == "customer.merged"
                }
                let data = try #require(events.first?["data"] as? [String: Any])
                #expect(events.count == 1 && data["customerId"] as? String == home && data["mergedId"] as? String == work)
                #expect((data["ordersMoved"] as? NSNumber)?.intValue == 1 && data["mergedEmail"] as? String == "ada@work.example")
            }
        }
    }

    /// An admin erases Ada: her two profiles (one merged into the other) and both orders — also
    /// one placed with an Idempotency-Key, noted, paid, shipped and invoiced — keep no email,
    /// name, phone, street or postal code in any table, while the amounts, payments, invoices
    /// and the country of sale stay; service and stores may not erase.
    @Test(arguments: Engine.all)
    func anErasedCustomerLeavesNoPersonalDataInAnyTable(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 20]).expect(200)
            let home = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "home-1", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1000]]),
                headers: IdempotencyTests.key("erase-me-1")
            ).expect(201)
            let id = try #require(home["id"] as? String)
            let customer = try #require(home["customerId"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/notes", json: ["text": "Called Ada Lovelace back on +31612345678"]).expect(201)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 2000, "erase-sale")).expect(201)
            let fo = try #require((home["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/accept").expect(200)
            try await app.send(.post, "/v1/fulfillment-orders/\(fo)/shipments", json: ["lines": [["sku": "SKU-1", "quantity": 2]]]).expect(201)
            var body = OrdersAPITests.order(externalId: "work-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            body["customer"] = ["email": "ada@work.example", "name": "A. Lovelace", "phone": "+31 6 9876 5432"]
            var address = OrdersAPITests.address
            address["line1"] = "Zuidas 5"
            address["postalCode"] = "1082 MS"
            body["shippingAddress"] = address
            let work = try await app.send(.post, "/v1/orders", json: body).expect(201)
            try await app.send(.post, "/v1/customers/\(customer)/merge", json: ["customerId": work["customerId"] as? String ?? ""]).expect(200)
            let invoicesBefore = try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items.map { $0["total"] as? Int }
            #expect(invoicesBefore == [2000])

            let service = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "desk", "role": "service"]).expect(201)["secret"] as? String)
            let till = try await app.storeKey("till", at: ["ST-UTR"])
            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(.post, "/v1/customers/\(customer)/erase", key: service).expect(403)
            try await app.send(.post, "/v1/customers/\(customer)/erase", key: till).expect(403)
            #expect(try await DatabaseImage.of(app.stores.database) == before, "refused erasures change nothing")
            let holding = Set(before.tables.filter { $0.value.contains { $0.lowercased().contains("lovelace") } }.keys)
            #expect(holding.isSuperset(of: ["customers", "events", "idempotency_keys", "invoices", "orders"]), "where the search looks, Ada was")

            let erased = try await app.send(.post, "/v1/customers/\(customer)/erase").expect(200)
            #expect(erased["email"] == nil && erased["name"] == nil && (erased["orders"] as? [[String: Any]])?.count == 2)

            let image = try await DatabaseImage.of(app.stores.database)
            let personal = ["ada@example.com", "ada@work.example", "lovelace", "612345678", "98765432", "damrak 1", "zuidas 5", "1012 lg", "1082 ms"]
            for (table, rows) in image.tables {
                for row in rows {
                    let text = row.lowercased()
                    for value in personal { #expect(!text.contains(value), "\(table) still holds \(value): \(row.prefix(300))") }
                }
            }
            let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect((order["totals"] as? [String: Any])?["total"] as? Int == 2000 && order["paymentStatus"] as? String == "paid")
            #expect((order["shippingAddress"] as? [String: Any])?["country"] as? String == "NL")
            #expect(try await app.send(.get, "/v1/invoices?orderId=\(id)").expect(200).items.map { $0["total"] as? Int } == invoicesBefore)
            #expect(try await app.send(.get, "/v1/orders?q=lovelace").expect(200).items.isEmpty)
            #expect(try await app.send(.get, "/v1/orders?q=\(home["number"] as? String ?? "")").expect(200).items.count == 1)
            let events = try await app.send(.get, "/v1/customers/\(customer)/events").expect(200).items
            #expect(events.last?["type"] as? String == "customer.erased")
            // The same request again answers as first given, without the person.
            let replay = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "home-1", lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1000]]),
                headers: IdempotencyTests.key("erase-me-1"))
            #expect(replay.status == 201 && replay["id"] as? String == id && !replay.text.lowercased().contains("lovelace"))
        }
    }
}
