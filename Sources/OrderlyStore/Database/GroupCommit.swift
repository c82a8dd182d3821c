import Logging
import SQLKit
import Synchronization

/// Group commit: write transactions that arrive while others run are queued and then run
/// together, one after the other, inside a single database transaction — each in its own
/// savepoint, so one that fails is rolled back alone — and committed once. Their callers are
/// answered only after that commit.
///
/// A use case sees exactly what it would see as its own transaction run at that moment (the
/// ones before it in the batch have already written), so nothing about its logic changes; what
/// changes is the cost: one BEGIN, one COMMIT and one durable flush for the whole batch instead
/// of one each, and a hot inventory row is updated by the whole batch under one lock instead of
/// being locked and committed once per order. At low load a batch is one transaction and runs
/// exactly as before.
///
/// `lanes` batches may run at once (SQLite has one writer, so one lane).
final class GroupCommit: Sendable {
    typealias Work = @Sendable (Transaction) async throws -> any Sendable

    private struct Job: Sendable {
        let work: Work
        let continuation: CheckedContinuation<any Sendable, any Error>
        var attempts: Int
    }

    /// Transactions run and jobs finished in them, for tests and metrics.
    let transactions = Atomic<Int>(0)
    let jobs = Atomic<Int>(0)
    private let lanes: Lanes<Job>
    private let driver: any DatabaseDriver
    private let logger: Logger

    init(driver: any DatabaseDriver, lanes: Int, maxBatch: Int = 64, logger: Logger) {
        self.driver = driver
        let maxBatch = max(1, maxBatch)
        self.lanes = Lanes(count: lanes) { queue in
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            return batch
        }
        self.logger = logger
    }

    /// Runs `body` in the next batch and returns its result once the batch has committed.
    func run<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            enqueue([Job(work: { try await body($0) }, continuation: continuation, attempts: 0)])
        }
        guard let result = value as? T else { preconditionFailure("a batched transaction returned \(type(of: value)), not \(T.self)") }
        return result
    }

    private func enqueue(_ jobs: [Job]) {
        lanes.add(jobs) { [self] batch in await run(batch) }
    }

    private func run(_ batch: [Job]) async {
        let outcomes: [Result<any Sendable, any Error>]
        transactions.add(1, ordering: .relaxed)
        jobs.add(batch.count, ordering: .relaxed)
        do {
            outcomes = try await driver.transaction(prepared: true) { db in try await Self.runEach(batch.map(\.work), on: db) }
        } catch {
            // The transaction itself failed (a single job that threw, or the commit): nothing of
            // the batch is written, so every job may run again when the failure was transient.
            outcomes = Array(repeating: .failure(error), count: batch.count)
        }
        var retry: [Job] = []
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let value):
                job.continuation.resume(returning: value)
            case .failure(let error) where driver.isTransient(error) && job.attempts + 1 < Database.maxAttempts:
                var again = job
                again.attempts += 1
                retry.append(again)
            case .failure(let error):
                job.continuation.resume(throwing: error)
            }
        }
        if !retry.isEmpty {
            logger.debug("retrying batched transactions after a transient conflict", metadata: ["count": "\(retry.count)"])
            enqueue(retry)
        }
    }

    /// One job: the transaction is its own, so its failure rolls the transaction back.
    /// Several: each in a savepoint; a job that throws is rolled back to it and the others go on.
    private static func runEach(_ works: [Work], on transaction: Transaction) async throws -> [Result<any Sendable, any Error>] {
        if works.count == 1, let work = works.first { return [.success(try await work(transaction))] }
        var outcomes: [Result<any Sendable, any Error>] = []
        for work in works {
            outcomes.append(try await transaction.inSavepoint { try await work($0) })
        }
        return outcomes
    }
}
