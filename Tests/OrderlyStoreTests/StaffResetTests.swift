import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

/// Password-reset links: once, before they expire, for an account still enabled.
@Suite("Staff password resets")
struct StaffResetTests {
    @Test(arguments: Engine.all)
    func anExpiredLinkOrADisabledAccountSetsNoPassword(engine: Engine) async throws {
        let clock = ManualTime(Date())
        try await TestDatabase.withStores(engine, time: clock) { stores in
            let admin = try await stores.staff.create(
                email: "admin@shop.test", name: "Admin", password: "admin password 1", role: .admin, locations: [], actor: "test")
            let person = try await stores.staff.create(
                email: "sam@shop.test", name: "Sam", password: "first password 1", role: .service, locations: [], actor: "test")

            let late = try await stores.staff.issueReset(person.id, by: admin)
            #expect(late.expiresAt == clock.now.addingTimeInterval(StaffUser.resetLifetime))
            clock.advance(by: StaffUser.resetLifetime + 1)
            #expect(try await stores.staff.resetting(token: late.token) == nil, "an expired link opens no form")
            let before = try await DatabaseImage.of(stores.database)
            await #expect(throws: OrderlyError.self) { try await stores.staff.reset(token: late.token, to: "second password 2") }
            #expect(try await DatabaseImage.of(stores.database).changedTables(since: before) == [], "an expired link changes nothing")

            let fresh = try await stores.staff.issueReset(person.id, by: admin)
            clock.advance(by: StaffUser.resetLifetime - 60)
            #expect(try await stores.staff.resetting(token: fresh.token)?.id == person.id, "usable until it expires")
            _ = try await stores.staff.update(person.id, StaffUser.Change(disabled: true), by: admin)
            #expect(try await stores.staff.resetting(token: fresh.token) == nil, "not for a disabled account")
            await #expect(throws: OrderlyError.self) { try await stores.staff.reset(token: fresh.token, to: "second password 2") }
            _ = try await stores.staff.update(person.id, StaffUser.Change(disabled: false), by: admin)
            #expect(try await stores.staff.signIn(email: "sam@shop.test", password: "second password 2") == .refused)
            if case .signedIn = try await stores.staff.signIn(email: "sam@shop.test", password: "first password 1") {
            } else {
                Issue.record("the old password still signs in")
            }

            // Enabled again, the same link still works once, then never.
            _ = try await stores.staff.reset(token: fresh.token, to: "second password 2")
            await #expect(throws: OrderlyError.self) { try await stores.staff.reset(token: fresh.token, to: "third password 3") }
        }
    }
}
