import Synchronization

/// Work queued and taken off in batches by at most `count` lanes at a time: a lane is a task
/// that runs one batch after another and ends when the queue is empty. Group commit and order
/// batches both run their batches this way; what a batch is (`take`) and how it runs (`run`)
/// are theirs.
final class Lanes<Item: Sendable>: Sendable {
    private struct State {
        var queue: [Item] = []
        var running = 0
    }

    private let state = Mutex(State())
    let count: Int
    /// Takes the next batch off a queue that is not empty.
    private let take: @Sendable (inout [Item]) -> [Item]

    init(count: Int, take: @escaping @Sendable (inout [Item]) -> [Item]) {
        self.count = max(1, count)
        self.take = take
    }

    /// Items waiting for a batch.
    var queued: Int { state.withLock { $0.queue.count } }

    /// Queues `items`, and starts a lane that runs batches with `run` unless `count` run already.
    func add(_ items: [Item], run: @escaping @Sendable ([Item]) async -> Void) {
        let startLane = state.withLock { state -> Bool in
            state.queue.append(contentsOf: items)
            guard state.running < count else { return false }
            state.running += 1
            return true
        }
        if startLane { Task { await lane(run) } }
    }

    private func lane(_ run: @Sendable ([Item]) async -> Void) async {
        while true {
            let batch = state.withLock { state -> [Item] in
                guard !state.queue.isEmpty else {
                    state.running -= 1
                    return []
                }
                return take(&state.queue)
            }
            if batch.isEmpty { return }
            await run(batch)
        }
    }
}
