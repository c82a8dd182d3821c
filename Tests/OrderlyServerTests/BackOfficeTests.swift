import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

/// The back office over HTTP (the browser test in Tests/Browser drives the same pages in Chromium).
@Suite("Back office")
struct BackOfficeTests {
    static let password = "correct horse battery"

    /// A browser's cookie jar, enough for these tests.
    final class Browser: @unchecked Sendable {
        let app: TestApp
        var cookies: [String: String] = [:]
        init(_ app: TestApp) { self.app = app }

        @discardableResult
        func go(_ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil) async throws -> Reply {
            var headers: HTTPFields = [:]
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: String?
            if let form {
                body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
                headers[.contentType] = "application/x-www-form-urlencoded"
            }
            let reply = try await app.send(method, uri, body: body, contentType: "application/x-www-form-urlencoded", key: nil, headers: headers)
            for header in reply.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[1].isEmpty || header.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
            return reply
        }

        func csrf(_ page: Reply) -> String {
            guard let range = page.text.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression) else { return "" }
            return String(page.text[range].split(separator: "\"")[3])
        }

        @discardableResult
        func signIn(_ email: String, _ password: String = BackOfficeTests.password) async throws -> Reply {
            let form = try await go(.get, "/login")
            return try await go(.post, "/login", form: ["csrf": csrf(form), "email": email, "password": password])
        }
    }

    /// The seeded business with its staff, SKU-1 stocked at `location` and one order of `line`.
    static func staffAndAnOrder(
        _ app: TestApp, stocking location: String, onHand: Int = 5, externalId: String, line: [String: Any]
    ) async throws -> Reply {
        try await app.seed()
        try await staff(app)
        try await app.send(.put, "/v1/inventory/SKU-1/\(location)", json: ["onHand": onHand]).expect(200)
        return try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: externalId, lines: [line])).expect(201)
    }

    /// The seeded business with its staff and an administrator, signed in.
    static func signedInAdmin(_ app: TestApp) async throws -> Browser {
        try await app.seed()
        try await staff(app)
        try await app.stores.staff.create(email: "admin@shop.test", name: "Admin", password: password, role: .admin, locations: [], actor: "test")
        let admin = Browser(app)
        try await admin.signIn("admin@shop.test")
        return admin
    }

    static func staff(_ app: TestApp) async throws {
        try await app.stores.staff.create(email: "agent@shop.test", name: "Agent", password: password, role: .service, locations: [], actor: "test")
        try await app.stores.staff.create(
            email: "utrecht@shop.test", name: "Utrecht", password: password, role: .store, locations: ["ST-UTR"], actor: "test")
    }

    @Test(arguments: Engine.all)
    func signInSessionsAndThrottling(engine: Engine) async throws {
        // The throttle counts seconds since the last failure: a clock driven by hand keeps
        // the test exact however slow the machine is.
        let clock = ManualTime(Date())
        try await TestApp.run(engine, time: clock) { app in
            try await app.seed()
            try await Self.staff(app)
            let browser = Browser(app)
            let away = try await browser.go(.get, "/orders")
            #expect(away.status == 302 && away.headers[.location] == "/login", "pages need a session")

            let wrong = try await browser.signIn("agent@shop.test", "wrong password!")
            #expect(wrong.status == 401 && wrong.text.contains("not right"), "a wrong password shows the form with an error")
            #expect(browser.cookies["orderly_session"] == nil)
            let noToken = try await browser.go(.post, "/login", form: ["email": "agent@shop.test", "password": Self.password])
            #expect(noToken.status == 403 && browser.cookies["orderly_session"] == nil, "a form without its CSRF token is refused")

            let signedIn = try await browser.signIn("agent@shop.test")
            #expect(signedIn.status == 303 && signedIn.headers[.location] == "/")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("orderly_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            let dashboard = try await browser.go(.get, "/").expect(200)
            #expect(dashboard.text.contains("Orders today") && dashboard.headers[.contentType]?.hasPrefix("text/html") == true)

            // Signing out needs the session's CSRF token and ends the session for good.
            let token = browser.csrf(dashboard)
            let stolen = browser.cookies["orderly_session"]
            try await browser.go(.post, "/logout", form: ["csrf": token])
            #expect(browser.cookies["orderly_session"] == nil)
            browser.cookies["orderly_session"] = stolen
            #expect(try await browser.go(.get, "/orders").status == 302, "a signed-out session is dead")

            // Guessing: after five wrong passwords, even the right one must wait.
            let guesser = Browser(app)
            for _ in 0..<LoginThrottle.freeFailures { try await guesser.signIn("utrecht@shop.test", "guess guess guess").expect(401) }
            let throttled = try await guesser.signIn("utrecht@shop.test")
            #expect(throttled.status == 429 && throttled.headers[.retryAfter] != nil && throttled.text.contains("Too many"))
            #expect(guesser.cookies["orderly_session"] == nil)
            clock.advance(by: 1.5)
            #expect(try await guesser.signIn("utrecht@shop.test").status == 303, "after the wait, the right password signs in")
        }
    }

    @Test(arguments: Engine.all)
    func customerServiceWorksAnOrderThroughTheSameRules(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let order = try await Self.staffAndAnOrder(
                app, stocking: "WH-AMS", externalId: "bo-1", line: ["sku": "SKU-1", "quantity": 2, "unitPrice": 1000])
            let id = try #require(order["id"] as? String)
            let number = try #require(order["number"] as? String)

            let agent = Browser(app)
            try await agent.signIn("agent@shop.test")
            let found = try await agent.go(.get, "/orders?q=ada%40example.com").expect(200)
            #expect(found.text.contains(number))
            #expect(!found.text.contains("Older orders"), "no next page when everything fits")
            #expect(try await agent.go(.get, "/orders?q=nobody%40example.com").expect(200).text.contains("No orders match"))
            let page = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(page.text.contains("SKU-1") && page.text.contains("order.created"))
            let csrf = agent.csrf(page)

            // A form without the token changes nothing.
            try await agent.go(.post, "/orders/\(id)/holds", form: ["reason": "check"]).expect(403)
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "processing")

            let held = try await agent.go(.post, "/orders/\(id)/holds", form: ["csrf": csrf, "reason": "fraud check"])
            #expect(held.status == 303 && held.headers[.location] == "/orders/\(id)")
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "on_hold")
            let after = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(after.text.contains("The order is on hold.") && after.text.contains("fraud check"))
            try await agent.go(.post, "/orders/\(id)/notes", form: ["csrf": csrf, "text": "called the customer"])
            try await agent.go(.post, "/orders/\(id)/cancel", form: ["csrf": csrf, "line": "1", "quantity": "1", "reason": "changed mind"])
            let api = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            let line = try #require((api["lines"] as? [[String: Any]])?.first)
            #expect((line["cancelledQuantity"] as? NSNumber)?.intValue == 1)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1, "the cancelled unit's reservation is released")
            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            #expect(
                events.contains { $0["type"] as? String == "order.note_added" && $0["actor"] as? String == "agent@shop.test" },
                "audit names the person")

            // A refused action explains itself and changes nothing.
            let tooMany = try await agent.go(.post, "/orders/\(id)/cancel", form: ["csrf": csrf, "line": "1", "quantity": "9"])
            #expect(tooMany.status == 303 && (agent.cookies["orderly_flash"] ?? "").hasPrefix("error"))
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 1)

            // A store associate may not see or change the order.
            let store = Browser(app)
            try await store.signIn("utrecht@shop.test")
            try await store.go(.get, "/orders").expect(403)
            let storePage = try await store.go(.get, "/stores/ST-UTR").expect(200)
            try await store.go(.post, "/orders/\(id)/notes", form: ["csrf": store.csrf(storePage), "text": "x"]).expect(403)
            try await store.go(.get, "/stores/WH-AMS").expect(404)
        }
    }

    /// Each page's form is decoded into its own struct: a field that is missing or not of its
    /// type comes back to the page named, and the database is exactly as before.
    @Test(arguments: Engine.all)
    func malformedFormsAreRefusedNamingTheFieldAndChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let order = try await Self.staffAndAnOrder(
                app, stocking: "WH-AMS", externalId: "bo-forms", line: ["sku": "SKU-1", "quantity": 2, "unitPrice": 1000])
            let id = try #require(order["id"] as? String)
            let agent = Browser(app)
            try await agent.signIn("agent@shop.test")
            let csrf = agent.csrf(try await agent.go(.get, "/orders/\(id)").expect(200))

            let refusals: [(path: String, form: [String: String], says: String)] = [
                ("cancel", ["line": "1", "quantity": "two"], "quantity: is not a valid value"),
                ("cancel", ["line": "first"], "line: is not a valid value"),
                ("returns", ["locationId": "WH-AMS", "line": "1"], "quantity: is required"),
                ("returns", ["locationId": "WH-AMS", "line": "1", "quantity": "1", "method": "pigeon"], "method: is not a valid value"),
                ("holds", [:], "reason: is required"),
                ("notes", ["text": ""], "text: is required"),
            ]
            for refusal in refusals {
                let before = try await DatabaseImage.of(app.stores.database)
                let reply = try await agent.go(.post, "/orders/\(id)/\(refusal.path)", form: refusal.form.merging(["csrf": csrf]) { a, _ in a })
                #expect(reply.status == 303 && reply.headers[.location] == "/orders/\(id)", "\(refusal.path) goes back to the order")
                let flash = (agent.cookies["orderly_flash"] ?? "").removingPercentEncoding ?? ""
                #expect(flash == "error:\(refusal.says)", "\(refusal.path) \(refusal.form)")
                let after = try await DatabaseImage.of(app.stores.database)
                #expect(after.changedTables(since: before) == [], "a refused \(refusal.path) form writes nothing")
                agent.cookies["orderly_flash"] = nil
            }
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "processing")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 2)
        }
    }

    @Test(arguments: Engine.all)
    func storeAssociateHandsOverAPickupAndReceivesAReturn(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let order = try await Self.staffAndAnOrder(
                app, stocking: "ST-UTR", onHand: 3, externalId: "bo-2",
                line: ["sku": "SKU-1", "quantity": 1, "unitPrice": 1000, "delivery": ["method": "pickup", "locationId": "ST-UTR"]])
            let id = try #require(order["id"] as? String)
            let fo = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)

            let store = Browser(app)
            #expect(try await store.signIn("utrecht@shop.test").headers[.location] == "/stores/ST-UTR", "an associate starts at their store")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("Ready for pickup") && page.text.contains("SKU-1"))
            let csrf = store.csrf(page)
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/ready", form: ["csrf": csrf])
            let code = try #require(try await app.send(.get, "/v1/fulfillment-orders/\(fo)").expect(200)["pickupCode"] as? String)
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/pickup", form: ["csrf": csrf, "pickupCode": "WRONG234"])
            #expect(try await app.send(.get, "/v1/fulfillment-orders/\(fo)").expect(200)["status"] as? String == "ready_for_pickup")
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/pickup", form: ["csrf": csrf, "pickupCode": code])
            #expect(try await app.send(.get, "/v1/orders/\(id)").expect(200)["status"] as? String == "fulfilled")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 2)

            // The customer brings it back to the store: received as resellable, back on the shelf.
            let ret = try await app.send(
                .post, "/v1/returns",
                json: ["orderId": id, "locationId": "ST-UTR", "method": "store", "lines": [["sku": "SKU-1", "quantity": 1, "reason": "size"]]]
            ).expect(201)
            let retId = try #require(ret["id"] as? String)
            #expect(try await store.go(.get, "/stores/ST-UTR").expect(200).text.contains(retId))
            // A condition the form does not offer is refused, naming the field, and changes nothing.
            let before = try await DatabaseImage.of(app.stores.database)
            try await store.go(.post, "/stores/ST-UTR/returns/\(retId)/receive", form: ["csrf": csrf, "condition": "broken"])
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding == "error:condition: is not a valid value")
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            store.cookies["orderly_flash"] = nil
            try await store.go(.post, "/stores/ST-UTR/returns/\(retId)/receive", form: ["csrf": csrf, "condition": "resellable"])
            #expect(try await app.send(.get, "/v1/returns/\(retId)").expect(200)["status"] as? String == "received")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 3)
            let inventory = try await store.go(.get, "/inventory?sku=SKU-1").expect(200)
            #expect(inventory.text.contains("return_restock") && !inventory.text.contains("WH-AMS"), "an associate sees their own store's stock")

            // The till pays it back: the order was paid at the counter, the refund is cash.
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 1000, "pos-1")).expect(201)
            let till = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(till.text.contains("Refunds at the till") && till.text.contains("EUR 10.00"))
            try await store.go(.post, "/stores/ST-UTR/returns/\(retId)/till-refund", form: ["csrf": csrf, "method": "cash"]).expect(303)
            #expect((store.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("Pay out EUR 10.00 in cash") == true)
            #expect(try await app.send(.get, "/v1/returns/\(retId)").expect(200)["refundStatus"] as? String == "refunded")
            let payments = try await app.send(.get, "/v1/orders/\(id)/payments").expect(200)
            #expect(payments["paymentStatus"] as? String == "refunded" && payments.items.last?["provider"] as? String == "cash")
            #expect(try await store.go(.get, "/stores/ST-UTR").expect(200).text.contains("No refund waits at this till"))
        }
    }

    @Test(arguments: Engine.all)
    func theOrderPageSaysWhatEachWaitingLineIsPromised(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.staff(app)
            try await app.send(
                .post, "/v1/supply",
                json: ["id": "PO-7", "locationId": "WH-AMS", "expectedAt": "2026-12-24T10:00:00Z", "lines": [["sku": "SKU-1", "quantity": 2]]]
            ).expect(201)
            let order = try await app.send(
                .post, "/v1/orders",
                json: OrdersAPITests.order(externalId: "wait-page", lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            let agent = Browser(app)
            try await agent.signIn("agent@shop.test")
            let page = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(page.text.contains("2 from PO-7, expected 24 Dec 2026 10:00; 1 without a date"))
        }
    }
}

