import Logging
import Synchronization
import VaporCSQLite

/// Checkpoints SQLite's write-ahead log on a connection and thread of its own, instead of on
/// the writer right after a commit.
///
/// By default SQLite checkpoints inside the commit that takes the log past 1,000 pages: the
/// one writer copies those pages into the database file and flushes it while every queued
/// write waits (a tenth of the writer thread's time under load). Here the writer's commit only
/// asks (`walGrew`), and the copying runs beside the writer and its readers, which WAL allows.
///
/// A background checkpoint cannot reset the log while the writer keeps appending, since the
/// writer's transaction began before the log was fully copied. So when the log reaches
/// `inlinePages` the writer checkpoints itself once more: by then nearly everything is
/// copied and the catch-up is short, and the log starts again from its beginning with the next
/// transaction. The log stays bounded however long the load lasts.
final class SQLiteCheckpointer: Sendable {
    /// SQLite's own automatic checkpoint threshold.
    static let pages = 1_000
    /// Where the writer checkpoints itself (~32 MB of 4 KiB pages).
    static let inlinePages = 8_000

    private struct State {
        var running = false
        var again = false
    }

    let connection: SQLiteConnection
    private let state = Mutex(State())
    private let logger: Logger
    /// Checkpoints run in the background and by the writer itself, for tests.
    let background = Atomic<Int>(0)
    let inline = Atomic<Int>(0)

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Called on the writer's thread after each commit with the log's size in pages.
    func walGrew(to pages: Int, writer: OpaquePointer) {
        if pages >= Self.inlinePages {
            inline.add(1, ordering: .relaxed)
            sqlite_nio_sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if pages >= Self.pages {
            request()
        }
    }

    /// Runs a checkpoint soon; requests made while one runs are served by one more run.
    private func request() {
        let start = state.withLock { state -> Bool in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        if start { connection.thread.schedule { [self] in drain() } }
    }

    /// On the checkpointer's thread: checkpoints until no request is left.
    private func drain() {
        repeat {
            do {
                try connection.run("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
                background.add(1, ordering: .relaxed)
            } catch {
                // The next commit past the threshold asks again.
                logger.debug("background checkpoint failed", metadata: ["error": "\(error)"])
            }
        } while state.withLock { state -> Bool in
            if state.again {
                state.again = false
                return true
            }
            state.running = false
            return false
        }
    }

    func close() async {
        await connection.close()
    }
}
