import Foundation
import OrderlyCore
import OrderlyTestSupport
import PostgresNIO
import SQLKit
import Synchronization
import Testing

@testable import OrderlyStore

/// PostgreSQL statements prepared once per connection (`PostgresSession`): the same answers as
/// unprepared, one prepared statement per SQL and parameter types, and no statement left broken
/// on a connection by a preparation that failed.
@Suite("Prepared statements")
struct PreparedStatementTests {
    static func count(_ db: any SQLDatabase, lastEventID: Int64?) async throws -> Int64 {
        try await db.raw("SELECT count(*) AS n FROM webhook_fanout WHERE last_event_id = \(bind: lastEventID)").first()?.int64("n") ?? -1
    }

    @Test(arguments: Engine.all)
    func aStatementIsPreparedOncePerConnectionForEachSetOfParameterTypes(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 1) { stores in
            let database = stores.database
            try await database.transaction { db in
                try await db.raw("INSERT INTO webhook_fanout (name, last_event_id) VALUES ('a', 7), ('b', 7), ('c', 8)").run()
            }
            try await database.read { db in
                // Four uses, nulls and values: the same answers as ever.
                #expect(try await Self.count(db, lastEventID: 7) == 2)
                #expect(try await Self.count(db, lastEventID: 8) == 1)
                #expect(try await Self.count(db, lastEventID: nil) == 0)
                #expect(try await Self.count(db, lastEventID: nil) == 0)
                // The same text with a text and an integer parameter: two statements, both right.
                let text = try await db.raw("SELECT \(bind: "x") AS v").first()?.string("v")
                let number = try await db.raw("SELECT \(bind: 41 as Int64) + 1 AS v").first()?.int64("v")
                #expect(text == "x" && number == 42)
                // A value PostgresKit encodes as JSON goes unprepared and still arrives.
                struct Note: Codable, Sendable { var text: String }
                let json = try await db.raw("SELECT \(bind: Note(text: "hi")) ->> 'text' AS v").first()?.string("v")
                #expect(json == "hi")
                guard engine == .postgres else { return }
                let prepared = try await db.raw(
                    """
                    SELECT parameter_types::text AS types FROM pg_prepared_statements
                    WHERE statement = 'SELECT count(*) AS n FROM webhook_fanout WHERE last_event_id = $1' ORDER BY 1
                    """
                ).all().map { try $0.string("types") }
                // Each prepared on its second use: one for the integer, one for the untyped null
                // (whose type PostgreSQL inferred).
                #expect(prepared == ["{bigint}", "{bigint}"])
                let jsonPrepared = try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1 ->>%'").first()?
                    .int64("n")
                #expect(jsonPrepared == 0)
                // Used once: not prepared.
                let oncePrepared = try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1 + 1%'").first()?
                    .int64("n")
                #expect(oncePrepared == 0)
            }
        }
    }

    /// Work that sends its statements unprepared says so in the value it runs on: a transaction
    /// `withStatements(prepared: false)` (a batch of orders) or `read(prepared: false)` (a free-text search).
    /// The same transaction's other statements are prepared as usual, and its held inserts and
    /// events are shared: both views write into one transaction.
    @Test(arguments: Engine.all)
    func unpreparedWorkIsSaidByTheValueItRunsOn(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 1) { stores in
            let database = stores.database
            @Sendable func prepared(_ db: any SQLDatabase, _ like: String) async throws -> Int64 {
                guard engine == .postgres else { return 0 }
                return try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE \(bind: like)").first()?.int64("n")
                    ?? -1
            }
            let counts = try await database.transaction { transaction -> [Int64] in
                let unprepared = transaction.withStatements(prepared: false)
                for n in 1...3 { _ = try await unprepared.raw("SELECT \(bind: Int64(n)) AS unprepared_probe").first() }
                for n in 1...3 { _ = try await transaction.raw("SELECT \(bind: Int64(n)) AS prepared_probe").first() }
                try await unprepared.insertLater(StatementCostTests.insertRow("shared-held"))
                EventLog.append(unprepared, .init(type: "test.shared", subject: "test:shared", data: "{}", actor: "test", at: Date()))
                return [try await prepared(transaction, "%unprepared_probe%"), try await prepared(transaction, "%prepared_probe%")]
            }
            #expect(counts == [0, engine == .postgres ? 1 : 0])
            let searched = try await database.read(prepared: false) { db in
                for n in 1...3 { _ = try await db.raw("SELECT \(bind: Int64(n)) AS search_probe").first() }
                return try await prepared(db, "%search_probe%")
            }
            #expect(searched == 0)
            let written = try await database.read { db in
                (
                    try await db.raw("SELECT count(*) AS n FROM webhook_fanout WHERE name = 'shared-held'").first()?.int64("n"),
                    try await db.raw("SELECT count(*) AS n FROM events WHERE type = 'test.shared'").first()?.int64("n")
                )
            }
            #expect(written.0 == 1 && written.1 == 1, "the held insert and the event committed with the transaction")
        }
    }

    @Test(arguments: Engine.all)
    func aPreparationThatFailedInAnAbortedTransactionDoesNotBreakTheStatementOnThatConnection(engine: Engine) async throws {
        struct RollBack: Error {}
        // One connection, so that the statement runs again where its preparation failed.
        try await TestDatabase.withStores(engine, poolSize: 1) { stores in
            let database = stores.database
            try await database.transaction { db in try await db.raw(StatementCostTests.insertRow("taken", 9)).run() }
            // Seen once (unprepared): its next use prepares it.
            #expect(try await database.read { db in try await Self.count(db, lastEventID: 9) } == 1)
            let inAbortedTransaction = Mutex<Bool?>(nil)
            await #expect(throws: RollBack.self) {
                try await database.transaction { db in
                    let duplicate = (try? await db.raw(StatementCostTests.insertRow("taken")).run()) == nil
                    #expect(duplicate)
                    // On PostgreSQL the transaction is now aborted, and this statement — seen
                    // before, never prepared — fails while being prepared.
                    let failed = (try? await Self.count(db, lastEventID: 9)) == nil
                    inAbortedTransaction.withLock { $0 = failed }
                    throw RollBack()
                }
            }
            #expect(inAbortedTransaction.withLock { $0 } == (engine == .postgres))
            // The same statement on the same connection, in a healthy transaction, works.
            let counted = try await database.transaction { db in try await Self.count(db, lastEventID: 9) }
            #expect(counted == 1)
            let read = try await database.read { db in try await Self.count(db, lastEventID: 9) }
            #expect(read == 1)
        }
    }

    @Test func whatIsPreparedAndWhatIsSentAsItIs() throws {
        let statements = PreparedStatements(capacity: 2)
        // Prepared the second time it is seen.
        #expect(statements.name(sql: "SELECT $1", types: [.int8]) == nil)
        let first = statements.name(sql: "SELECT $1", types: [.int8])
        #expect(first != nil)
        #expect(statements.name(sql: "SELECT $1", types: [.int8]) == first)
        #expect(statements.name(sql: "SELECT $1", types: [.text]) == nil)
        #expect(statements.name(sql: "SELECT $1", types: [.text]) != first)
        // Full: a third statement goes unprepared however often it comes; the known ones keep their names.
        #expect(statements.name(sql: "SELECT 2", types: []) == nil)
        #expect(statements.name(sql: "SELECT 2", types: []) == nil)
        #expect(statements.name(sql: "SELECT $1", types: [.int8]) == first)
        #expect(statements.count == 2)
        // Only queries and data changes are prepared, and not those with very many binds.
        let roomy = PreparedStatements()
        func twice(_ sql: String, _ types: [PostgresDataType] = []) -> String? {
            _ = roomy.name(sql: sql, types: types)
            return roomy.name(sql: sql, types: types)
        }
        #expect(twice("BEGIN") == nil)
        #expect(twice("ROLLBACK TO SAVEPOINT s1") == nil)
        #expect(twice("CREATE TABLE t (id BIGINT)") == nil)
        #expect(twice("SET plan_cache_mode = auto") == nil)
        #expect(twice("\n  select 1") != nil)
        #expect(twice("WITH held_0 AS (INSERT INTO t VALUES ($1)) SELECT 1", [.int8]) != nil)
        #expect(twice("DELETE FROM t WHERE id = $1", [.int8]) != nil)
        #expect(twice("INSERT …", Array(repeating: .int8, count: PreparedStatements.maximumBinds + 1)) == nil)
        #expect(roomy.name(sql: "SELECT $1 AS batch", types: [.int8]) == nil, "seen first now")
        #expect(roomy.name(sql: "SELECT $1 AS batch", types: [.int8]) != nil)
        // What is seen once is forgotten past the capacity, and never prepared.
        let small = PreparedStatements(capacity: 2)
        for n in 0..<3 { #expect(small.name(sql: "SELECT \(n)", types: []) == nil) }
        #expect(small.name(sql: "SELECT 0", types: []) == nil, "forgotten when the third arrived")
        #expect(small.count == 0)
        // A failure that can come from preparing moves every statement to a new name; one
        // that comes from the statement itself does not.
        let before = twice("SELECT $1", [.int8])
        roomy.failed(sqlState: "23505")
        #expect(roomy.name(sql: "SELECT $1", types: [.int8]) == before)
        roomy.failed(sqlState: "25P02")
        let after = roomy.name(sql: "SELECT $1", types: [.int8])
        #expect(after != nil && after != before)
        // Binds: nulls carry no type, plain values theirs; anything else is not preparable.
        let encoded = try #require(PreparedStatements.encode([Optional<String>.none, "text", Int64(3), UUID()]))
        #expect(encoded.types == [.null, .text, .int8, .uuid])
        #expect(encoded.bindings.count == 4)
        struct Note: Codable, Sendable { var text: String }
        #expect(PreparedStatements.encode([Note(text: "x")]) == nil)
    }

    @Test func aPostgresURLMayTurnPreparingOff() throws {
        func prepares(_ url: String) throws -> Bool? {
            guard case .postgres(_, let prepare) = try DatabaseURL(url) else { return nil }
            return prepare
        }
        #expect(try prepares("postgres://orderly@db.internal:5432/orderly") == true)
        #expect(try prepares("postgres://orderly@db.internal/orderly?prepare=false") == false)
        #expect(try prepares("postgresql://orderly@db.internal/orderly?sslmode=disable&prepare=true") == true)
        #expect(throws: OrderlyError.self) { try DatabaseURL("postgres://orderly@db.internal/orderly?prepare=maybe") }
        #expect(throws: OrderlyError.self) { try DatabaseURL("postgres://orderly@db.internal/orderly?sslmode=require") }
    }

    @Test func withPrepareFalseNothingIsPrepared() async throws {
        guard let base = ProcessInfo.processInfo.environment["ORDERLY_TEST_POSTGRES_URL"], !base.isEmpty else { throw MissingPostgres() }
        let database = try await Database.open(url: base + "?prepare=false", poolSize: 1, logger: TestDatabase.logger)
        do {
            let prepared = try await database.read { db in
                for n in 1...3 { _ = try await db.raw("SELECT \(bind: Int64(n)) AS n").first() }
                return try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements").first()?.int64("n")
            }
            #expect(prepared == 0)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
