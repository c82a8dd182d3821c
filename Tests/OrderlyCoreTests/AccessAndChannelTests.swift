import Foundation
import OrderlyCore
import Testing

@Suite("Access policy and channels")
struct AccessAndChannelTests {
    let admin = Principal(keyId: "k1", name: "admin", role: .admin)
    let web = Principal(keyId: "k2", name: "web", role: .channel, channel: "web")
    let store = Principal(keyId: "k3", name: "utrecht", role: .store, locations: ["ST-UTR"])
    let service = Principal(keyId: "k4", name: "cs", role: .service)

    /// A store key listing fulfillment orders without naming a location gets its own work; one
    /// it does not serve is refused; admin and service read every location; a channel none.
    @Test func aStoreListsItsOwnWork() throws {
        #expect(try store.fulfillmentListing(nil) == store.locations)
        #expect(try store.fulfillmentListing("ST-UTR") == ["ST-UTR"])
        #expect(throws: OrderlyError.self) { try store.fulfillmentListing("WH-AMS") }
        #expect(try admin.fulfillmentListing(nil) == nil && service.fulfillmentListing("WH-AMS") == ["WH-AMS"])
        #expect(throws: OrderlyError.self) { try web.fulfillmentListing(nil) }
    }

    /// A store finds orders at its counter by what the customer shows, exactly, and never
    /// browses: no q, a channel or another filter is refused. A channel key browses its own
    /// channel only; service every channel.
    @Test func aStoreLooksUpOrdersAndNeverBrowses() throws {
        guard case .counter(let lookup) = try store.orderListing(q: " ord-42 ", channel: nil, filtered: false) else {
            Issue.record("a store's listing must be a counter look-up")
            return
        }
        #expect(lookup.text == "ord-42" && lookup.number == "ORD-000042" && lookup.email == nil && lookup.phone == nil)
        #expect(throws: OrderlyError.self) { try store.orderListing(q: nil, channel: nil, filtered: false) }
        #expect(throws: OrderlyError.self) { try store.orderListing(q: "   ", channel: nil, filtered: false) }
        #expect(
            throws: OrderlyError(
                .forbidden,
                "The store key 'utrecht' finds an order by q alone (its number, external id, or the customer's email or phone); it cannot browse orders"
            )
        ) {
            try store.orderListing(q: "ORD-000042", channel: nil, filtered: true)
        }
        #expect(throws: OrderlyError.self) { try store.orderListing(q: "ORD-000042", channel: "web", filtered: false) }
        #expect(try web.orderListing(q: "x", channel: nil, filtered: true) == .browse("web"))
        #expect(throws: OrderlyError.self) { try web.orderListing(q: nil, channel: "pos", filtered: false) }
        #expect(try service.orderListing(q: "x", channel: nil, filtered: true) == .browse(nil))
        // Reading one order: a store reads the order it found at its counter, and may not change it.
        #expect(store.may(store.readingOrder("web")) && !store.may(.readOrders("web")) && !store.may(.changeOrder("web")))
        #expect(web.readingOrder("web") == .readOrders("web") && !web.may(.findOrderAtCounter))
        // Taking back at a counter: a store at its own location, service anywhere, a channel never.
        #expect(
            store.mayTakeBack(at: "ST-UTR") && !store.mayTakeBack(at: "WH-AMS") && service.mayTakeBack(at: "WH-AMS") && !web.mayTakeBack(at: "ST-UTR")
        )
        #expect(throws: OrderlyError.notFound("Location", "WH-AMS")) { try store.authorizeTakeBack(at: "WH-AMS") }
        // Which other stores have a sku: a store and service may ask, a channel key may not.
        #expect(store.may(.findStockNearby) && service.may(.findStockNearby) && !web.may(.findStockNearby))
        // Phone orders: service enters orders on any channel, a channel key only on its own, a store not at all.
        #expect(service.may(.placeOrder("web")) && service.may(.placeOrder("phone")) && service.entersOrders)
        #expect(web.may(.placeOrder("web")) && !web.may(.placeOrder("phone")) && !web.entersOrders)
        #expect(!store.may(.placeOrder("web")) && !store.entersOrders)
    }

    /// What a look-up text can be: a number (with or without its prefix and zeros), an email
    /// normalized as profiles store it, a phone only when made of digits and phone punctuation.
    @Test func lookUpTextIsReadAsNumberEmailOrPhone() throws {
        let number = try OrderLookup("42")
        #expect(number.number == "ORD-000042" && number.phone == nil)
        let email = try OrderLookup(" Anna@Example.NL ")
        #expect(email.email == "anna@example.nl" && email.number == nil && email.phone == nil)
        let phone = try OrderLookup("+31 (6) 1234-5678")
        #expect(phone.phone == "+31612345678" && phone.number == nil && phone.email == nil)
        let external = try OrderLookup("A-1234567")
        #expect(external.phone == nil && external.number == nil && external.email == nil && external.text == "A-1234567")
        #expect(try OrderLookup("ORD-1234567").number == "ORD-1234567")
        #expect(try OrderLookup("ORD-0").number == nil)
        #expect(throws: OrderlyError.self) { try OrderLookup(String(repeating: "x", count: 255)) }
    }

    @Test func rolesBoundActions() {
        #expect(admin.may(.manageKeys) && admin.may(.changeInventory("X")))
        #expect(web.may(.reserve("web")) && !web.may(.reserve("pos")) && !web.may(.readAvailability("pos")))
        #expect(!web.may(.changeInventory("ST-UTR")) && !web.may(.readEvents))
        #expect(store.may(.changeInventory("ST-UTR")) && !store.may(.changeInventory("WH-AMS")))
        #expect(store.may(.readInventory("ST-UTR")) && !store.may(.readInventory(nil)))
        #expect(service.may(.readInventory(nil)) && service.may(.readEvents) && !service.may(.changeInventory("ST-UTR")))
        #expect(!service.may(.manageKeys) && !service.may(.reserve("web")))
        #expect(throws: OrderlyError(.forbidden, "The channel key 'web' may not do this")) { try web.authorize(.manageCatalog) }
    }

    @Test func keyScopesMustFitTheirRole() {
        #expect(throws: OrderlyError.self) { try Principal.validateScope(role: .channel, channel: nil, locations: []) }
        #expect(throws: OrderlyError.self) { try Principal.validateScope(role: .store, channel: nil, locations: []) }
        #expect(throws: OrderlyError.self) { try Principal.validateScope(role: .admin, channel: "web", locations: []) }
        #expect(throws: Never.self) { try Principal.validateScope(role: .store, channel: nil, locations: ["ST-UTR"]) }
    }

    @Test func channelsSellFromActivePooledLocationsThatShipOrHandOver() {
        let warehouse = Location(id: "WH", name: "WH", kind: .warehouse)
        let store = Location(id: "ST", name: "ST", kind: .store)
        var closed = Location(id: "OLD", name: "Old", kind: .store)
        closed.active = false
        let everywhere = Channel(id: "web", name: "Web", kind: .web)
        #expect(everywhere.sells(from: warehouse) && everywhere.sells(from: store) && !everywhere.sells(from: closed))
        let pooled = Channel(id: "pos", name: "POS", kind: .pos, locations: ["ST"])
        #expect(!pooled.sells(from: warehouse) && pooled.sells(from: store))
        var noShipFromStore = Channel(id: "mp", name: "MP", kind: .marketplace, routing: .init(shipFromStore: false))
        var pickupless = store
        pickupless.capabilities.pickup = false
        #expect(noShipFromStore.sells(from: store), "stores still hand over pickups")
        #expect(!noShipFromStore.sells(from: pickupless))
        noShipFromStore.routing.shipFromStore = true
        #expect(noShipFromStore.sells(from: pickupless))
    }

    @Test func availabilitySumsOnlyWhatTheChannelSells() {
        let warehouse = Location(id: "WH", name: "WH", kind: .warehouse, coordinates: .init(latitude: 52.37, longitude: 4.9), priority: 10)
        let store = Location(id: "ST", name: "ST", kind: .store, coordinates: .init(latitude: 52.09, longitude: 5.12), priority: 50)
        let levels = [
            InventoryLevel(sku: "A", locationId: "WH", onHand: 10, reserved: 2, safetyStock: 1),
            InventoryLevel(sku: "A", locationId: "ST", onHand: 3),
            InventoryLevel(sku: "A", locationId: "GONE", onHand: 50),
        ]
        let result = AvailabilityCalculator.compute(
            channel: Channel(id: "web", name: "Web", kind: .web), skus: ["A", "B"], levels: levels,
            locations: ["WH": warehouse, "ST": store], incoming: [:], origin: .init(latitude: 52.09, longitude: 5.12))
        #expect(result.map(\.available) == [10, 0])
        #expect(result[0].locations.map(\.locationId) == ["ST", "WH"])
        #expect(result[0].locations.map(\.pickup) == [true, false])

        let nearest = AvailabilityCalculator.compute(
            channel: Channel(id: "web", name: "Web", kind: .web), skus: ["A"], levels: levels,
            locations: ["WH": warehouse, "ST": store], incoming: [:], origin: .init(latitude: 52.37, longitude: 4.9), locationLimit: 1)
        #expect(nearest[0].locations.map(\.locationId) == ["WH"], "the nearest only")
        #expect(nearest[0].available == 10, "the total is still the network's")
    }

    @Test func channelValidationNamesFields() {
        let channel = Channel(
            id: "web shop", name: "", kind: .web, locations: ["A", "A"], routing: .init(maxSplits: 0, criteria: [.distance, .distance]))
        let error = #expect(throws: OrderlyError.self) { try channel.validate() }
        #expect(error?.fieldErrors.map(\.field) == ["id", "name", "locations", "routing.maxSplits", "routing.criteria"])
    }
}

