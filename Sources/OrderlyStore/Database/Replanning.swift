/// Plans are made from a snapshot and committed with conditional updates; when another
/// request took the stock in between, the commit throws `ReservationStore.StockMoved` and the
/// whole use case runs again from a fresh snapshot, a bounded number of times.
enum Replanning {
    static let maxAttempts = 10

    /// `attempt`'s result, or nil when stock moved under every one of the attempts.
    static func untilStockSettles<T>(_ attempt: () async throws -> T) async throws -> T? {
        for _ in 1...maxAttempts {
            do {
                return try await attempt()
            } catch is ReservationStore.StockMoved {
                continue
            }
        }
        return nil
    }
}
