import Foundation

extension Date {
    /// Timestamps are stored as UTC milliseconds since 1970 (BIGINT) on both engines.
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(ms) / 1000)
    }
}
