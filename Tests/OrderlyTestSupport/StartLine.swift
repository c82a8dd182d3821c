/// Holds tasks until all of them have arrived, then lets them go at once, so that a
/// concurrency test's requests really overlap instead of running one after another.
public actor StartLine {
    private let count: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(count: Int) { self.count = count }

    /// Returns when `count` tasks have called it.
    public func arrive() async {
        await withCheckedContinuation { continuation in
            waiting.append(continuation)
            if waiting.count == count {
                for task in waiting { task.resume() }
                waiting = []
            }
        }
    }
}