@Suite("Back office: money")
struct BackOfficeMoneyTests {
    /// The order page shows what the order is worth and where its money stands; service staff
    /// record a manual capture and a goodwill refund with the reason; a refund beyond what was
    /// taken, or an amount that is not money, changes nothing; a store associate cannot.
    @Test(arguments: Engine.all)
    func serviceSeesTheMoneyAndRecordsPaymentsWithAReason(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            var body = OrdersAPITests.order(
                externalId: "bo-money",
                lines: [
                    [
                        "sku": "SKU-1", "quantity": 2, "unitPrice": 1210, "discounts": [["name": "Two for less", "amount": 200]],
                        "taxes": [["name": "VAT", "rate": 0.21, "amount": 385, "included": true]],
                    ]
                ])
            body["shippingLines"] = [["method": "standard", "carrier": "PostNL", "price": 495, "taxes": []]]
            let order = try await app.send(.post, "/v1/orders", json: body).expect(201)
            let id = try #require(order["id"] as? String)

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let page = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(page.text.contains("EUR 27.15"), "2420 − 200 + 495")
            #expect(page.text.contains("VAT 21% EUR 3.85 incl.") && page.text.contains("−EUR 2.00") && page.text.contains("PostNL"))
            #expect(page.text.contains(#"id="payment-status">Unpaid"#), "statuses in words")
            let csrf = agent.csrf(page)

            for refused in [["kind": "refund", "amount": "1.00", "note": "goodwill"], ["kind": "capture", "amount": "12,50", "note": "x"]] {
                let before = try await DatabaseImage.of(app.stores.database)
                try await agent.go(.post, "/orders/\(id)/payments", form: refused.merging(["csrf": csrf]) { a, _ in a }).expect(303)
                #expect((agent.cookies["orderly_flash"] ?? "").hasPrefix("error"), "\(refused)")
                #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
                agent.cookies["orderly_flash"] = nil
            }
            // A malformed amount stands beside the amount; a bad country beside the country.
            let amount = try await agent.go(.get, "/orders/\(id)").expect(200).text
            #expect(amount.contains(#"inputmode="decimal"><span class="field-error">must be an amount in EUR such as 12.50</span>"#))
            let beforeAddress = try await DatabaseImage.of(app.stores.database)
            let address = ["csrf": csrf, "name": "Ada", "line1": "Kade 1", "postalCode": "1011 AA", "city": "Amsterdam", "country": "Holland"]
            try await agent.go(.post, "/orders/\(id)/address", form: address).expect(303)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: beforeAddress) == [])
            let country = try await agent.go(.get, "/orders/\(id)").expect(200).text
            #expect(country.contains(#"size="2" required><span class="field-error">"#), "\(country)")
            #expect(!country.contains(#"inputmode="decimal"><span class="field-error">"#), "shown once")
            agent.cookies["orderly_flash"] = nil
            agent.cookies["orderly_fields"] = nil
            try await agent.go(
                .post, "/orders/\(id)/payments", form: ["csrf": csrf, "kind": "sale", "amount": "27.15", "method": "card", "note": "paid by phone"]
            ).expect(303)
            try await agent.go(.post, "/orders/\(id)/payments", form: ["csrf": csrf, "kind": "refund", "amount": "5", "note": "goodwill: late"])
                .expect(303)
            let api = try await app.send(.get, "/v1/orders/\(id)/payments").expect(200)
            #expect(api["paymentStatus"] as? String == "partially_refunded")
            #expect(api.items.map { ($0["amount"] as? NSNumber)?.intValue } == [2715, 500])
            #expect(api.items.last?["note"] as? String == "goodwill: late" && api.items.last?["provider"] as? String == "manual")
            let after = try await agent.go(.get, "/orders/\(id)").expect(200)
            #expect(after.text.contains(#"id="payment-status">Partially refunded"#) && after.text.contains("goodwill: late"))
            let events = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items
            #expect(events.contains { $0["type"] as? String == "payment.recorded" && $0["actor"] as? String == "agent@shop.test" })

            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let storePage = try await store.go(.get, "/stores/ST-UTR").expect(200)
            try await store.go(.post, "/orders/\(id)/payments", form: ["csrf": store.csrf(storePage), "kind": "refund", "amount": "1", "note": "x"])
                .expect(403)
        }
    }
}

