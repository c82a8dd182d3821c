import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Reservations")
struct ReservationStoreTests {
    @Test(arguments: Engine.all)
    func reservesAcrossLocationsAndReleasesExactly(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 3)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 4, safetyStock: 1)
            let reservation = try await stores.reservations.create(
                channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 6)], ttlSeconds: 600, actor: "checkout")
            #expect(reservation.status == .active)
            #expect(reservation.lines.reduce(0) { $0 + $1.quantity } == 6)
            let wh = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            let utr = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level
            #expect(wh.reserved == 3 && utr.reserved == 3, "safety stock of 1 at Utrecht is not sold")
            #expect(wh.available == 0 && utr.available == 0)

            let released = try await stores.reservations.release(reservation.id, actor: "checkout")
            #expect(released.status == .released)
            let again = try await stores.reservations.release(reservation.id, actor: "checkout")
            #expect(again.status == .released)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 0)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level.reserved == 0)
            let events = try await stores.events.list(after: nil, limit: 500, types: ["reservation.created", "reservation.released"]).items
            #expect(events.map(\.type) == ["reservation.created", "reservation.released"])
        }
    }

    @Test(arguments: Engine.all)
    func shortageIsRefusedAndReservesNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 1)
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.reservations.create(
                    channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 2), .init(sku: "SKU-2", quantity: 2)], ttlSeconds: nil, actor: nil)
            }
            #expect(error?.code == .insufficientStock)
            #expect(error?.shortages == [.init(sku: "SKU-2", requested: 2, available: 1)])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 0)
        }
    }

    @Test(arguments: Engine.all)
    func channelPoolAndPinnedLocationAreRespected(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.create(Channel(id: "pos-utr", name: "POS Utrecht", kind: .pos, locations: [Fixtures.utrecht]), actor: nil)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 2)
            await #expect(throws: OrderlyError.self) {
                try await stores.reservations.create(channel: "pos-utr", lines: [.init(sku: "SKU-1", quantity: 3)], ttlSeconds: nil, actor: nil)
            }
            let pinned = try await stores.reservations.create(
                channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 2, locationId: Fixtures.utrecht)], ttlSeconds: nil, actor: nil)
            #expect(pinned.lines == [.init(sku: "SKU-1", locationId: Fixtures.utrecht, quantity: 2)])
            let outside = await #expect(throws: OrderlyError.self) {
                try await stores.reservations.create(
                    channel: "pos-utr", lines: [.init(sku: "SKU-1", quantity: 1, locationId: Fixtures.warehouse)], ttlSeconds: nil, actor: nil)
            }
            #expect(outside?.fieldErrors.first?.field == "lines[0].locationId")
        }
    }

    @Test(arguments: Engine.all)
    func expiredReservationsReleaseStockOnce(engine: Engine) async throws {
        let time = ManualTime()
        try await TestDatabase.withStores(engine, time: time) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            for _ in 0..<6 {
                _ = try await stores.reservations.create(channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 1)], ttlSeconds: 60, actor: nil)
            }
            let keep = try await stores.reservations.create(
                channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 2)], ttlSeconds: 3600, actor: nil)
            #expect(try await stores.reservations.expireDue() == 0)
            time.advance(by: 61)
            // Two "instances" sweep at once.
            async let a = stores.reservations.expireDue()
            async let b = stores.reservations.expireDue()
            let (x, y) = try await (a, b)
            #expect(x + y == 6)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 2)
            #expect(try await stores.reservations.get(keep.id).status == .active)
            let expired = try await stores.events.list(after: nil, limit: 500, types: ["reservation.expired"]).items
            #expect(expired.count == 6)
        }
    }

    @Test(arguments: Engine.all)
    func concurrentReservationsOfTheLastUnitsNeverOversell(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 25, safetyStock: 5)
            let outcomes = try await Self.race(stores, tasks: 60) { _ in [.init(sku: "SKU-1", quantity: 1)] }
            #expect(outcomes.granted == 20)
            #expect(outcomes.refused == 40)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.reserved == 20)
            #expect(level.reserved <= level.onHand - level.safetyStock)
        }
    }

    @Test(arguments: Engine.all)
    func concurrentReservationsAcrossLocationsNeverOversell(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 7)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 6, safetyStock: 1)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 4)
            // Mixed sizes: some requests must split across locations.
            let outcomes = try await Self.race(stores, tasks: 48) { i in [.init(sku: "SKU-1", quantity: Int64(1 + i % 3))] }
            var reserved: Int64 = 0
            for location in [Fixtures.warehouse, Fixtures.utrecht, Fixtures.rotterdam] {
                let level = try await stores.inventory.level(sku: "SKU-1", locationId: location).level
                #expect(level.reserved <= level.onHand - level.safetyStock)
                reserved += level.reserved
            }
            #expect(reserved == outcomes.units, "stock reserved equals what granted reservations hold")
            #expect(outcomes.units <= 16)
            #expect(outcomes.units >= 14, "a refusal only happens when too little is left for that request")
            #expect(outcomes.granted + outcomes.refused == 48)
        }
    }

    struct Outcomes {
        var granted = 0
        var refused = 0
        var units: Int64 = 0
    }

    static func race(
        _ stores: Stores, tasks: Int, lines: @escaping @Sendable (Int) -> [ReservationPlanner.Line]
    ) async throws -> Outcomes {
        try await withThrowingTaskGroup(of: Reservation?.self) { group in
            for i in 0..<tasks {
                group.addTask {
                    do {
                        return try await stores.reservations.create(channel: Fixtures.web, lines: lines(i), ttlSeconds: 600, actor: nil)
                    } catch let error as OrderlyError where error.code == .insufficientStock {
                        return nil
                    }
                }
            }
            var outcomes = Outcomes()
            for try await result in group {
                if let result {
                    outcomes.granted += 1
                    outcomes.units += result.lines.reduce(0) { $0 + $1.quantity }
                } else {
                    outcomes.refused += 1
                }
            }
            return outcomes
        }
    }
}
