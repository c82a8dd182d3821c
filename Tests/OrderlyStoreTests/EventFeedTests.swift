import Foundation
import OrderlyCore
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

@Suite("Event feed")
struct EventFeedTests {

    @Test(arguments: Engine.all)
    func feedNeverPassesAnEventThatCommitsLater(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let start = try await stores.events.list(after: nil, limit: 500).items.last?.id ?? 0
            let (started, startedSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            // A slow transaction takes an event id first and commits last.
            let slow = Task {
                try await stores.database.transaction { db in
                    // Written now, not at the end of the body as `append` would: the id is taken while the transaction stays open.
                    try await EventLog.insert(db, [.init(type: "test.slow", subject: "test:1", data: #"{"n":1}"#, actor: "test", at: Date())])
                    startedSignal.yield()
                    for await _ in release { break }
                }
            }
            for await _ in started { break }
            // A fast one takes a later id and commits at once (on SQLite it waits for the writer).
            let fast = Task {
                try await stores.database.transaction { db in
                    try await EventLog.insert(db, [.init(type: "test.fast", subject: "test:2", data: #"{"n":2}"#, actor: "test", at: Date())])
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let during = try await stores.events.list(after: start, limit: 500).items.map(\.type)
            #expect(!during.contains("test.fast"), "the feed must not pass the slow transaction's id while it is open")
            #expect(!during.contains("test.slow"))

            releaseSignal.yield()
            try await slow.value
            try await fast.value
            let after = try await stores.events.list(after: start, limit: 500).items
            #expect(after.map(\.type) == ["test.slow", "test.fast"])
            #expect(after[0].id < after[1].id)
        }
    }

    /// A transaction's events are written together at its end, in chunks (statement parameter
    /// limits): more than one chunk's worth must all arrive, in the order they were appended.
    @Test(arguments: Engine.all)
    func aTransactionsEventsAreWrittenTogetherInOrder(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            let count = 1_234
            try await stores.database.transaction { db in
                for n in 0..<count {
                    EventLog.append(db, .init(type: "test.many", subject: "test:\(n)", data: "{\"n\":\(n)}", actor: "test", at: Date()))
                }
            }
            var seen: [StoredEvent] = []
            var cursor: String? = nil
            repeat {
                let page = try await stores.events.list(after: cursor.flatMap { Int64($0) }, limit: 100, types: ["test.many"])
                seen += page.items
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.map(\.subject) == (0..<count).map { "test:\($0)" })
            #expect(seen.map(\.id) == seen.map(\.id).sorted())
        }
    }

    @Test(arguments: Engine.all)
    func pagingUnderConcurrentWritesHasNoGapsOrRepeats(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 12) { stores in
            let start = try await stores.events.list(after: nil, limit: 500).items.last?.id ?? 0
            let writers = 4
            let perWriter = 25
            let reader = Task { () -> [Int64] in
                var seen: [Int64] = []
                var cursor = start
                let deadline = ContinuousClock.now + .seconds(60)
                while seen.count < writers * perWriter && ContinuousClock.now < deadline {
                    let page = try await stores.events.list(after: cursor, limit: 7, types: ["test.write"]).items
                    seen += page.map(\.id)
                    cursor = page.last?.id ?? cursor
                    if page.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                }
                return seen
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for n in 0..<perWriter {
                            try await stores.database.transaction { db in
                                EventLog.append(
                                    db, .init(type: "test.write", subject: "test:\(writer)", data: "{\"n\":\(n)}", actor: "test", at: Date()))
                                // Stay open a little, so that transactions overlap and commit out of id order.
                                try await Task.sleep(for: .microseconds(Int.random(in: 0...3000)))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await reader.value
            let all = try await stores.events.list(after: start, limit: 500, types: ["test.write"]).items.map(\.id)
            #expect(all.count == writers * perWriter)
            #expect(seen == all, "paged reading saw every event once, in order")
            #expect(Set(seen).count == seen.count)
        }
    }
}