@Suite("Access: what a key may see")
struct VisibilityTests {
    static let web = Principal(keyId: "k1", name: "webshop", role: .channel, channel: "web")
    static let utrecht = Principal(keyId: "k2", name: "utrecht", role: .store, locations: ["ST-UTR"])
    static let service = Principal(keyId: "k3", name: "cs", role: .service)

    static func code(_ body: () throws -> Void) -> OrderlyError.Code? {
        do {
            try body()
            return nil
        } catch { return (error as? OrderlyError)?.code }
    }

    @Test func outsideTheOwnScopeIsNotFoundAndAForbiddenRoleIsForbidden() {
        // A channel key: its own order yes, another channel's is not found (not forbidden).
        #expect(Self.code { try Self.web.authorize(.changeOrder("web"), on: "Order", "o1", seenWith: .readOrders("web")) } == nil)
        #expect(Self.code { try Self.web.authorize(.changeOrder("pos"), on: "Order", "o1", seenWith: .readOrders("pos")) } == .notFound)
        // A store key reading an order at all: its role never may, so forbidden.
        #expect(Self.code { try Self.utrecht.authorize(.readOrders("web"), on: "Order", "o1", seenWith: .readOrders("web")) } == .forbidden)
        // A store key and another location's fulfillment order: not found; its own: allowed.
        #expect(Self.code { try Self.utrecht.authorize(.fulfil("WH-AMS"), on: "FO", "f1", seenWith: .readFulfillment("WH-AMS")) } == .notFound)
        #expect(Self.code { try Self.utrecht.authorize(.fulfil("ST-UTR"), on: "FO", "f1", seenWith: .readFulfillment("ST-UTR")) } == nil)
        // Service sees everything but may not ship: forbidden, not hidden.
        #expect(Self.code { try Self.service.authorize(.fulfil("WH-AMS"), on: "FO", "f1", seenWith: .readFulfillment("WH-AMS")) } == .forbidden)
        #expect(Self.code { try Self.service.authorize(.changeOrder("pos"), on: "Order", "o1", seenWith: .readOrders("pos")) } == nil)
        // Webhooks are the admin's.
        #expect(!Self.service.may(.manageWebhooks) && !Self.web.may(.manageWebhooks) && !Self.utrecht.may(.manageWebhooks))
    }
}