@Suite("Back office: tax rates")
struct BackOfficeTaxRateTests {
    /// An admin keeps the tax rates on their page (as `/v1/tax-rates` does); a rate that is not
    /// a percentage changes nothing; service staff may read them, not change them.
    @Test(arguments: Engine.all)
    func anAdminKeepsTheTaxRates(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let page = try await admin.go(.get, "/tax-rates").expect(200)
            #expect(page.text.contains("No tax rates") && page.text.contains(#"id="tax-rate-form""#))
            let csrf = admin.csrf(page)
            let form = ["csrf": csrf, "id": "NL-standard", "country": "nl", "taxCategory": "standard", "name": "BTW", "included": "true"]

            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(.post, "/tax-rates", form: form.merging(["rate": "21,5"]) { $1 }).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:rate:") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            // The refusal stands beside its field, once.
            let refused = try await admin.go(.get, "/tax-rates").expect(200).text
            #expect(refused.contains(#"inputmode="decimal"> %<span class="field-error">must be a percentage from 0 to 100"#), "\(refused)")
            try await admin.go(.post, "/tax-rates", form: form.merging(["rate": "21", "country": "Netherlands"]) { $1 }).expect(303)
            let country = try await admin.go(.get, "/tax-rates").expect(200).text
            #expect(country.contains(#"size="3" required><span class="field-error">"#) && !country.contains(#"> %<span class="field-error">"#))
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            admin.cookies["orderly_flash"] = nil
            admin.cookies["orderly_fields"] = nil

            try await admin.go(.post, "/tax-rates", form: form.merging(["rate": "21"]) { $1 }).expect(303)
            let rates = try await app.send(.get, "/v1/tax-rates").expect(200).items
            #expect(rates.count == 1 && rates.first?["country"] as? String == "NL" && (rates.first?["rate"] as? NSNumber)?.doubleValue == 0.21)
            #expect(rates.first?["included"] as? Bool == true)
            #expect(try await admin.go(.get, "/tax-rates").expect(200).text.contains("21%"))

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let seen = try await agent.go(.get, "/tax-rates").expect(200)
            #expect(seen.text.contains("NL-standard") && !seen.text.contains(#"id="tax-rate-form""#))
            try await agent.go(.post, "/tax-rates/NL-standard/delete", form: ["csrf": agent.csrf(seen)]).expect(403)
            try await admin.go(.post, "/tax-rates/NL-standard/delete", form: ["csrf": csrf]).expect(303)
            #expect(try await app.send(.get, "/v1/tax-rates").expect(200).items.isEmpty)
        }
    }
}

