import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Inventory store")
struct InventoryStoreTests {
    @Test(arguments: Engine.all)
    func countCreatesLevelAndLedgerEntry(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let view = try await stores.inventory.count(
                sku: "SKU-1", locationId: Fixtures.warehouse, onHand: 12, safetyStock: 2, reference: "cycle-7", actor: "alice")
            #expect(view.level.onHand == 12)
            #expect(view.level.safetyStock == 2)
            #expect(view.level.available == 10)
            let recount = try await stores.inventory.count(sku: "SKU-1", locationId: Fixtures.warehouse, onHand: 9, safetyStock: nil, actor: "bob")
            #expect(recount.level.safetyStock == 2, "a count without safety stock keeps the current one")
            let ledger = try await stores.inventory.ledger(sku: "SKU-1", locationId: nil, before: nil, limit: nil).items
            #expect(ledger.map(\.delta) == [-3, 12])
            #expect(ledger.map(\.onHandAfter) == [9, 12])
            #expect(ledger.allSatisfy { $0.reason == .count })
            #expect(ledger.last?.reference == "cycle-7")
            #expect(ledger.last?.actor == "alice")
        }
    }

    @Test(arguments: Engine.all)
    func countBelowReservedIsRefused(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            _ = try await stores.reservations.create(channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 4)], ttlSeconds: 60, actor: nil)
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.count(sku: "SKU-1", locationId: Fixtures.warehouse, onHand: 3, safetyStock: nil, actor: nil)
            }
            #expect(error?.code == .validationFailed)
            #expect(error?.fieldErrors.first?.field == "onHand")
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.onHand == 5 && level.reserved == 4)
        }
    }

    @Test(arguments: Engine.all)
    func countOfUnknownSkuOrLocationIsNotFound(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            await #expect(throws: OrderlyError.notFound("Product", SKU("NOPE"))) {
                try await stores.inventory.count(sku: "NOPE", locationId: Fixtures.warehouse, onHand: 1, safetyStock: nil, actor: nil)
            }
            await #expect(throws: OrderlyError.notFound("Location", LocationID("NOWHERE"))) {
                try await stores.inventory.count(sku: "SKU-1", locationId: "NOWHERE", onHand: 1, safetyStock: nil, actor: nil)
            }
        }
    }

    @Test(arguments: Engine.all)
    func adjustmentBatchIsAllOrNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 1)
            let before = try await stores.inventory.ledger(sku: nil, locationId: nil, before: nil, limit: 500).items.count
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.adjust(
                    [
                        .init(sku: "SKU-1", locationId: Fixtures.warehouse, delta: 5, reason: .receipt),
                        .init(sku: "SKU-2", locationId: Fixtures.warehouse, delta: -2, reason: .damage),
                    ], actor: nil)
            }
            #expect(error?.fieldErrors.map(\.field) == ["adjustments[1].delta"])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.onHand == 10)
            #expect(try await stores.inventory.ledger(sku: nil, locationId: nil, before: nil, limit: 500).items.count == before)

            let views = try await stores.inventory.adjust(
                [
                    .init(sku: "SKU-1", locationId: Fixtures.warehouse, delta: 5, reason: .receipt, reference: "PO-1"),
                    .init(sku: "SKU-1", locationId: Fixtures.warehouse, delta: -3, reason: .damage),
                    .init(sku: "SKU-3", locationId: Fixtures.utrecht, delta: 4, reason: .transfer),
                ], actor: "erp")
            #expect(views.map(\.level.onHand) == [12, 12, 4])
            let ledger = try await stores.inventory.ledger(sku: "SKU-1", locationId: Fixtures.warehouse, before: nil, limit: 2).items
            #expect(ledger.map(\.reason) == [.damage, .receipt])
            #expect(ledger.map(\.onHandAfter) == [12, 15])
        }
    }

    @Test(arguments: Engine.all)
    func adjustmentsNameUnknownReferencesAndBadReasons(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.adjust(
                    [
                        .init(sku: "GHOST", locationId: Fixtures.warehouse, delta: 1, reason: .receipt),
                        .init(sku: "SKU-1", locationId: "NOWHERE", delta: 1, reason: .receipt),
                    ], actor: nil)
            }
            #expect(error?.fieldErrors.map(\.field) == ["adjustments[0].sku", "adjustments[1].locationId"])
            let shipment = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.adjust([.init(sku: "SKU-1", locationId: Fixtures.warehouse, delta: -1, reason: .shipment)], actor: nil)
            }
            #expect(shipment?.fieldErrors.map(\.field) == ["adjustments[0].reason"])
            let absurd = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.adjust(
                    [.init(sku: "SKU-1", locationId: Fixtures.warehouse, delta: 5_000_000_000, reason: .receipt)], actor: nil)
            }
            #expect(absurd?.fieldErrors.map(\.field) == ["adjustments[0].delta"])
        }
    }

    @Test(arguments: Engine.all)
    func importAppliesSnapshotAndReportsDifferences(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            var csv = StockSnapshotCSV()
            csv.consume(Array("sku,locationId,onHand\nSKU-1,WH-AMS,10\nSKU-2,WH-AMS,7\r\nSKU-3,ST-UTR,3".utf8))
            let rows = try csv.finish()

            let dry = try await stores.inventory.importSnapshot(rows, dryRun: true, reference: nil, actor: nil)
            #expect(dry.changed == 2 && dry.unchanged == 1 && dry.dryRun)
            #expect(dry.differences.map(\.line) == [3, 4])
            #expect(try await stores.inventory.levels(sku: "SKU-2", locationId: nil, after: nil, limit: nil).items.isEmpty)

            let done = try await stores.inventory.importSnapshot(rows, dryRun: false, reference: "erp-sync", actor: "erp")
            #expect(done.changed == 2 && !done.dryRun)
            #expect(try await stores.inventory.level(sku: "SKU-2", locationId: Fixtures.warehouse).level.onHand == 7)
            #expect(try await stores.inventory.level(sku: "SKU-3", locationId: Fixtures.utrecht).level.onHand == 3)
            let entries = try await stores.inventory.ledger(sku: nil, locationId: nil, before: nil, limit: 10).items
            #expect(entries.prefix(2).allSatisfy { $0.reference == "erp-sync" && $0.reason == .count })
        }
    }

    @Test(arguments: Engine.all)
    func importWithAnyBadLineChangesNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            var csv = StockSnapshotCSV()
            csv.consume(Array("SKU-1,WH-AMS,4\nGHOST,WH-AMS,1\nSKU-2,NOWHERE,1\n".utf8))
            let rows = try csv.finish()
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.inventory.importSnapshot(rows, dryRun: false, reference: nil, actor: nil)
            }
            #expect(error?.fieldErrors.map(\.field) == ["line 2", "line 3"])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.onHand == 10)
        }
    }

    @Test(arguments: Engine.all)
    func levelsAndLedgerPaginate(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            for sku in ["SKU-1", "SKU-2", "SKU-3"] {
                for location in [Fixtures.warehouse, Fixtures.utrecht] { try await Fixtures.stock(stores, SKU(sku), location, 1) }
            }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await stores.inventory.levels(sku: nil, locationId: nil, after: cursor, limit: 4)
                seen += page.items.map { "\($0.level.sku)@\($0.level.locationId)" }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 6 && Set(seen).count == 6)
            #expect(seen == seen.sorted())
            let atUtrecht = try await stores.inventory.levels(sku: nil, locationId: Fixtures.utrecht, after: nil, limit: nil).items
            #expect(atUtrecht.count == 3)
            let first = try await stores.inventory.ledger(sku: nil, locationId: nil, before: nil, limit: 4)
            let rest = try await stores.inventory.ledger(sku: nil, locationId: nil, before: first.nextCursor, limit: 4)
            #expect(first.items.count == 4 && rest.items.count == 2 && rest.nextCursor == nil)
            #expect(Set(first.items.map(\.id)).isDisjoint(with: rest.items.map(\.id)))
        }
    }
}