@Suite("Sign-in throttle")
struct LoginThrottleTests {
    @Test func waitsOnlyAfterTheFreeFailuresAndDoubles() {
        let last = Date(timeIntervalSince1970: 1_000)
        // A failure stored a fraction of a millisecond "later" than now must not throttle the next attempt.
        #expect(LoginThrottle.retryAfter(failures: 1, lastFailure: last.addingTimeInterval(0.0004), now: last) == 0)
        #expect(LoginThrottle.retryAfter(failures: LoginThrottle.freeFailures - 1, lastFailure: last, now: last) == 0)
        #expect(LoginThrottle.retryAfter(failures: LoginThrottle.freeFailures, lastFailure: last, now: last) == 1)
        #expect(LoginThrottle.retryAfter(failures: LoginThrottle.freeFailures + 3, lastFailure: last, now: last.addingTimeInterval(2)) == 6)
        #expect(LoginThrottle.wait(afterFailures: 100) == 900, "at most a quarter of an hour")
    }
}

@Suite("Text that clients send")
struct ClientTextTests {
    @Test func emailsAreMatchedTrimmedAndLowercasedWhitespaceOnlyIsNothing() {
        #expect(CustomerDetails(email: " \tAna@Example.COM \n").normalizedEmail == "ana@example.com")
        #expect(CustomerDetails(email: "ana@example.com").normalizedEmail == "ana@example.com")
        #expect(CustomerDetails(email: "Ana").normalizedEmail == "ana")
        #expect(CustomerDetails(email: "a").normalizedEmail == "a")
        #expect(CustomerDetails(email: " \u{00A0}\n").normalizedEmail == nil)
        #expect(CustomerDetails(email: "").normalizedEmail == nil)
    }

