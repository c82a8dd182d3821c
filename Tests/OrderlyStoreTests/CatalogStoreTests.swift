import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Catalog, keys and idempotency")
struct CatalogStoreTests {
    @Test(arguments: Engine.all)
    func migrationsAreRecordedAndIdempotent(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let applied = try await Migrator.migrate(stores.database)
            #expect(applied.isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func locationsCreateUpdateAndPaginate(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let duplicate = await #expect(throws: OrderlyError.self) {
                try await stores.locations.create(Location(id: Fixtures.warehouse, name: "Again", kind: .warehouse), actor: nil)
            }
            #expect(duplicate?.code == .conflict)
            let updated = try await stores.locations.update(Fixtures.utrecht, actor: nil) {
                $0.dailyCapacity = 40
                $0.address = Address(city: "Utrecht", country: "NL")
            }
            #expect(try await stores.locations.get(Fixtures.utrecht) == updated)
            #expect(updated.coordinates?.latitude == 52.09)
            let first = try await stores.locations.list(after: nil, limit: 3, type: nil)
            let second = try await stores.locations.list(after: first.nextCursor, limit: 3, type: nil)
            #expect(first.items.count == 3 && second.items.count == 1 && second.nextCursor == nil)
            #expect(try await stores.locations.list(after: nil, limit: nil, type: .store).items.map(\.id) == [Fixtures.rotterdam, Fixtures.utrecht])
            let bad = await #expect(throws: OrderlyError.self) {
                try await stores.locations.create(
                    Location(id: "bad id", name: "", kind: .store, coordinates: .init(latitude: 91, longitude: 0)), actor: nil)
            }
            #expect(bad?.fieldErrors.map(\.field) == ["id", "name", "latitude"])
        }
    }

    @Test(arguments: Engine.all)
    func productUpsertIsAllOrNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let results = try await stores.products.upsert(
                [
                    Product(sku: "SKU-1", name: "Product SKU-1"), Product(sku: "SKU-1B", name: "New", attributes: ["color": "red"]),
                    Product(sku: "SKU-2", name: "Renamed"),
                ],
                actor: nil, bulk: true)
            #expect(results == [.unchanged, .created, .updated])
            #expect(try await stores.products.get("SKU-2").name == "Renamed")
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.products.upsert(
                    [Product(sku: "SKU-9", name: "Fine"), Product(sku: "SKU-10", name: "Drop", dropshipSupplier: "NOWHERE")], actor: nil, bulk: true)
            }
            #expect(error?.fieldErrors.map(\.field) == ["[1].dropshipSupplier"])
            await #expect(throws: OrderlyError.notFound("Product", SKU("SKU-9"))) { try await stores.products.get("SKU-9") }
            let preorder = await #expect(throws: OrderlyError.self) {
                try await stores.products.upsert([Product(sku: "PRE", name: "Pre", sellBeyondStock: .preorder)], actor: nil, bulk: false)
            }
            #expect(preorder?.fieldErrors.map(\.field) == ["releaseDate"])
        }
    }

    @Test(arguments: Engine.all)
    func apiKeysAuthenticateUntilRevoked(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let (key, secret) = try await stores.apiKeys.create(
                name: "Utrecht tablet", role: .store, channel: nil, locations: [Fixtures.utrecht], actor: nil)
            #expect(secret.hasPrefix("ork_") && secret.count > 60)
            let principal = try await stores.apiKeys.authenticate(secret: secret)
            #expect(principal?.role == .store && principal?.locations == [Fixtures.utrecht])
            #expect(try await stores.apiKeys.authenticate(secret: secret + "x") == nil)
            try await stores.apiKeys.revoke(key.id, actor: nil)
            #expect(try await stores.apiKeys.authenticate(secret: secret) == nil)
            let scope = await #expect(throws: OrderlyError.self) {
                try await stores.apiKeys.create(name: "web", role: .channel, channel: nil, locations: [], actor: nil)
            }
            #expect(scope?.fieldErrors.map(\.field) == ["channel"])
            try await stores.apiKeys.ensureAdmin(secret: "ork_bootstrap")
            try await stores.apiKeys.ensureAdmin(secret: "ork_bootstrap")
            #expect(try await stores.apiKeys.list().filter { $0.role == .admin }.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func idempotencyKeysReplayTheFirstAnswer(engine: Engine) async throws {
        let time = ManualTime(Date(timeIntervalSince1970: 1_800_000_000))
        try await TestDatabase.withStores(engine, time: time) { stores in
            let store = stores.idempotency
            let lease = Duration.seconds(30)
            #expect(try await store.claim(scope: "k1", key: "abc", requestHash: "h1", lease: lease) == .proceed)
            #expect(
                try await store.claim(scope: "k1", key: "abc", requestHash: "h1", lease: lease)
                    == .inProgress(until: Date(timeIntervalSince1970: 1_800_000_030)))
            try await store.complete(scope: "k1", key: "abc", status: 201, contentType: "application/json", body: "{\"id\":1}")
            time.advance(by: 3600)
            #expect(
                try await store.claim(scope: "k1", key: "abc", requestHash: "h1", lease: lease)
                    == .replay(status: 201, contentType: "application/json", body: "{\"id\":1}"), "an answer outlives the lease")
            #expect(try await store.claim(scope: "k1", key: "abc", requestHash: "h2", lease: lease) == .mismatch)
            #expect(try await store.claim(scope: "k2", key: "abc", requestHash: "h2", lease: lease) == .proceed, "keys are per API key")
            try await store.abandon(scope: "k2", key: "abc")
            #expect(try await store.claim(scope: "k2", key: "abc", requestHash: "h3", lease: lease) == .proceed)

            // A claim never answered (its server died) is taken over once its lease has run out, by one retry only.
            #expect(try await store.claim(scope: "k3", key: "abc", requestHash: "h1", lease: lease) == .proceed)
            time.advance(by: 29)
            #expect(try await store.claim(scope: "k3", key: "abc", requestHash: "h1", lease: lease) != .proceed, "still leased")
            time.advance(by: 2)
            #expect(try await store.claim(scope: "k3", key: "abc", requestHash: "h2", lease: lease) == .mismatch, "another body still may not")
            #expect(try await store.claim(scope: "k3", key: "abc", requestHash: "h1", lease: lease) == .proceed, "the lease ran out")
            #expect(try await store.claim(scope: "k3", key: "abc", requestHash: "h1", lease: lease) != .proceed, "and is held again")
        }
    }
}
