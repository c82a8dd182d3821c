import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: people and access")
struct BackOfficePeopleTests {
    /// An admin adds a store associate, moves them to customer service, disables them (their
    /// session ends, they cannot sign in) and enables them again, and issues a one-time reset
    /// link the person sets a new password with; nobody locks themself out, and only admins
    /// manage people.
    @Test(arguments: Engine.all)
    func anAdminManagesPeopleAndAccess(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let page = try await admin.go(.get, "/people").expect(200)
            #expect(page.text.contains("agent@shop.test") && page.text.contains("id=\"add-person\""))
            let csrf = admin.csrf(page)
            let flash = { (admin.cookies["orderly_flash"] ?? "").removingPercentEncoding ?? "" }

            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(
                .post, "/people", form: ["csrf": csrf, "email": "new@shop.test", "name": "New", "role": "store", "password": "long enough pass"]
            )
            .expect(303)
            let refused = try await admin.go(.get, "/people").expect(200)
            #expect(refused.text.contains("<span class=\"field-error\">must name at least one store for a store user</span>"))
            let me = try #require(try await app.stores.staff.list().first { $0.user.email == "admin@shop.test" }).user
            try await admin.go(.post, "/people/\(me.id)", form: ["csrf": csrf, "intent": "disable"]).expect(303)
            #expect(flash().contains("you cannot disable your own account"))
            try await admin.go(.post, "/people/\(me.id)", form: ["csrf": csrf, "name": "Admin", "role": "service"]).expect(303)
            #expect(flash().contains("you cannot give up your own admin role"))
            admin.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refusals change nothing")

            try await admin.go(
                .post, "/people",
                form: ["csrf": csrf, "email": "new@shop.test", "name": "New", "role": "store", "stores": "ST-UTR", "password": "long enough pass"]
            ).expect(303)
            #expect(flash() == "ok:Added new@shop.test (store).")
            let person = try #require(try await app.stores.staff.list().first { $0.user.email == "new@shop.test" }).user
            let associate = BackOfficeTests.Browser(app)
            try await associate.signIn("new@shop.test", "long enough pass")
            try await associate.go(.get, "/stores/ST-UTR").expect(200)
            try await associate.go(.get, "/people").expect(403)

            try await admin.go(.post, "/people/\(person.id)", form: ["csrf": csrf, "name": "New Agent", "role": "service"]).expect(303)
            let moved = try #require(try await app.stores.staff.list().first { $0.user.id == person.id })
            #expect(moved.user.role == .service && moved.user.locations.isEmpty && moved.user.name == "New Agent")
            try await associate.go(.get, "/stores/ST-UTR").expect(302)  // signed out: their access changed
            try await admin.go(.post, "/people/\(person.id)", form: ["csrf": csrf, "intent": "disable"]).expect(303)
            #expect(flash() == "ok:new@shop.test: disabled, signed out everywhere.")
            try await associate.signIn("new@shop.test", "long enough pass").expect(401)
            try await admin.go(.post, "/people/\(person.id)", form: ["csrf": csrf, "intent": "enable"]).expect(303)

            try await admin.go(.post, "/people/\(person.id)/reset", form: ["csrf": csrf]).expect(303)
            let link = try #require(flash().range(of: "/reset/[A-Za-z0-9_-]+", options: .regularExpression).map { String(flash()[$0]) })
            let visitor = BackOfficeTests.Browser(app)
            #expect(try await visitor.go(.get, link).expect(200).text.contains("For new@shop.test"))
            try await visitor.go(.post, link, form: ["new": "short"]).expect(400)
            try await visitor.go(.post, link, form: ["new": "a brand new password"]).expect(303)
            #expect(
                try await visitor.go(.get, "/login").expect(200).text.contains("Your new password is set, new@shop.test"), "the sign-in page says so")
            try await visitor.go(.post, link, form: ["new": "another new password"]).expect(404)
            try await visitor.signIn("new@shop.test", "long enough pass").expect(401)
            try await visitor.signIn("new@shop.test", "a brand new password").expect(303)
            let events = try await app.send(.get, "/v1/events?limit=500").expect(200).items.compactMap { $0["type"] as? String }
            #expect(events.contains("staff.updated") && events.contains("staff.password_reset_issued") && events.contains("staff.password_changed"))
            #expect(
                !(try await app.send(.get, "/v1/events?limit=500").expect(200).text.contains(String(link.dropFirst(7)))), "the token is never stored")

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            try await agent.go(.get, "/people").expect(403)
            let mine = try await agent.go(.get, "/account").expect(200)
            try await agent.go(.post, "/account/password", form: ["csrf": agent.csrf(mine), "current": "wrong", "new": "another long password"])
                .expect(303)
            #expect(try await agent.go(.get, "/account").expect(200).text.contains("is not your password"))
            try await agent.go(
                .post, "/account/password", form: ["csrf": agent.csrf(mine), "current": BackOfficeTests.password, "new": "another long password"]
            ).expect(303)
            try await BackOfficeTests.Browser(app).signIn("agent@shop.test", "another long password").expect(303)
        }
    }

    /// A person chooses Dutch: the statuses, the chrome, money and dates of the pages read in
    /// Dutch for them, and in English for everyone else; dates in the business's time zone.
    @Test(arguments: Engine.all)
    func statusesReadInThePersonsLanguage(engine: Engine) async throws {
        let clock = ManualTime(Date(timeIntervalSince1970: 1_796_450_580))  // 2026-12-05 06:03 UTC, 07:03 in Amsterdam
        try await TestApp.run(engine, time: clock, configure: { $0.timeZone = TimeZone(identifier: "Europe/Amsterdam")! }) { app in
            _ = try await BackOfficeTests.staffAndAnOrder(
                app, stocking: "WH-AMS", externalId: "nl-1", line: ["sku": "SKU-1", "quantity": 9, "unitPrice": 1000])
            let id = try #require(try await app.send(.get, "/v1/orders?q=nl-1").expect(200).items.first?["id"] as? String)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let before = try await agent.go(.get, "/orders/\(id)").expect(200).text
            #expect(before.contains(#"id="order-status">Awaiting stock"#) && before.contains("5 Dec 2026 07:03"))
            let account = try await agent.go(.get, "/account").expect(200)
            try await agent.go(.post, "/account/language", form: ["csrf": agent.csrf(account), "language": "fr"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "error:language: must be en or nl")
            try await agent.go(.post, "/account/language", form: ["csrf": agent.csrf(account), "language": "nl"]).expect(303)
            let dutch = try await agent.go(.get, "/orders/\(id)").expect(200).text
            #expect(dutch.contains(#"id="order-status">Wacht op voorraad"#) && dutch.contains(#"id="payment-status">Onbetaald"#))
            // The chrome too: navigation, headings, column heads and buttons.
            #expect(dutch.contains(#"<html lang="nl">"#) && dutch.contains(">Bestellingen</a>") && dutch.contains("<h2>Tijdlijn</h2>"))
            #expect(dutch.contains("<th>Wanneer</th>") && dutch.contains(">Notitie toevoegen</button>") && dutch.contains(">Afmelden</button>"))
            #expect(dutch.contains("€ 90,00") && !dutch.contains("EUR 90.00"), "money the Dutch way")
            #expect(dutch.contains("5 dec 2026 07:03") && !dutch.contains("5 Dec 2026"), "dates the Dutch way, in Amsterdam's time")
            let handheld = try await agent.go(.get, "/stores/ST-UTR").expect(200).text
            #expect(handheld.contains(#"placeholder="Scan het artikel""#), "placeholders too")
            let mine = try await agent.go(.get, "/account").expect(200).text
            #expect(mine.contains(#"<option value="nl" selected>Nederlands</option>"#), "\(mine)")
            let other = BackOfficeTests.Browser(app)
            try await other.signIn("utrecht@shop.test")
            let english = try await other.go(.get, "/stores/ST-UTR").expect(200).text
            #expect(!english.contains("Wacht op") && english.contains("<h2>Pick list</h2>") && english.contains(#"<html lang="en">"#))
        }
    }

    /// The admin pages read Dutch for a Dutch admin, empty lists included, and so does what a
    /// form tells afterwards; the store's messages too, with money the Dutch way.
    @Test(arguments: Engine.all)
    func adminPagesAndTheirMessagesReadInThePersonsLanguage(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let account = try await admin.go(.get, "/account").expect(200)
            try await admin.go(.post, "/account/language", form: ["csrf": admin.csrf(account), "language": "nl"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:De backoffice staat nu in het Nederlands.")
            let taxes = try await admin.go(.get, "/tax-rates").expect(200)
            #expect(taxes.text.contains("<title>Btw-tarieven · Orderly</title>") && taxes.text.contains("<h1>Btw-tarieven</h1>"))
            #expect(taxes.text.contains("Geen btw-tarieven: bestellingen dragen alleen de btw die kanalen sturen."), "an empty list's words")
            #expect(taxes.text.contains(#"<option value="true">inbegrepen in de prijzen</option>"#))
            let form = ["csrf": admin.csrf(taxes), "id": "NL-standard", "country": "nl", "taxCategory": "standard", "name": "BTW", "rate": "21"]
            try await admin.go(.post, "/tax-rates", form: form.merging(["included": "true"]) { $1 }).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Btw-tarief NL-standard opgeslagen.")
            let locations = try await admin.go(.get, "/locations").expect(200).text
            #expect(
                locations.contains("Openingstijden") && locations.contains(#"placeholder="ma–za 9:00–18:00""#)
                    && locations.contains(">Nieuwe locatie<"))
            #expect(try await admin.go(.get, "/routing").expect(200).text.contains("Nog geen routeringsstrategieën"))
            #expect(try await admin.go(.get, "/workflows").expect(200).text.contains("<p class=\"muted\">Nog geen workflows.</p>"))
            #expect(try await admin.go(.get, "/people").expect(200).text.contains("<h3>Iemand toevoegen</h3>"))
            #expect(try await admin.go(.get, "/payments").expect(200).text.contains("<h2>Betaalaanbieders</h2>"))
            #expect(try await admin.go(.get, "/reports").expect(200).text.contains("Per kanaal"))
            // English stays English for everyone else.
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            #expect(try await agent.go(.get, "/tax-rates").expect(200).text.contains("<h1>Tax rates</h1>"))
        }
    }
}