    @Test func textThatIsOnlyWhitespaceIsEmpty() {
        var validator = Validator()
        validator.text("  \n", "name")
        validator.text("", "note")
        validator.text(" Ana ", "first")
        validator.text("Ana", "last")
        #expect(validator.errors.map(\.field) == ["name", "note"])
    }
}

/// What an administrator may change about an account, and what nobody does to themself.
@Suite("People and access")
struct StaffChangeTests {
    let associate = StaffUser(id: "usr_a", email: "a@shop.test", name: "A", role: .store, locations: ["ST-UTR"])
    let admin = StaffUser(id: "usr_b", email: "b@shop.test", name: "B", role: .admin, locations: [])

    @Test func aRoleChangeDropsTheStoresAndAStoreUserKeepsOne() throws {
        #expect(try associate.changed(.init(role: .service), by: admin.id).locations.isEmpty)
        #expect(throws: OrderlyError.self) { try associate.changed(.init(locations: []), by: admin.id) }
        #expect(throws: OrderlyError.self) { try admin.changed(.init(role: .service, locations: ["ST-UTR"]), by: associate.id) }
        #expect(try associate.changed(.init(disabled: true), by: admin.id) == associate)
    }

    @Test func nobodyLocksThemselfOut() throws {
        #expect(throws: OrderlyError.validation([.init(field: "disabled", message: "you cannot disable your own account")])) {
            try admin.changed(.init(disabled: true), by: admin.id)
        }
        #expect(throws: OrderlyError.self) { try admin.changed(.init(role: .service), by: admin.id) }
        #expect(try admin.changed(.init(name: "Beatrix"), by: admin.id).name == "Beatrix")
        #expect(throws: OrderlyError.self) { try StaffUser.validate(password: "short") }
    }
}