@Suite("Back office: payment settings")
struct BackOfficePaymentSettingsTests {
    /// An admin sets a channel's payment policy and the payment providers on their page, as
    /// `PATCH /v1/channels/{id}` and `/v1/payment-providers` do; a timeout that is no duration
    /// and a short secret change nothing; service staff may not open the page.
    @Test(arguments: Engine.all)
    func anAdminSetsTheChannelsPaymentsAndTheProviders(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let page = try await admin.go(.get, "/payments").expect(200)
            #expect(page.text.contains(#"id="payments-web""#) && page.text.contains("No providers"))
            let csrf = admin.csrf(page)
            let policy = ["csrf": csrf, "capture": "on_shipment", "require": "authorized", "invoicing": "per_order"]

            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(.post, "/channels/web/payments", form: policy.merging(["timeout": "two days"]) { $1 }).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:timeout:") == true)
            // Each refusal stands beside its own field, on its own channel's row.
            let refused = try await admin.go(.get, "/payments").expect(200).text
            #expect(refused.contains(#"placeholder="PT48H" size="8"><span class="field-error">"#))
            #expect(refused.components(separatedBy: #"class="field-error""#).count == 2, "only the web channel's timeout")
            try await admin.go(.post, "/payment-providers", form: ["csrf": csrf, "id": "adyen", "secret": "short"]).expect(303)
            let short = try await admin.go(.get, "/payments").expect(200).text
            #expect(short.contains(#"autocomplete="off"><span class="field-error">"#) && !short.contains(#"size="8"><span class="field-error">"#))
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            admin.cookies["orderly_flash"] = nil
            admin.cookies["orderly_fields"] = nil

            try await admin.go(.post, "/channels/web/payments", form: policy.merging(["timeout": "PT48H"]) { $1 }).expect(303)
            let payments = try await app.send(.get, "/v1/channels/web").expect(200)["payments"] as? [String: Any]
            #expect(payments?["capture"] as? String == "on_shipment" && payments?["require"] as? String == "authorized")
            #expect(payments?["invoicing"] as? String == "per_order" && payments?["timeout"] as? String == "PT48H")
            try await admin.go(.post, "/payment-providers", form: ["csrf": csrf, "id": "adyen", "secret": String(repeating: "s", count: 32)])
                .expect(303)
            #expect(try await app.send(.get, "/v1/payment-providers").expect(200).items.compactMap { $0["id"] as? String } == ["adyen"])
            let saved = try await admin.go(.get, "/payments").expect(200).text
            #expect(saved.contains(#"value="PT48H""#) && saved.contains(#"<option value="per_order" selected>"#) && !saved.contains("No providers"))
            #expect(!saved.contains(String(repeating: "s", count: 32)), "the secret is never shown")

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            try await agent.go(.get, "/payments").expect(403)
            try await agent.go(.post, "/payment-providers/adyen/delete", form: ["csrf": agent.csrf(try await agent.go(.get, "/orders"))]).expect(403)
            try await admin.go(.post, "/payment-providers/adyen/delete", form: ["csrf": csrf]).expect(303)
            #expect(try await app.send(.get, "/v1/payment-providers").expect(200).items.isEmpty)
        }
    }
}

