import Foundation
import OrderlyCore
import OrderlyTestSupport
import SQLKit
import Synchronization
import Testing

@testable import OrderlyStore

/// Several new orders placed in one transaction (`OrderStore.placeTogether`, run by
/// `Batches` on PostgreSQL): each must come out exactly as if placed alone.
@Suite("Orders placed together")
struct OrderBatchTests {
    static func job(_ stores: Stores, _ draft: OrderDraft) async throws -> OrderStore.Batched {
        try draft.validate()
        let now = Date()
        let intake = try await stores.database.read { db in try await OrderStore.Intake.read(db, draft, at: now) }
        return OrderStore.Batched(draft: draft, intake: intake, actor: "test", now: now)
    }

    static func reserved(_ stores: Stores, _ sku: SKU, _ location: LocationID = Fixtures.warehouse) async throws -> Int64 {
        try await stores.inventory.level(sku: sku, locationId: location).level.reserved
    }

    /// Exercises the batch itself on both engines (the server batches on PostgreSQL only).
    @Test(arguments: Engine.all)
    func ordersPlacedTogetherAreEachAsIfPlacedAlone(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            _ = try await stores.channels.update(Fixtures.web, actor: "test") { $0.holdRules = [HoldRule(name: "first orders", firstOrder: true)] }
            // Grace has ordered before (and is held as a first order then); Ada and Linus are new.
            let earlier = try await stores.orders.place(
                OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "e-0", email: "grace@example.com"), actor: nil)
            #expect(earlier.order.holds.count == 1)
            let drafts = [
                OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "b-1", email: "ada@example.com"),
                OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 100)], externalId: "b-2", email: "Grace@Example.com"),
                OrderStoreTests.draft(
                    [.init(sku: "SKU-1", quantity: 1, unitPrice: 100), .init(sku: "SKU-2", quantity: 1, unitPrice: 50)], externalId: "b-3",
                    email: "linus@example.com"),
            ]
            var jobs: [OrderStore.Batched] = []
            for draft in drafts { jobs.append(try await Self.job(stores, draft)) }
            let placed = try await OrderStore.placeTogether(jobs, in: stores.database.driver).compactMap(\.placement)

            #expect(placed.map(\.created) == [true, true, true])
            #expect(placed.map(\.order.externalId) == ["b-1", "b-2", "b-3"])
            #expect(placed.map(\.order.number) == ["ORD-000002", "ORD-000003", "ORD-000004"])
            #expect(placed.map { $0.order.holds.count } == [1, 0, 1], "only Grace had ordered before")
            #expect(placed[1].order.customerId == earlier.order.customerId)
            #expect(Set(placed.map(\.order.customerId)).count == 3)
            #expect(placed[2].order.lines.map(\.backorderedQuantity) == [0, 1], "SKU-2 has no stock: backordered, as alone")
            // Reserves of the one row from three orders: 1 + 2 + 3 + 1 units.
            #expect(try await Self.reserved(stores, "SKU-1") == 7)
            for placement in placed {
                let stored = try await stores.orders.get(placement.order.id)
                #expect(stored.lines.map(\.allocatedQuantity) == placement.order.lines.map(\.allocatedQuantity))
                #expect(stored.customerId == placement.order.customerId)
            }
            #expect(placed[1].fulfillmentOrders.count == 1, "Grace's order was released at once")
            let created = try await stores.events.list(after: nil, limit: nil, types: ["order.created"]).items
            #expect(created.map(\.subject) == ([earlier.order] + placed.map(\.order)).map { "order:\($0.id)" }, "in the order placed")
            let customers = try await stores.customers.search(nil, after: nil, limit: nil).items
            #expect(Set(customers.compactMap(\.email)) == ["grace@example.com", "ada@example.com", "linus@example.com"])
        }
    }

    /// PostgreSQL only: what is prepared on its connections. Two batches of the same shape leave
    /// none of their writes prepared, and their two reads prepared (one connection, so that
    /// both batches run on it).
    @Test func aBatchsStatementsAreSentUnprepared() async throws {
        try await TestDatabase.withStores(.postgres, poolSize: 1) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            for round in 0..<2 {
                var jobs: [OrderStore.Batched] = []
                for n in 0..<2 {
                    let draft = OrderStoreTests.draft(
                        [.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "u-\(round)-\(n)", email: "u\(round)-\(n)@example.com")
                    jobs.append(try await Self.job(stores, draft))
                }
                #expect(try await OrderStore.placeTogether(jobs, in: stores.database.driver).count == 2)
            }
            let prepared = try await stores.database.read { db in
                try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO orders %'").first()?.int64("n")
            }
            #expect(prepared == 0)
            let reads = try await stores.database.read { db in
                try await db.raw(
                    "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%email_key = ANY%' OR statement LIKE '%nextval(%'"
                ).first()?.int64("n")
            }
            #expect(reads == 2, "the batch's two reads have one shape, and are prepared")
            #expect(try await Self.reserved(stores, "SKU-1") == 4)
        }
    }

    /// PostgreSQL only: a batch looks its customers up by equality on `email_key`, which only
    /// the unique B-tree can answer since migration 9. Before, PostgreSQL could answer it from the
    /// trigram search index and scan that index's pending entries: milliseconds per batch, and
    /// growing with the table. Customer search still uses the trigram indexes.
    @Test func aBatchFindsItsCustomersByTheUniqueEmailIndexAndSearchByTrigrams() async throws {
        try await TestDatabase.withStores(.postgres) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            for n in 0..<3 {
                _ = try await stores.orders.place(
                    OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "i-\(n)", email: "c\(n)@example.com"),
                    actor: nil)
            }
            let found = try await stores.database.transaction { db in
                try await CustomerStore.lookUp(db, emails: ["c0@example.com", "c2@example.com", "nobody@example.com"])
            }
            #expect(found.keys.sorted() == ["c0@example.com", "c2@example.com"])
            let (lookUp, search) = try await stores.database.read { db in
                try await db.raw("SET enable_seqscan = off").run()
                let lookUp = try await Self.plan(db, CustomerStore.lookUpQuery(emails: ["c0@example.com", "c2@example.com"], engine: db.engine))
                let search = try await Self.plan(db, "SELECT id FROM customers WHERE LOWER(email_key) LIKE \(bind: "%c1@exa%")")
                try await db.raw("RESET enable_seqscan").run()
                return (lookUp, search)
            }
            // The only indexes on the columns themselves (not an expression of them) are B-trees.
            let onColumns = try await stores.database.read { db in
                try await db.raw(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'customers' AND indexdef ~ 'USING \\w+ \\((email|phone)_key[ ,)]' ORDER BY indexname"
                ).all().map { try $0.string("indexname") }
            }
            #expect(onColumns == ["customers_email_key_key", "customers_phone"])
            #expect(lookUp.contains("customers_email_key_key") && !lookUp.contains("trgm"), "\(lookUp)")
            #expect(search.contains("customers_email_trgm"), "\(search)")
            #expect(try await stores.customers.search("C1@Exa", after: nil, limit: nil).items.compactMap(\.email) == ["c1@example.com"])
        }
    }

    static func plan(_ db: any SQLDatabase, _ query: SQLQueryString) async throws -> String {
        try await db.raw("EXPLAIN " + query).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
    }

    /// Two orders that each fit what was read but together want more than the row holds: the
    /// batch routes the second from what the first left (its own view of the stock), so the
    /// batch commits — the second backorders, or on a channel that refuses shortages is refused
    /// alone and writes nothing — instead of failing both.
    @Test(arguments: Engine.all)
    func aShortOrderIsAnsweredAloneAndNeverFailsItsBatch(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 4)
            let first = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "x-1", email: "a@example.com"))
            let second = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 100)], externalId: "x-2", email: "b@example.com"))
            // Each fits what was read; together they want 5 of 4.
            let outcomes = try await OrderStore.placeTogether([first, second], in: stores.database.driver)
            let placed = outcomes.compactMap(\.placement)
            #expect(placed.count == 2)
            #expect(placed.map { $0.order.lines[0].allocatedQuantity } == [2, 2])
            #expect(placed.map { $0.order.lines[0].backorderedQuantity } == [0, 1], "the second backorders what the first took")
            #expect(try await Self.reserved(stores, "SKU-1") == 4)

            // A channel that refuses shortages: the short order alone is refused; the other is placed.
            _ = try await stores.channels.update(Fixtures.web, actor: "test") { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 4 + 3)
            let third = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "x-3", email: "c@example.com"))
            let fourth = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "x-4", email: "d@example.com"))
            let events = try await stores.events.list(after: nil, limit: 500).items.count
            let answers = try await OrderStore.placeTogether([third, fourth], in: stores.database.driver)
            #expect(answers.map { $0.placement?.order.externalId } == ["x-3", nil])
            guard case .refused(let refusal) = answers[1] else {
                Issue.record("the short order was not refused")
                return
            }
            #expect(refusal.code == .insufficientStock)
            // 4 + 1 (x-2's backordered unit, served by the count) + 2 (x-3); x-4 wanted 2 of the 0 left.
            #expect(try await Self.reserved(stores, "SKU-1") == 7)
            #expect(try await stores.orders.search(.init(), after: nil, limit: nil).items.compactMap(\.externalId).sorted() == ["x-1", "x-2", "x-3"])
            #expect(try await stores.customers.search("d@example.com", after: nil, limit: nil).items.isEmpty, "the refused order wrote no profile")
            let written = try await stores.events.list(after: nil, limit: 500).items.dropFirst(events)
            #expect(written.map(\.type) == ["order.created", "order.allocated", "fulfillment.created"], "only the placed order's events")
        }
    }

    /// Orders that share no sku read no stock on a first attempt (`StockView.skusToRead`); when
    /// the stock moved under them since their own snapshots, the batch runs again reading every
    /// sku afresh, and the order that now finds too little backorders alone.
    @Test(arguments: Engine.all)
    func aBatchWhoseStockMovedRunsAgainFromFreshStock(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 2)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 2)
            let first = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "m-1", email: "a@example.com"))
            let second = try await Self.job(
                stores, OrderStoreTests.draft([.init(sku: "SKU-2", quantity: 2, unitPrice: 100)], externalId: "m-2", email: "b@example.com"))
            // After both snapshots were read, SKU-2 is counted down to 1.
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 1)
            let retries = Atomic<Int>(0)
            let outcomes = try await OrderStore.placeTogether([first, second], in: stores.database.driver) {
                retries.add(1, ordering: .relaxed)
            }
            #expect(retries.load(ordering: .relaxed) == 1, "the first attempt's reserve of SKU-2 found too little")
            let placed = outcomes.compactMap(\.placement)
            #expect(placed.map(\.order.externalId) == ["m-1", "m-2"])
            #expect(placed.map { $0.order.lines[0].allocatedQuantity } == [2, 1])
            #expect(placed.map { $0.order.lines[0].backorderedQuantity } == [0, 1])
            #expect(try await Self.reserved(stores, "SKU-1") == 2)
            #expect(try await Self.reserved(stores, "SKU-2") == 1)
        }
    }

    @Test func batchesGatherWhatArrivesMeanwhileKeepKeysApartAndAnswerNilWhenTheyFail() async throws {
        let gate = Gate()
        let seen = Mutex<[[Int]]>([])
        let batches = Batches<Int, Int>(lanes: 1, maxBatch: 4, logger: TestDatabase.logger) { jobs in
            let count = seen.withLock { seen -> Int in
                seen.append(jobs)
                return seen.count
            }
            if count == 1 { await gate.wait() }
            if jobs.contains(13) { throw CancellationError() }
            return jobs.map { $0 * 10 }
        }
        // Odd jobs share one key (never two in a batch); even ones and 13 have their own.
        let key: @Sendable (Int) -> String = { $0 % 2 == 1 && $0 != 13 ? "shared" : "own-\($0)" }
        let answers = Mutex<[Int: Int]>([:])
        let failed = Mutex<Set<Int>>([])
        await withTaskGroup(of: Void.self) { group in
            let submit: @Sendable (Int) async -> Void = { job in
                if let answer = await batches.submit(job, key: key(job)) {
                    answers.withLock { $0[job] = answer }
                } else {
                    failed.withLock { _ = $0.insert(job) }
                }
            }
            group.addTask { await submit(0) }
            while batches.jobs.load(ordering: .relaxed) < 1 { try? await Task.sleep(for: .milliseconds(2)) }
            // While the first batch runs, nine more arrive.
            for job in [1, 3, 5, 7, 2, 4, 6, 8, 13] { group.addTask { await submit(job) } }
            while batches.queued < 9 { try? await Task.sleep(for: .milliseconds(2)) }
            await gate.open()
        }
        let all = seen.withLock { $0 }
        let batchOf13 = Set(all.first { $0.contains(13) } ?? [])
        #expect(all.first == [0])
        #expect(all.allSatisfy { $0.count <= 4 })
        #expect(all.allSatisfy { batch in batch.filter { key($0) == "shared" }.count <= 1 }, "one job per key in a batch: \(all)")
        #expect(all.flatMap { $0 }.sorted() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 13])
        #expect(all.count < 10, "what arrived meanwhile was gathered: \(all)")
        #expect(failed.withLock { $0 } == batchOf13, "every job of the failed batch, and only those, answered nil")
        for (job, answer) in answers.withLock({ $0 }) { #expect(answer == job * 10) }
        #expect(answers.withLock { $0.count } + batchOf13.count == 10)
        #expect(batches.failures.load(ordering: .relaxed) == 1)
    }

    /// Places `count` one-unit orders of SKU-1 at once; whether each was placed (false: refused
    /// for want of stock).
    static func placeAtOnce(_ stores: Stores, _ count: Int) async throws -> [Bool] {
        try await withThrowingTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for n in 0..<count {
                group.addTask {
                    let draft = OrderStoreTests.draft(
                        [.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "flash-\(n)", email: "buyer\(n)@example.com")
                    do {
                        return try await stores.orders.place(draft, actor: nil).created
                    } catch let error as OrderlyError where error.code == .insufficientStock {
                        return false
                    }
                }
            }
            var outcomes: [Bool] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// A flash sale through the server's path: many orders for one hot row at once, more than it
    /// holds. Exactly what it holds is sold, whatever shares a batch or falls back to alone.
    @Test(arguments: Engine.all)
    func aFlashSaleSellsExactlyWhatTheRowHolds(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, orderBatchLanes: 2) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 25)
            _ = try await stores.channels.update(Fixtures.web, actor: "test") { $0.routing.onShortage = .reject }
            let outcomes = try await Self.placeAtOnce(stores, 40)
            let sold = outcomes.filter { $0 }.count
            #expect(sold == 25)
            #expect(try await Self.reserved(stores, "SKU-1") == 25)
            #expect(try await stores.orders.search(.init(), after: nil, limit: 100).items.count == 25)
            // SQLite's one writer batches every write already: it has no order batches.
            guard engine == .postgres else {
                #expect(stores.database.orderBatches == nil)
                return
            }
            let batches = try #require(stores.database.orderBatches)
            #expect(batches.jobs.load(ordering: .relaxed) >= 25)
            #expect(batches.batches.load(ordering: .relaxed) < batches.jobs.load(ordering: .relaxed), "orders shared batches")
            // Selling out fails no batch: a short order is refused alone, a batch whose stock
            // moved under it runs again (at most twice more) before its orders go alone.
            #expect(batches.failuresByCause["stock_moved", default: 0] <= 1, "\(batches.failuresByCause)")
            #expect(batches.failuresByCause["other", default: 0] == 0, "\(batches.failuresByCause)")
        }
    }
}
