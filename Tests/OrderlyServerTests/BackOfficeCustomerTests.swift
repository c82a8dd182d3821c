import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: customer profiles")
struct BackOfficeCustomerTests {
    /// Service staff tag a profile and merge the person's other profile into it from its page,
    /// by that profile's email; a refused form names the field next to it and changes nothing;
    /// a store associate sees no such forms and may not post them.
    @Test(arguments: Engine.all)
    func serviceEditsAndMergesProfiles(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await BackOfficeTests.staff(app)
            let (home, work) = try await CustomerProfilesAPITests.twoProfiles(app)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let page = try await agent.go(.get, "/customers/\(home)").expect(200)
            #expect(page.text.contains("id=\"profile\"") && page.text.contains("id=\"merge\"") && page.text.contains("value=\"ada@example.com\""))
            let csrf = agent.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            try await agent.go(
                .post, "/customers/\(home)", form: ["csrf": csrf, "email": "ada@work.example", "name": "Ada", "phone": "+31612345678"]
            ).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("merge the two profiles instead") == true)
            agent.cookies["orderly_flash"] = nil
            try await agent.go(.post, "/customers/\(home)", form: ["csrf": csrf, "email": "nope", "name": "Ada"]).expect(303)
            let refused = try await agent.go(.get, "/customers/\(home)").expect(200)
            #expect(refused.text.contains("<span class=\"field-error\">is not an email address</span>"), "the refusal stands next to the field")
            agent.cookies["orderly_flash"] = nil
            try await agent.go(.post, "/customers/\(home)/merge", form: ["csrf": csrf, "other": "nobody@example.com"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "error:other: no profile has the email nobody@example.com")
            agent.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused forms write nothing")

            try await agent.go(
                .post, "/customers/\(home)",
                form: ["csrf": csrf, "email": "ada@example.com", "name": "Ada Lovelace", "phone": "+31612345678", "tags": "vip, b2b"]
            ).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Profile saved.")
            #expect(try await app.send(.get, "/v1/customers/\(home)").expect(200)["tags"] as? [String] == ["vip", "b2b"])
            try await agent.go(.post, "/customers/\(home)/merge", form: ["csrf": csrf, "other": "ADA@work.example"]).expect(303)
            #expect((agent.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Merged ADA@work.example into this profile: 1 order moved.")
            let merged = try await agent.go(.get, "/customers/\(home)").expect(200)
            #expect(merged.text.contains("Zuidas 5") && merged.text.contains("customer.merged") && merged.text.contains("Agent"))
            #expect(try await app.send(.get, "/v1/customers/\(work)").expect(200)["id"] as? String == home)

            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let storePage = try await store.go(.get, "/stores/ST-UTR").expect(200)
            try await store.go(.post, "/customers/\(home)", form: ["csrf": store.csrf(storePage), "email": "x@example.com"]).expect(403)
            try await store.go(.post, "/customers/\(home)/merge", form: ["csrf": store.csrf(storePage), "other": work]).expect(403)
            #expect(try await app.send(.get, "/v1/customers/\(home)").expect(200)["email"] as? String == "ada@example.com")
        }
    }

    /// An admin erases a person from the profile page after typing ERASE; without it nothing
    /// changes; service staff see no such form and may not post it.
    @Test(arguments: Engine.all)
    func anAdminErasesAPersonFromTheProfilePage(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let (home, _) = try await CustomerProfilesAPITests.twoProfiles(app)
            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let agentPage = try await agent.go(.get, "/customers/\(home)").expect(200)
            #expect(!agentPage.text.contains("id=\"erase\""))
            try await agent.go(.post, "/customers/\(home)/erase", form: ["csrf": agent.csrf(agentPage), "confirm": "ERASE"]).expect(403)

            let page = try await admin.go(.get, "/customers/\(home)").expect(200)
            #expect(page.text.contains("id=\"erase\""))
            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(.post, "/customers/\(home)/erase", form: ["csrf": admin.csrf(page), "confirm": "erase please"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("type ERASE") == true)
            admin.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [])
            try await admin.go(.post, "/customers/\(home)/erase", form: ["csrf": admin.csrf(page), "confirm": "ERASE"]).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("ok:The person's data is erased") == true)
            let erased = try await admin.go(.get, "/customers/\(home)").expect(200)
            #expect(!erased.text.contains("ada@example.com") && !erased.text.contains("Lovelace") && erased.text.contains("customer.erased"))
        }
    }
}
