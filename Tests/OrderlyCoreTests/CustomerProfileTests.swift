import Foundation
import OrderlyCore
import Testing

@Suite("Customer profiles")
struct CustomerProfileTests {
    let home = CustomerProfile(
        id: "cus_home", email: "ada@example.com", name: nil, phone: "+31 6 1234 5678",
        addresses: [Address(line1: "Damrak 1", city: "Amsterdam", country: "NL")], tags: ["vip"])
    let work = CustomerProfile(
        id: "cus_work", email: "ada@work.example", name: "A. Lovelace", phone: "+31 20 555 0101",
        addresses: [Address(line1: "Zuidas 5", city: "Amsterdam", country: "NL"), Address(line1: "Damrak 1", city: "Amsterdam", country: "NL")],
        tags: ["b2b", "vip"])

    /// An order completes what the profile lacked and never overwrites what it holds.
    @Test func anOrderCompletesWhatTheProfileLacked() throws {
        let details = CustomerDetails(email: "ada@example.com", name: "Ada", phone: "+31 6 0000 0000")
        let completed = try #require(home.completed(with: details, address: Address(line1: "Coolsingel 40", city: "Rotterdam", country: "NL")))
        #expect(completed.name == "Ada" && completed.phone == "+31 6 1234 5678")
        #expect(completed.addresses.map(\.line1) == ["Coolsingel 40", "Damrak 1"], "the new address first")
        #expect(completed.completed(with: details, address: home.addresses.first) == nil, "nothing new: nothing to write")
    }

    /// Edits: blank clears, tags are checked and kept once, a profile keeps an email or a phone.
    @Test func editingChecksLikeAnOrderDoes() throws {
        let edited = try home.edited(.init(name: " Ada ", phone: "", tags: ["vip", "b2b", "vip"]))
        #expect(edited.name == "Ada" && edited.phone == nil && edited.tags == ["vip", "b2b"] && edited.email == home.email)
        let noWay = #expect(throws: OrderlyError.self) { try edited.edited(.init(email: "")) }
        #expect(noWay?.fieldErrors.map(\.field) == ["email"])
        let bad = #expect(throws: OrderlyError.self) { try home.edited(.init(email: "ada-at-home", tags: [""])) }
        #expect(Set(bad?.fieldErrors.map(\.field) ?? []) == ["email", "tags[0]"])
    }

    /// Merging: the survivor keeps what it holds and takes what it lacked, addresses after its
    /// own (each once), tags of both; the other is marked merged. Itself, or a merged one, is refused.
    /// An email held by a profile merged into this one moves here; any other holder keeps it,
    /// and the refusal names the profile the email finds.
    @Test func anEmailMovesOnlyFromAProfileMergedIntoThisOne() throws {
        #expect(throws: Never.self) { try home.takesEmail("ada@work.example", heldBy: "cus_work", mergedInto: "cus_home") }
        let stranger = #expect(throws: OrderlyError.self) { try home.takesEmail("bob@example.com", heldBy: "cus_bob", mergedInto: nil) }
        #expect(stranger?.code == .conflict && stranger?.detail.hasPrefix("Customer cus_bob has the email") == true)
        let elsewhere = #expect(throws: OrderlyError.self) { try home.takesEmail("b@x.example", heldBy: "cus_b2", mergedInto: "cus_bob") }
        #expect(elsewhere?.detail.hasPrefix("Customer cus_bob has the email") == true)
    }

    @Test func mergingKeepsTheSurvivorsDetails() throws {
        let (survivor, merged) = try home.absorbing(work)
        #expect(survivor.email == "ada@example.com" && survivor.name == "A. Lovelace" && survivor.phone == "+31 6 1234 5678")
        #expect(survivor.addresses.map(\.line1) == ["Damrak 1", "Zuidas 5"] && survivor.tags == ["vip", "b2b"])
        #expect(merged.mergedInto == "cus_home" && merged.email == "ada@work.example")
        #expect(throws: OrderlyError.invalid("customerId", "is this profile itself")) { try home.absorbing(home) }
        #expect(throws: OrderlyError.self) { try home.absorbing(merged) }
        #expect(throws: OrderlyError.self) { try merged.absorbing(home) }
        #expect(throws: OrderlyError.self) { try merged.edited(.init(name: "x")) }
    }
}

/// What erasing a person finds and how stored texts read afterwards.
@Suite("Erasing a person")
struct PersonalDataTests {
    let person = PersonalData(
        profiles: [CustomerProfile(id: "cus_1", email: "Ada@Example.com", name: "Ada Lovelace", phone: "+31 6 1234 5678")],
        addresses: [Address(name: "Ada Lovelace", line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 LG", country: "NL")])

    @Test func theTextsAreThePersonsNotTheCitysOrCountrys() {
        #expect(person.values.contains("ada@example.com") && person.values.contains("damrak 1") && person.values.contains("1012 lg"))
        #expect(!person.values.contains("amsterdam") && !person.values.contains("nl"))
        #expect(person.mentions("Ship to ADA LOVELACE please") && !person.mentions("Amsterdam DC"))
    }

    @Test func jsonKeepsEverythingButTheStringsThatMentionThePerson() {
        let stored =
            #"{"amount":2000,"paid":true,"customer":{"email":"ada@example.com","name":"Ada Lovelace"},"note":"Call +31 6 1234 5678","city":"Amsterdam"}"#
        #expect(
            person.redacting(json: stored)
                == #"{"amount":2000,"paid":true,"customer":{"email":"erased","name":"erased"},"note":"erased","city":"Amsterdam"}"#)
        #expect(person.redacting(json: #"{"sku":"HAT"}"#) == #"{"sku":"HAT"}"#)
        #expect(person.redacting(json: "Ada Lovelace") == "erased", "a text that is not JSON goes whole")
        #expect(PersonalData.redacting(Address(name: "Ada", line1: "Damrak 1", country: "NL")) == Address(country: "NL"))
    }
}
