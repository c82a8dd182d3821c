import Foundation
import NIOCore
import OrderlyCore
import OrderlyTestSupport
import SQLKit
import SQLiteKit
import Synchronization
import Testing

@testable import OrderlyStore

/// What makes a statement cheap: SQLite use cases running on their connection's own thread
/// with prepared statements kept, PostgreSQL inserts held and sent together, and channels,
/// locations and API keys cached for a second. Each must not change what a use case sees.
@Suite("Statement cost")
struct StatementCostTests {
    static func fanoutNames(_ database: Database, prefix: String) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT name FROM webhook_fanout WHERE name LIKE \(bind: prefix + "%") ORDER BY name").all().map {
                try $0.string("name")
            }
        }
    }

    static func insertRow(_ name: String, _ value: Int64 = 0) -> SQLQueryString {
        "INSERT INTO webhook_fanout (name, last_event_id) VALUES (\(bind: name), \(bind: value))"
    }

    @Test(arguments: Engine.all)
    func heldInsertsAreSeenByTheTransactionsNextStatementAndCommitWithIt(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let database = stores.database
            let seen = try await database.transaction { db -> [Int] in
                try await db.insertLater(Self.insertRow("held-a"))
                try await db.insertLater(Self.insertRow("held-b"))
                // On PostgreSQL both wait for the next statement; on SQLite they ran at once.
                let waiting = db.held?.count ?? 0
                let visible = try await db.raw("SELECT count(*) AS n FROM webhook_fanout WHERE name LIKE 'held-%'").first()?.int64("n") ?? -1
                let waitingAfter = db.held?.count ?? 0
                try await db.insertLater(Self.insertRow("held-c"))
                EventLog.append(db, .init(type: "test.held", subject: "test:held", data: #"{"n":1}"#, actor: "test", at: Date()))
                return [waiting, Int(visible), waitingAfter]
            }
            #expect(seen == [engine == .postgres ? 2 : 0, 2, 0])
            #expect(try await Self.fanoutNames(database, prefix: "held-") == ["held-a", "held-b", "held-c"])
            #expect(try await stores.events.list(after: nil, limit: nil, types: ["test.held"]).items.map(\.subject) == ["test:held"])
        }
    }

    @Test(arguments: Engine.all)
    func aHeldInsertThatFailsRollsTheWholeTransactionBack(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let database = stores.database
            try await database.transaction { db in try await db.raw(Self.insertRow("taken")).run() }
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in
                    try await db.raw(Self.insertRow("before")).run()
                    try await db.insertLater(Self.insertRow("fresh"))
                    try await db.insertLater(Self.insertRow("taken"))  // unique violation, raised at the commit on PostgreSQL
                    EventLog.append(db, .init(type: "test.rolled-back", subject: "test:x", data: #"{"n":1}"#, actor: "test", at: Date()))
                }
            }
            #expect(try await Self.fanoutNames(database, prefix: "") == ["events", "taken"])
            #expect(try await stores.events.list(after: nil, limit: nil, types: ["test.rolled-back"]).items.isEmpty)
        }
    }

    static func reserved(_ db: any SQLDatabase, _ sku: String) async throws -> Int64? {
        try await db.raw(
            "SELECT reserved FROM inventory_levels WHERE sku = \(bind: sku) AND location_id = \(bind: Fixtures.warehouse.rawValue)"
        ).first()?.int64("reserved")
    }

    @Test(arguments: Engine.all)
    func sqlKitsFutureEntryPointRunsTheSameStatements(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let rows = Mutex<[Int64]>([])
            let seen = try await stores.database.transaction { db -> [Int64] in
                // The session (and, on PostgreSQL, the database sending held inserts first).
                try await db.insertLater(Self.insertRow("future", 5))
                try await db.execute(sql: SQLQueryString("SELECT last_event_id FROM webhook_fanout WHERE name = 'future'")) { row in
                    if let value = try? row.decode(column: "last_event_id", as: Int64.self) { rows.withLock { $0.append(value) } }
                }.get()
                return rows.withLock { $0 }
            }
            #expect(seen == [5])
        }
    }

    @Test(arguments: Engine.all)
    func heldStockUpdatesGoWithTheInsertsAndOneThatFindsTooLittleRollsEverythingBack(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            let database = stores.database
            let seen = try await database.transaction { db -> [Int64] in
                // Two takes of SKU-1 become one update of 3; on PostgreSQL both rows wait.
                try await ReservationStore.reserve(
                    db, [("SKU-1", Fixtures.warehouse, 2), ("SKU-2", Fixtures.warehouse, 1), ("SKU-1", Fixtures.warehouse, 1)])
                try await db.insertLater(Self.insertRow("with-stock"))
                let waiting = Int64(db.held?.count ?? 0)
                return [waiting, try await Self.reserved(db, "SKU-1") ?? -1, try await Self.reserved(db, "SKU-2") ?? -1]
            }
            #expect(seen == [engine == .postgres ? 3 : 0, 3, 1])
            // SKU-1 has 2 free: a take of 3 finds too little, and nothing of that transaction stays.
            await #expect(throws: ReservationStore.StockMoved.self) {
                try await database.transaction { db in
                    try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 1), ("SKU-1", Fixtures.warehouse, 3)])
                    try await db.insertLater(Self.insertRow("lost"))
                    EventLog.append(db, .init(type: "test.lost", subject: "test:lost", data: #"{"n":1}"#, actor: "test", at: Date()))
                }
            }
            let after = try await database.read { db in [try await Self.reserved(db, "SKU-1"), try await Self.reserved(db, "SKU-2")] }
            #expect(after == [3, 1])
            #expect(try await Self.fanoutNames(database, prefix: "") == ["events", "with-stock"])
            #expect(try await stores.events.list(after: nil, limit: nil, types: ["test.lost"]).items.isEmpty)
            // A row reserved twice before anything is sent: the second is merged into the first
            // (one statement keeps only one change per row), so both count — and together they
            // must fit: with 4 free, 1 + 2 do; then with 1 free, three takes of 1 do not.
            let heldTogether = try await database.transaction { db -> Int in
                try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 1)])
                try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 2)])
                return db.held?.count ?? 0
            }
            #expect(heldTogether == (engine == .postgres ? 1 : 0))
            let sku2 = try await database.read { db in try await Self.reserved(db, "SKU-2") }
            #expect(sku2 == 4)
            await #expect(throws: ReservationStore.StockMoved.self) {
                try await database.transaction { db in
                    try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 1)])
                    try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 1)])
                    try await ReservationStore.reserve(db, [("SKU-2", Fixtures.warehouse, 1)])
                }
            }
            #expect(try await database.read { db in try await Self.reserved(db, "SKU-2") } == 4)
            // No order holds these units: give them back so the database stays consistent.
            try await database.transaction { db in
                try await ReservationStore.unreserve(db, [("SKU-1", Fixtures.warehouse, 3), ("SKU-2", Fixtures.warehouse, 4)])
            }
        }
    }

    @Test(arguments: Engine.all)
    func heldUpdatesGoFirstInTheOrderOfTheirRowsMergedPerRowThenTheInsertsAsHeldRowsOfOneTableTogether(engine: Engine) async throws {
        let held = HeldInserts()
        func update(_ sku: String, _ location: String, _ quantity: Int64) -> HeldInserts.Update {
            HeldInserts.Update(check: .init(row: ["inventory_levels", sku, location], failure: ReservationStore.StockMoved()), quantity: quantity) {
                "UPDATE inventory_levels SET reserved = reserved + \(literal: $0) WHERE sku = \(literal: sku) AND location_id = \(literal: location)"
            }
        }
        held.hold("INSERT INTO t VALUES (1)")
        held.hold(update("SKU-B", "WH-1", 1))
        held.hold(into: "r (a, b)", values: "(1, 'x')", then: "")
        held.hold(update("SKU-A", "WH-2", 2))
        held.hold("INSERT INTO t VALUES (2)")
        held.hold(into: "r (a, b)", values: "(2, 'y'), (3, 'z')", then: "")
        held.hold(into: "r (a, b)", values: "(4, 'w')", then: " ON CONFLICT DO NOTHING")
        held.hold(update("SKU-A", "WH-10", 3))
        held.hold(update("SKU-B", "WH-1", 4))
        held.hold(into: "r (a)", values: "(5)", then: "")
        #expect(held.count == 8)
        let statements = held.take()
        #expect(held.count == 0)
        let sql = try await TestDatabase.withStores(engine) { stores in
            try await stores.database.read { db in
                statements.map { statement -> String in
                    var serializer = SQLSerializer(database: db)
                    statement.query.serialize(to: &serializer)
                    return serializer.sql
                }
            }
        }
        // Rows in (table, sku, location) order, as every transaction locks them.
        #expect(
            sql == [
                "UPDATE inventory_levels SET reserved = reserved + 3 WHERE sku = 'SKU-A' AND location_id = 'WH-10'",
                "UPDATE inventory_levels SET reserved = reserved + 2 WHERE sku = 'SKU-A' AND location_id = 'WH-2'",
                "UPDATE inventory_levels SET reserved = reserved + 5 WHERE sku = 'SKU-B' AND location_id = 'WH-1'",
                "INSERT INTO t VALUES (1)",
                // Rows for one table, columns and ending join the first insert of them, in its place.
                "INSERT INTO r (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')",
                "INSERT INTO t VALUES (2)",
                "INSERT INTO r (a, b) VALUES (4, 'w') ON CONFLICT DO NOTHING",
                "INSERT INTO r (a) VALUES (5)",
            ])
    }

    @Test(arguments: Engine.all)
    func heldInsertsBeyondTheBindLimitGoInSeveralStatementsAndEventsKeepTheirOrder(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let database = stores.database
            // 3 × 12,000 rows × 2 binds: more than one statement may carry.
            let statements = (0..<3).map { part in
                SQLQueryString("INSERT INTO webhook_fanout (name, last_event_id) VALUES ")
                    + SQLQueryString.rows(0..<12_000) { n in
                        "\(bind: "bulk-\(part)-\(n)"), \(bind: Int64(n))"
                    }
            }
            let batches = try await database.read { db in
                HeldInserts.batches(
                    statements.map { .init(query: $0) }, then: [.init(query: Self.insertRow("e1")), .init(query: Self.insertRow("e2"))], on: db
                ).map(\.count)
            }
            #expect(
                batches == [1, 1, 2, 1], "24,000 binds each: one statement apiece; the first event closes the last batch, the second has its own")
            try await database.transaction { db in
                for statement in statements { try await db.insertLater(statement) }
                for n in 0..<700 {
                    EventLog.append(db, .init(type: "test.bulk", subject: "test:\(n)", data: "{\"n\":\(n)}", actor: "test", at: Date()))
                }
            }
            let count = try await database.read { db in
                try await db.raw("SELECT count(*) AS n FROM webhook_fanout WHERE name LIKE 'bulk-%'").first()?.int64("n")
            }
            #expect(count == 36_000)
            let subjects = try await database.read { db in
                try await db.raw("SELECT subject FROM events WHERE type = 'test.bulk' ORDER BY id").all().map { try $0.string("subject") }
            }
            #expect(subjects == (0..<700).map { "test:\($0)" }, "events in the order appended, ids ascending")
        }
    }

    @Test(arguments: Engine.all)
    func useCasesRunOnTheSQLiteConnectionsOwnThreadAndSurviveFailingStatements(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let database = stores.database
            let onThread = try await database.transaction { db in (db.connection as? SQLiteSession)?.connection.thread.isCurrent }
            let readOnThread = try await database.read { db in (db as? SQLiteSession)?.connection.thread.isCurrent }
            #expect(onThread == (engine == .sqlite ? true : nil))
            #expect(readOnThread == (engine == .sqlite ? true : nil))
            // More distinct statements than a connection keeps prepared.
            let sum = try await database.read { db in
                var sum: Int64 = 0
                for n in 0..<(SQLiteConnection.cachedStatements + 40) {
                    sum += try await db.raw("SELECT \(literal: n) AS n").first()?.int64("n") ?? 0
                }
                return sum
            }
            let count = Int64(SQLiteConnection.cachedStatements + 40)
            #expect(sum == count * (count - 1) / 2)
            try await database.transaction { db in try await db.raw(Self.insertRow("once")).run() }
            do {
                try await database.transaction { db in try await db.raw(Self.insertRow("once")).run() }
                Issue.record("a duplicate key was accepted")
            } catch let failure as SQLiteFailure {
                #expect(engine == .sqlite)
                #expect(failure.code & 0xFF == 19, "SQLITE_CONSTRAINT: \(failure)")
                #expect(failure.message.contains("UNIQUE"))
                #expect(!failure.isBusy)
            } catch {
                #expect(engine == .postgres, "\(String(reflecting: error))")
            }
            // The same statement, on the same connection, works again.
            try await database.transaction { db in try await db.raw(Self.insertRow("twice")).run() }
            #expect(try await Self.fanoutNames(database, prefix: "") == ["events", "once", "twice"])
        }
    }

    /// SQLite only: PostgreSQL has no write-ahead log of ours to checkpoint.
    @Test func theSQLiteLogIsCheckpointedBesideTheWriterAndStaysBounded() async throws {
        try await TestDatabase.withStores(.sqlite) { stores in
            let database = stores.database
            let checkpointer = try #require((database.driver as? SQLiteDriver)?.checkpointer)
            let walFile = try await database.read { db in try await db.raw("PRAGMA database_list").first()?.string("file") }.map { $0 + "-wal" }
            let wal = try #require(walFile)
            try await database.transaction { db in try await db.raw("CREATE TABLE scratch (payload BLOB)").run() }
            /// ~`pages` pages of the log in commits of 100.
            func write(pages: Int) async throws {
                for _ in 0..<(pages / 100) {
                    try await database.transaction { db in
                        try await db.raw(
                            """
                            INSERT INTO scratch (payload) SELECT randomblob(3000) FROM
                                (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n)
                            """
                        ).run()
                    }
                }
            }
            func logFrames() async throws -> Int64 {
                // A passive checkpoint from a reader answers how many frames the log holds.
                try await database.read { db in try await db.raw("PRAGMA wal_checkpoint(PASSIVE)").first()?.int64("log") } ?? -1
            }
            func pagesOnDisk() throws -> Int {
                ((try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0) / 4096
            }

            // The checkpointer's thread is held: the writer does not checkpoint past 1,000 pages
            // (SQLite's default would have, and the log would have started again at ~1,000).
            let gate = DispatchSemaphore(value: 0)
            checkpointer.connection.thread.schedule { gate.wait() }
            try await write(pages: 1_500)
            #expect(try pagesOnDisk() >= 1_450, "the writer left the log to the checkpointer")
            #expect(checkpointer.inline.load(ordering: .relaxed) == 0)
            gate.signal()
            let deadline = ContinuousClock.now + .seconds(10)
            while checkpointer.background.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(checkpointer.background.load(ordering: .relaxed) >= 1)
            // The next commit after a full checkpoint starts the log from its beginning.
            try await write(pages: 100)
            #expect(try await logFrames() < 300)

            // Held long enough, the writer catches up itself and the log stays bounded.
            checkpointer.connection.thread.schedule { gate.wait() }
            try await write(pages: SQLiteCheckpointer.inlinePages + 200)
            #expect(checkpointer.inline.load(ordering: .relaxed) >= 1)
            try await write(pages: 100)
            #expect(try await logFrames() < 1_000)
            #expect(try pagesOnDisk() < SQLiteCheckpointer.inlinePages + 400)
            gate.signal()
            let rows = try await database.read { db in try await db.raw("SELECT count(*) AS n FROM scratch").first()?.int64("n") }
            #expect(rows == Int64(100 * (15 + 1 + SQLiteCheckpointer.inlinePages / 100 + 2 + 1)))
        }
    }

    /// SQLite only: where savepoints keep the pages they change.
    @Test func sqliteKeepsStatementJournalsInMemoryOnTheWriterAndTheReaders() async throws {
        try await TestDatabase.withStores(.sqlite) { stores in
            let database = stores.database
            let writer = try await database.transaction { db in try await db.raw("PRAGMA temp_store").first()?.int64("temp_store") }
            let reader = try await database.read { db in try await db.raw("PRAGMA temp_store").first()?.int64("temp_store") }
            #expect(writer == 2 && reader == 2, "2 = MEMORY")
        }
    }

    @Test func randomTokensAreHexOfTheirLengthAndDiffer() {
        for bytes in [1, 4, 6, 8, 10, 12, 16, 24, 32] {
            let tokens = (0..<200).map { _ in Token.random(bytes: bytes) }
            #expect(tokens.allSatisfy { $0.count == 2 * bytes && $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() })
            if bytes >= 4 { #expect(Set(tokens).count == 200, "no repeats among 200 draws of \(bytes) bytes") }
        }
        // Every byte position takes many values: no position is left at zero or constant.
        let tokens = (0..<64).map { _ in Array(Token.random(bytes: 10).utf8) }
        for position in 0..<20 {
            #expect(Set(tokens.map { $0[position] }).count > 4, "hex digit \(position)")
        }
    }

    @Test func sqliteBindsAreStoredAsSQLiteKitWouldStoreThem() throws {
        let binds: [any Encodable & Sendable] = [
            "text", Int64(-7), 42, 2.5, true, false, String?.none, Int64?.none, String?.some("wrapped"), Int64?.some(9),
            ["a", "b"], Data([1, 2]),
        ]
        for bind in binds {
            #expect(try SQLiteSession.data(bind) == SQLiteDataEncoder().encode(bind), "\(bind)")
        }
        #expect(try SQLiteSession.data(Int64?.some(9)) == .integer(9))
        #expect(try SQLiteSession.data(String?.none) == .null)
        #expect(try SQLiteSession.data(true) == .integer(1))
    }

    @Test func busyAndLockedAreTransientOtherFailuresAreNot() {
        #expect(SQLiteFailure(code: 5, message: "database is locked").isBusy)  // SQLITE_BUSY
        #expect(SQLiteFailure(code: 5 | (2 << 8), message: "busy snapshot").isBusy)  // SQLITE_BUSY_SNAPSHOT
        #expect(SQLiteFailure(code: 6, message: "table is locked").isBusy)  // SQLITE_LOCKED
        #expect(!SQLiteFailure(code: 19 | (8 << 8), message: "UNIQUE constraint failed").isBusy)
    }

    @Test func theCacheKeepsAValueForItsLifetimeAndForgetsItWhenCleared() async throws {
        let cache = ConfigCache(lifetime: .seconds(1))
        let loads = Atomic<Int>(0)
        @Sendable func load() async throws -> String? {
            loads.add(1, ordering: .relaxed)
            return "v\(loads.load(ordering: .relaxed))"
        }
        #expect(try await cache.value("k", load) == "v1")
        #expect(try await cache.value("k", load) == "v1")
        cache.clear()
        #expect(try await cache.value("k", load) == "v2")
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await cache.value("k", load) == "v3", "expired")
        // A value loaded while a change committed is not kept.
        cache.clear()
        #expect(
            try await cache.value("k") { () async throws -> String? in
                cache.clear()
                return "stale"
            } == "stale")
        #expect(try await cache.value("k", load) == "v4")
        // Nothing found is not cached.
        let misses = Atomic<Int>(0)
        for _ in 0..<2 {
            _ = try await cache.value("missing") { () async throws -> String? in
                misses.add(1, ordering: .relaxed)
                return nil
            }
        }
        #expect(misses.load(ordering: .relaxed) == 2)
        // Past its capacity the cache starts afresh rather than growing.
        let small = ConfigCache(lifetime: .seconds(60), capacity: 2)
        let smallLoads = Atomic<Int>(0)
        @Sendable func count(_ key: String) async throws -> String? {
            smallLoads.add(1, ordering: .relaxed)
            return key
        }
        for key in ["a", "b", "a", "b"] { _ = try await small.value(key) { try await count(key) } }
        #expect(smallLoads.load(ordering: .relaxed) == 2, "a and b kept")
        _ = try await small.value("c") { try await count("c") }
        _ = try await small.value("a") { try await count("a") }
        #expect(smallLoads.load(ordering: .relaxed) == 4, "c's arrival emptied the full cache, so a was loaded again")
    }

    @Test(arguments: Engine.all)
    func changesToKeysChannelsAndLocationsTakeEffectAtOnce(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 10)
            let (key, secret) = try await stores.apiKeys.create(name: "shop", role: .channel, channel: Fixtures.web, locations: [], actor: "test")
            #expect(try await stores.apiKeys.authenticate(secret: secret)?.keyId == key.id)
            try await stores.apiKeys.revoke(key.id, actor: "test")
            #expect(try await stores.apiKeys.authenticate(secret: secret) == nil, "revoked: refused at once")

            let pickup = OrderStoreTests.draft(
                [.init(sku: "SKU-1", quantity: 1, unitPrice: 100, delivery: .pickup(Fixtures.utrecht))], externalId: "p-1")
            #expect(try await stores.orders.place(pickup, actor: nil).order.lines[0].allocatedQuantity == 1)
            _ = try await stores.locations.update(Fixtures.utrecht, actor: "test") { $0.capabilities.pickup = false }
            var second = pickup
            second.externalId = "p-2"
            await #expect(throws: OrderlyError.self, "the store stopped handing over: refused at once") {
                try await stores.orders.place(second, actor: nil)
            }
            _ = try await stores.channels.update(Fixtures.web, actor: "test") { $0.holdRules = [HoldRule(name: "everything", minTotal: 0)] }
            var third = pickup
            third.externalId = "p-3"
            third.lines[0].delivery = .ship
            #expect(try await stores.orders.place(third, actor: nil).order.holds.map(\.reason).count == 1, "the new hold rule applies at once")
        }
    }
}
