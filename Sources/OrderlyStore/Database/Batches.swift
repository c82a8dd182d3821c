import Logging
import Synchronization

/// Jobs that arrive while others run, gathered and run together: by one call of `run`, in one
/// transaction of its making, at most `lanes` batches at a time (`Lanes`).
///
/// Unlike `GroupCommit` (each job in its own savepoint, one after the other), `run` sees the
/// whole batch and may do for all of it what each job would have done alone — one read for all
/// their customers, one statement for all their writes. The price is all or nothing: when a
/// batch fails, nothing of it was written and every job of it is answered `nil`, for its caller
/// to run alone as it would have without batches.
///
/// Jobs with the same key never share a batch (their writes would touch the same rows).
final class Batches<Job: Sendable, Output: Sendable>: Sendable {
    typealias Run = @Sendable ([Job]) async throws -> [Output]

    private struct Waiting: Sendable {
        let job: Job
        let key: String?
        let continuation: CheckedContinuation<Output?, Never>
    }

    private let lanes: Lanes<Waiting>
    private let run: Run
    private let cause: @Sendable (any Error) -> String
    private let logger: Logger
    /// Batches run, jobs run in them, batches that failed and why, and batches that `run` ran
    /// again itself, for tests and metrics.
    let batches = Atomic<Int>(0)
    let jobs = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let retries = Atomic<Int>(0)
    private let causes = Mutex<[String: Int]>([:])

    /// `cause` names why a batch failed, for the count of failures by cause.
    init(
        lanes: Int, maxBatch: Int = 32, logger: Logger, cause: @escaping @Sendable (any Error) -> String = { _ in "other" },
        run: @escaping Run
    ) {
        let maxBatch = max(1, maxBatch)
        self.lanes = Lanes(count: lanes) { queue in Self.take(from: &queue, upTo: maxBatch) }
        self.logger = logger
        self.cause = cause
        self.run = run
    }

    /// Batches that failed (their jobs ran alone), by cause.
    var failuresByCause: [String: Int] { causes.withLock { $0 } }

    /// Jobs waiting for a batch.
    var queued: Int { lanes.queued }

    /// `job`'s output once its batch has committed, or nil when its batch failed.
    func submit(_ job: Job, key: String?) async -> Output? {
        await withCheckedContinuation { continuation in
            lanes.add([Waiting(job: job, key: key, continuation: continuation)]) { [self] batch in await run(batch) }
        }
    }

    /// The first jobs of the queue, up to `limit`, skipping any whose key is taken already
    /// (they wait for a later batch, in their place).
    private static func take(from queue: inout [Waiting], upTo limit: Int) -> [Waiting] {
        var batch: [Waiting] = []
        var keys = Set<String>()
        var left: [Waiting] = []
        for waiting in queue {
            if batch.count < limit, waiting.key.map({ keys.insert($0).inserted }) ?? true {
                batch.append(waiting)
            } else {
                left.append(waiting)
            }
        }
        queue = left
        return batch
    }

    private func run(_ batch: [Waiting]) async {
        batches.add(1, ordering: .relaxed)
        jobs.add(batch.count, ordering: .relaxed)
        do {
            let outputs = try await run(batch.map(\.job))
            precondition(outputs.count == batch.count, "a batch answered \(outputs.count) of \(batch.count) jobs")
            for (waiting, output) in zip(batch, outputs) { waiting.continuation.resume(returning: output) }
        } catch {
            failures.add(1, ordering: .relaxed)
            let cause = cause(error)
            causes.withLock { $0[cause, default: 0] += 1 }
            logger.debug(
                "a batch failed; its jobs run alone",
                metadata: ["jobs": "\(batch.count)", "cause": "\(cause)", "error": "\(String(reflecting: error))"])
            for waiting in batch { waiting.continuation.resume(returning: nil) }
        }
    }
}
