import Foundation

/// A token bucket: `burst` requests at once, refilled at `perSecond`. Pure arithmetic on the
/// time it is given, so the server can keep one per key and tests can drive the clock.
public struct TokenBucket: Sendable, Equatable {
    public let perSecond: Double
    public let burst: Double
    private(set) var tokens: Double
    private(set) var updated: Date

    public init(perSecond: Double, burst: Double, now: Date) {
        self.perSecond = perSecond
        self.burst = max(burst, 1)
        self.tokens = max(burst, 1)
        self.updated = now
    }

    /// Takes one token. `nil` when allowed; otherwise how long until a token is back.
    public mutating func take(now: Date) -> Duration? {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(burst, tokens + elapsed * perSecond)
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        let wait = (1 - tokens) / perSecond
        return .milliseconds(Int((wait * 1000).rounded(.up)))
    }
}
