import Foundation
import OrderlyCore
import OrderlyTestSupport
import SQLKit
import Synchronization
import Testing

@testable import OrderlyStore

/// Group commit (SQLite always; PostgreSQL when lanes are configured): concurrent write
/// transactions share one database transaction, each in a savepoint.
@Suite("Group commit")
struct GroupCommitTests {
    /// SQLite batches in its one writer lane; PostgreSQL is tested with two lanes.
    static func lanes(_ engine: Engine) -> Int { engine == .postgres ? 2 : 0 }

    @Test(arguments: Engine.all)
    func aFailingTransactionInABatchIsRolledBackAloneAndTheOthersCommit(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 12, groupCommitLanes: Self.lanes(engine)) { stores in
            let database = stores.database
            let count = 60
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<count {
                    group.addTask {
                        do {
                            try await database.transaction { db in
                                EventLog.append(
                                    db, .init(type: "test.batch", subject: "test:\(n)", data: "{\"n\":\(n)}", actor: "test", at: Date()))
                                try await db.raw("INSERT INTO webhook_fanout (name, last_event_id) VALUES (\(bind: "batch-\(n)"), \(bind: Int64(n)))")
                                    .run()
                                // Every third one fails after writing: its event and row must vanish, nothing else.
                                if n % 3 == 0 { throw OrderlyError.conflict("refused \(n)") }
                            }
                            return (n, true)
                        } catch {
                            #expect((error as? OrderlyError) == .conflict("refused \(n)"), "\(String(reflecting: error))")
                            return (n, false)
                        }
                    }
                }
                var outcomes: [Int: Bool] = [:]
                for await (n, ok) in group { outcomes[n] = ok }
                return outcomes
            }
            let committed = Set(outcomes.filter(\.value).map(\.key))
            #expect(committed == Set((0..<count).filter { $0 % 3 != 0 }))
            let rows = try await database.read { db in
                try await db.raw("SELECT name FROM webhook_fanout WHERE name LIKE 'batch-%'").all().map { try $0.string("name") }
            }
            #expect(Set(rows) == Set(committed.map { "batch-\($0)" }))
            let events = try await stores.events.list(after: nil, limit: 500, types: ["test.batch"]).items
            #expect(Set(events.map(\.subject)) == Set(committed.map { "test:\($0)" }))
            #expect(events.map(\.id) == events.map(\.id).sorted(), "the feed stays in id order")
            let batches = try #require(database.groupCommit)
            let transactions = batches.transactions.load(ordering: .relaxed)
            #expect(transactions < batches.jobs.load(ordering: .relaxed), "concurrent transactions shared commits (\(transactions) for \(count))")
        }
    }

    /// A flash sale through group commit: every order wants the last units of one row. (Without
    /// order batches, so that every order goes through group commit.)
    @Test(arguments: Engine.all)
    func aFlashSaleInBatchesNeverOversells(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 12, groupCommitLanes: Self.lanes(engine), orderBatchLanes: 0) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 25)
            let placements = try await withThrowingTaskGroup(of: OrderStore.Placement.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        try await stores.orders.place(
                            OrderStoreTests.draft(
                                [.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "flash-\(n)", email: "f\(n)@example.com"),
                            actor: "web")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(placements.allSatisfy { $0.created })
            #expect(placements.filter { $0.order.status == .processing }.count == 25)
            #expect(placements.filter { $0.order.status == .awaitingStock }.count == 35)
            #expect(placements.filter { !$0.fulfillmentOrders.isEmpty }.count == 25)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.reserved == 25 && level.onHand == 25)
            #expect(Set(placements.map(\.order.number)).count == 60, "every order its own number")
            let batches = try #require(stores.database.groupCommit)
            #expect(batches.transactions.load(ordering: .relaxed) < batches.jobs.load(ordering: .relaxed))
        }
    }

    /// A transient failure (SQLite busy, a PostgreSQL deadlock) of the shared transaction runs
    /// the whole batch again; of one job, runs that job again — each is written exactly once.
    @Test(arguments: Engine.all)
    func transientFailuresRunTheirWorkAgain(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 12) { stores in
            let database = stores.database
            let driver = FlakyDriver(base: database.driver, failingTransactions: 1)
            let batches = GroupCommit(driver: driver, lanes: 1, logger: database.logger)
            let attempts = Attempts()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        try await batches.run { db in
                            let attempt = attempts.next(n)
                            try await db.raw("INSERT INTO webhook_fanout (name, last_event_id) VALUES (\(bind: "flaky-\(n)"), \(bind: Int64(n)))")
                                .run()
                            // Job 7 fails on its first two runs as a lost race would, after writing.
                            if n == 7 && attempt <= 2 { throw FlakyDriver.Transient() }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await database.read { db in
                try await db.raw("SELECT name FROM webhook_fanout WHERE name LIKE 'flaky-%'").all().map { try $0.string("name") }
            }
            #expect(rows.sorted() == (0..<20).map { "flaky-\($0)" }.sorted(), "every job's row once")
            #expect(driver.calls.load(ordering: .relaxed) >= 3, "the failed transaction and job 7's reruns were transactions of their own")
            let runs = attempts.counts
            #expect(runs[7] == 3)
            #expect(runs.filter { $0.key != 7 }.values.allSatisfy { $0 <= 2 }, "a rerun of the whole batch at most: \(runs)")
        }
    }
}

/// How many times each job ran.
final class Attempts: Sendable {
    private let state = Mutex<[Int: Int]>([:])
    func next(_ job: Int) -> Int {
        state.withLock {
            $0[job, default: 0] += 1
            return $0[job]!
        }
    }
    var counts: [Int: Int] { state.withLock { $0 } }
}

/// A driver whose first transactions fail after their body ran, as a failed commit would, with
/// an error it calls transient.
final class FlakyDriver: DatabaseDriver {
    struct Transient: Error {}

    let base: any DatabaseDriver
    let failing: Int
    let calls = Atomic<Int>(0)

    init(base: any DatabaseDriver, failingTransactions: Int) {
        self.base = base
        failing = failingTransactions
    }

    func read<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await base.read(prepared: prepared, body)
    }

    func transaction<T: Sendable>(prepared: Bool, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        let call = calls.add(1, ordering: .relaxed).newValue
        return try await base.transaction(prepared: prepared) { db in
            let result = try await body(db)
            if call <= self.failing { throw Transient() }
            return result
        }
    }

    func isTransient(_ error: any Error) -> Bool { error is Transient || base.isTransient(error) }

    func isUniqueViolation(_ error: any Error) -> Bool { base.isUniqueViolation(error) }

    func close() async {}
}