@Suite("Back office: workflows")
struct BackOfficeWorkflowTests {
    /// An admin writes a workflow's stages, saves a second version, activates the first again
    /// and simulates it against an order; bad JSON and a bad condition are shown by field and
    /// change nothing; service staff see the workflows and may not change them.
    @Test(arguments: Engine.all)
    func anAdminWritesSavesActivatesAndSimulatesAWorkflow(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "wf-1", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 900]])
            ).expect(201)
            let number = try #require(order["number"] as? String)
            let page = try await admin.go(.get, "/workflows").expect(200)
            #expect(page.text.contains("No workflows yet") && page.text.contains(#"id="new-workflow""#))
            let csrf = admin.csrf(page)
            let payment =
                #"[{"name": "payment", "until": {"fact": "order.paymentStatus", "op": "in", "value": ["authorized", "paid"]}, "timeout": "PT48H"}]"#

            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(.post, "/workflows", form: ["csrf": csrf, "id": "web-flow", "stages": "[{name: payment"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:stages:") == true)
            let wrongFact = payment.replacingOccurrences(of: "order.paymentStatus", with: "order.paid")
            try await admin.go(.post, "/workflows", form: ["csrf": csrf, "id": "web-flow", "stages": wrongFact]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:stages[0].until.fact:") == true)
            let shown = try await admin.go(.get, "/workflows").expect(200).text
            #expect(shown.contains(#"<span class="field-error">stages[0].until.fact: "#), "shown next to the stages of the new workflow")
            // Stages typed are simulated against an order before they are saved, and kept in the form.
            let simulated = try await admin.go(
                .post, "/workflows/simulate", form: ["csrf": csrf, "id": "web-flow", "stages": payment, "order": number]
            )
            .expect(200).text
            #expect(simulated.contains(#"id="simulation-new""#) && simulated.contains("would wait in “payment”"))
            #expect(simulated.contains("&quot;order.paymentStatus&quot;") || simulated.contains("\"order.paymentStatus\""))
            let unreadable = try await admin.go(.post, "/workflows/simulate", form: ["csrf": csrf, "stages": wrongFact, "order": number]).expect(200)
            #expect(unreadable.text.contains(#"<p class="flash error">stages[0].until.fact: "#))
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            admin.cookies["orderly_flash"] = nil

            try await admin.go(.post, "/workflows", form: ["csrf": csrf, "id": "web-flow", "stages": payment]).expect(303)
            let review = payment.dropLast() + #", {"name": "review", "approval": {"roles": ["service"]}}]"#
            try await admin.go(.post, "/workflows/web-flow", form: ["csrf": csrf, "stages": String(review)]).expect(303)
            #expect(try await app.send(.get, "/v1/workflows/web-flow").expect(200).int("version") == 2)
            try await admin.go(.post, "/workflows/web-flow/activate", form: ["csrf": csrf, "version": "1"]).expect(303)
            #expect(try await app.send(.get, "/v1/workflows/web-flow").expect(200).int("version") == 1)

            let unknown = try await DatabaseImage.of(app.stores.database)
            try await admin.go(.post, "/channels/web/workflow", form: ["csrf": csrf, "workflow": "no-such-flow"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:workflow:") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: unknown) == [])
            admin.cookies["orderly_flash"] = nil
            try await admin.go(.post, "/channels/web/workflow", form: ["csrf": csrf, "workflow": "web-flow"]).expect(303)
            #expect(try await app.send(.get, "/v1/channels/web").expect(200)["workflow"] as? String == "web-flow")
            try await admin.go(.post, "/channels/web/workflow", form: ["csrf": csrf]).expect(303)
            #expect(try await app.send(.get, "/v1/channels/web").expect(200)["workflow"] == nil, "an empty choice removes it")

            let saved = try await admin.go(.get, "/workflows?simulate=web-flow&order=\(number)").expect(200).text
            #expect(saved.contains(#"id="simulation-web-flow""#) && saved.contains("would wait in “payment”"))

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let seen = try await agent.go(.get, "/workflows").expect(200)
            #expect(seen.text.contains("web-flow") && !seen.text.contains(#"id="new-workflow""#) && !seen.text.contains("Activate</button>"))
            try await agent.go(.post, "/workflows/web-flow/activate", form: ["csrf": agent.csrf(seen), "version": "2"]).expect(403)
            try await agent.go(.post, "/channels/web/workflow", form: ["csrf": agent.csrf(seen), "workflow": "web-flow"]).expect(403)
        }
    }
}

@Suite("Back office: orders waiting in a workflow")
struct BackOfficeWaitingTests {
    /// Orders waiting for service's review are listed under their stage; the agent approves one
    /// on its page (released to fulfillment) and rejects another (cancelled); an administrator,
    /// whom the stage does not name, gets no form; a decision that is neither changes nothing.
    @Test(arguments: Engine.all)
    func serviceApprovesAndRejectsOrdersWaitingForReview(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let review: [String: Any] = [
                "name": "review", "when": ["fact": "order.riskScore", "op": "gte", "value": 70], "approval": ["roles": ["service"]],
            ]
            try await app.send(.put, "/v1/workflows/reviewed", json: ["stages": [review]]).expect(200)
            try await app.send(.patch, "/v1/channels/web", json: ["workflow": "reviewed"]).expect(200)
            var ids: [String] = []
            for n in 0..<2 {
                var body = OrdersAPITests.order(externalId: "rv-\(n)", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
                body["riskScore"] = 85
                ids.append(try #require(try await app.send(.post, "/v1/orders", json: body).expect(201)["id"] as? String))
            }

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let list = try await agent.go(.get, "/waiting").expect(200).text
            #expect(list.contains("review") && ids.allSatisfy { list.contains("/orders/\($0)") })
            #expect(!(try await admin.go(.get, "/orders/\(ids[0])").expect(200).text.contains(#"id="approval-form""#)), "the stage names service")
            let page = try await agent.go(.get, "/orders/\(ids[0])").expect(200)
            #expect(page.text.contains(#"id="approval-form""#) && page.text.contains("Waiting in stage “review”"))
            let csrf = agent.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            try await agent.go(.post, "/orders/\(ids[0])/approvals", form: ["csrf": csrf, "stage": "review", "decision": "maybe"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:decision:") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            agent.cookies["orderly_flash"] = nil

            try await agent.go(
                .post, "/orders/\(ids[0])/approvals", form: ["csrf": csrf, "stage": "review", "decision": "approve", "note": "known customer"]
            )
            .expect(303)
            let approved = try await app.send(.get, "/v1/orders/\(ids[0])").expect(200)
            #expect(
                (approved["workflow"] as? [String: Any])?["state"] as? String == "released" && (approved["fulfillmentOrders"] as? [Any])?.count == 1)
            try await agent.go(.post, "/orders/\(ids[1])/approvals", form: ["csrf": csrf, "stage": "review", "decision": "reject"]).expect(303)
            #expect(try await app.send(.get, "/v1/orders/\(ids[1])").expect(200)["status"] as? String == "cancelled")
            #expect(try await agent.go(.get, "/waiting").expect(200).text.contains(#"id="nothing-waiting""#))
        }
    }
}

@Suite("Back office: exchanges")
struct BackOfficeExchangeTests {
    /// Service staff start a return with an exchange for a dearer item at a typed price: the
    /// return pays what it is worth, the rest is charged on the replacement; a price that is no
    /// amount changes nothing.
    @Test(arguments: Engine.all)
    func serviceStartsAReturnWithAnExchange(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            _ = try await BackOfficeTests.signedInAdmin(app)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let order = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(externalId: "bo-ex", lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 2000]])
            ).expect(201)
            let id = try #require(order["id"] as? String)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 2000, "bo-ex-sale")).expect(201)
            try await PaymentsAPITests.ship(app, try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String), of: id, [1])

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let page = try await agent.go(.get, "/orders/\(id)").expect(200)
            let form = [
                "csrf": agent.csrf(page), "line": "1", "quantity": "1", "locationId": "WH-AMS", "method": "mail", "reason": "too small",
                "exchangeSku": "SKU-2",
            ]
            let before = try await DatabaseImage.of(app.stores.database)
            try await agent.go(.post, "/orders/\(id)/returns", form: form.merging(["exchangePrice": "lots"]) { $1 }).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:exchangePrice:") == true)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            agent.cookies["orderly_flash"] = nil

            try await agent.go(.post, "/orders/\(id)/returns", form: form.merging(["exchangePrice": "25.00"]) { $1 }).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("EUR 20.00 paid by the return, EUR 5.00 to pay") == true)
            let ret = try #require(try await app.send(.get, "/v1/returns?orderId=\(id)").expect(200).items.first)
            #expect((ret["exchangeCredit"] as? NSNumber)?.intValue == 2000 && (ret["exchangeCharge"] as? NSNumber)?.intValue == 500)
        }
    }
}
