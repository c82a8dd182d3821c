import Foundation
import Synchronization

/// A thread of its own for one SQLite connection, usable as a task executor.
///
/// SQLite's API is synchronous. Handing every statement to a thread pool and back to the
/// caller's task (what SQLiteNIO does) cost ~0.1–0.2 ms a statement on our 2-core machine —
/// more than SQLite's own work for the short statements of a use case. Instead a use case
/// runs *on* its connection's thread (`withTaskExecutorPreference`), so its statements are
/// plain function calls: no hand-off, no suspension between them. Work that arrives from
/// another thread is queued here and run in order.
final class SQLiteThread: TaskExecutor, Sendable {
    private enum Item {
        case job(UnownedJob)
        case block(@Sendable () -> Void)
    }

    private struct State {
        var items: [Item] = []
        var stopping = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// The thread's identity once it runs (0 before), to recognise calls made on it.
    private let identity = Atomic<UInt>(0)

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool { identity.load(ordering: .acquiring) == Self.currentIdentity() }

    func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    /// Runs `body` on this thread: at once when the caller is already on it, otherwise queued.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        if isCurrent { return try body() }
        return try await withCheckedThrowingContinuation { continuation in
            push(.block { continuation.resume(with: Result { try body() }) })
        }
    }

    /// Queues `body` to run on this thread, without waiting for it.
    func schedule(_ body: @escaping @Sendable () -> Void) {
        push(.block(body))
    }

    /// Lets the thread finish what is queued and end; waits for it.
    func stop() {
        state.withLock { $0.stopping = true }
        wakeUp.signal()
        stopped.wait()
    }

    private func push(_ item: Item) {
        state.withLock { $0.items.append(item) }
        wakeUp.signal()
    }

    private func loop() {
        identity.store(Self.currentIdentity(), ordering: .releasing)
        let executor = asUnownedTaskExecutor()
        while true {
            wakeUp.wait()
            let items = state.withLock { state in
                defer { state.items.removeAll(keepingCapacity: true) }
                return state.items
            }
            for item in items {
                switch item {
                case .job(let job): job.runSynchronously(on: executor)
                case .block(let block): block()
                }
            }
            // Whatever is queued after this check has signalled and is run by the next turn.
            if state.withLock({ $0.stopping && $0.items.isEmpty }) { break }
        }
        stopped.signal()
    }

    private static func currentIdentity() -> UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }
}
