import Foundation

/// Where "now" comes from. Injected wherever time matters (reservation expiry, ledger
/// timestamps, schedules) so that tests can fix or advance it.
public protocol TimeSource: Sendable {
    var now: Date { get }
}

/// The real wall clock, in UTC.
public struct SystemTime: TimeSource {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that stands still until a test moves it.
public final class ManualTime: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = start }

    public var now: Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}
