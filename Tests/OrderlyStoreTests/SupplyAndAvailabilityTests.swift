import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Supply and availability")
struct SupplyAndAvailabilityTests {
    @Test(arguments: Engine.all)
    func receivingSupplyAddsOnHandThroughTheLedger(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 2)
            let expected = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-100", locationId: Fixtures.warehouse, expectedAt: expected,
                    lines: [.init(sku: "SKU-1", quantity: 10), .init(sku: "SKU-2", quantity: 5)]),
                actor: "erp")
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).incoming == 10)

            let partial = try await stores.supply.receive("PO-100", lines: [(sku: "SKU-1", quantity: 4)], actor: "dock")
            #expect(partial.status == .partiallyReceived)
            #expect(partial.lines.map(\.receivedQuantity) == [4, 0])
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse)
            #expect(level.level.onHand == 6 && level.incoming == 6)

            let over = await #expect(throws: OrderlyError.self) {
                try await stores.supply.receive("PO-100", lines: [(sku: "SKU-1", quantity: 7)], actor: nil)
            }
            #expect(over?.fieldErrors.first?.field == "lines[0].quantity")

            let rest = try await stores.supply.receive("PO-100", lines: nil, actor: "dock")
            #expect(rest.status == .received)
            #expect(try await stores.inventory.level(sku: "SKU-2", locationId: Fixtures.warehouse).level.onHand == 5)
            let receipts = try await stores.inventory.ledger(sku: "SKU-1", locationId: nil, before: nil, limit: nil).items.filter {
                $0.reason == .receipt
            }
            #expect(receipts.map(\.delta) == [6, 4])
            #expect(receipts.allSatisfy { $0.reference == "PO-100" })
            await #expect(throws: OrderlyError.self) { try await stores.supply.receive("PO-100", lines: nil, actor: nil) }
        }
    }

    @Test(arguments: Engine.all)
    func supplyRefusesUnknownReferencesAndDuplicates(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.supply.create(
                    Supply(id: "PO-1", locationId: "NOWHERE", expectedAt: Date(), lines: [.init(sku: "GHOST", quantity: 1)]), actor: nil)
            }
            #expect(Set(error?.fieldErrors.map(\.field) ?? []) == ["lines[0].sku", "locationId"])
            _ = try await stores.supply.create(
                Supply(id: "PO-1", locationId: Fixtures.warehouse, expectedAt: Date(), lines: [.init(sku: "SKU-1", quantity: 1)]), actor: nil)
            let duplicate = await #expect(throws: OrderlyError.self) {
                try await stores.supply.create(
                    Supply(id: "PO-1", locationId: Fixtures.warehouse, expectedAt: Date(), lines: [.init(sku: "SKU-1", quantity: 1)]), actor: nil)
            }
            #expect(duplicate?.code == .conflict)
        }
    }

    @Test(arguments: Engine.all)
    func availabilityFollowsTheChannelPoolAndPolicy(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10, safetyStock: 2)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 3)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 4)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.rotterdam, 1)
            _ = try await stores.reservations.create(
                channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 1, locationId: Fixtures.rotterdam)], ttlSeconds: nil, actor: nil)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-7", locationId: Fixtures.warehouse, expectedAt: Date(timeIntervalSince1970: 1_900_000_000),
                    lines: [.init(sku: "SKU-1", quantity: 50)]), actor: nil)
            _ = try await stores.locations.update(Fixtures.utrecht, actor: nil) { $0.active = false }
            // Supply expected at a location that holds none of these skus yet: it is read apart.
            _ = try await stores.locations.create(Location(id: "WH-NEW", name: "New DC", kind: .warehouse), actor: nil)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-8", locationId: "WH-NEW", expectedAt: Date(timeIntervalSince1970: 1_900_000_000),
                    lines: [.init(sku: "SKU-3", quantity: 12)]), actor: nil)

            let web = try await stores.availability.availability(
                channel: Fixtures.web, skus: ["SKU-1", "SKU-2", "SKU-3"], origin: Fixtures.amsterdam)
            #expect(web.map(\.sku) == ["SKU-1", "SKU-2", "SKU-3"])
            #expect(web[0].available == 8 + 3, "warehouse 10−2 safety, Rotterdam 4−1 reserved, Utrecht inactive")
            #expect(web[0].locations.map(\.locationId) == [Fixtures.warehouse, Fixtures.rotterdam], "nearest first")
            #expect(web[0].locations.last?.pickup == true)
            #expect(web[0].incoming.map(\.quantity) == [50])
            #expect(web[1].available == 1 && web[2].available == 0 && web[2].locations.isEmpty)
            #expect(web[2].incoming.map(\.locationId) == ["WH-NEW"] && web[2].incoming.map(\.quantity) == [12])

            _ = try await stores.channels.create(
                Channel(
                    id: "marketplace", name: "Marketplace", kind: .marketplace, locations: [Fixtures.warehouse, Fixtures.rotterdam],
                    routing: .init(shipFromStore: false)), actor: nil)
            _ = try await stores.locations.update(Fixtures.rotterdam, actor: nil) { $0.capabilities.pickup = false }
            let marketplace = try await stores.availability.availability(channel: "marketplace", skus: ["SKU-1"], origin: nil)
            #expect(marketplace[0].available == 8, "a store that neither ships for this channel nor hands over pickups does not count")
        }
    }
}
