import Foundation
import OrderlyCore
import SQLKit

/// Remembers the answer to each request sent with an `Idempotency-Key`, so that a retry
/// returns the first answer and changes nothing.
public struct IdempotencyStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// What to do with an incoming keyed request.
    public enum Claim: Sendable, Equatable {
        /// First time, or the first attempt's lease ran out unanswered (its server died):
        /// handle it, then `complete` (or `abandon` on failure).
        case proceed
        /// Seen and answered: send this answer again.
        case replay(status: Int, contentType: String?, body: String)
        /// The same key came with a different request (422).
        case mismatch
        /// The first request with this key is still being handled, under a lease until then.
        case inProgress(until: Date)
    }

    /// Claims `key` within `scope` (the caller's key id) for a request whose body hashes to
    /// `requestHash`, leased for `lease`: a claim nobody answers within it (its server crashed)
    /// is handed to the next retry instead of refusing it for ever.
    public func claim(scope: String, key: String, requestHash: String, lease: Duration) async throws -> Claim {
        let now = time.now
        let until = now.addingTimeInterval(lease.seconds)
        return try await database.transaction { db in
            let inserted = try await db.raw(
                """
                INSERT INTO idempotency_keys (scope, key, request_hash, created_at, lease_until)
                VALUES (\(bind: scope), \(bind: key), \(bind: requestHash), \(bind: now.stored), \(bind: until.stored))
                ON CONFLICT (scope, key) DO NOTHING RETURNING key
                """
            ).all()
            if !inserted.isEmpty { return .proceed }
            guard
                let row = try await db.raw(
                    """
                    SELECT request_hash, status, body, content_type, lease_until FROM idempotency_keys
                    WHERE scope = \(bind: scope) AND key = \(bind: key)
                    """
                ).first()
            else { return .proceed }
            guard try row.string("request_hash") == requestHash else { return .mismatch }
            if let status = try row.optionalInt64("status"), let body = try row.optionalString("body") {
                return .replay(status: Int(status), contentType: try row.optionalString("content_type"), body: body)
            }
            let leased = try row.optionalDate("lease_until") ?? .distantPast
            if leased > now { return .inProgress(until: leased) }
            // The lease ran out unanswered: take it over, unless another retry just did.
            let taken = try await db.raw(
                """
                UPDATE idempotency_keys SET lease_until = \(bind: until.stored)
                WHERE scope = \(bind: scope) AND key = \(bind: key) AND status IS NULL AND COALESCE(lease_until, 0) <= \(bind: now.stored)
                RETURNING key
                """
            ).all()
            return taken.isEmpty ? .inProgress(until: until) : .proceed
        }
    }

    /// Records the answer to a claimed request.
    public func complete(scope: String, key: String, status: Int, contentType: String?, body: String) async throws {
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE idempotency_keys SET status = \(bind: Int64(status)), content_type = \(bind: contentType), body = \(bind: body)
                WHERE scope = \(bind: scope) AND key = \(bind: key)
                """
            ).run()
        }
    }

    /// Forgets a claim whose request failed unexpectedly, so that a retry is handled afresh.
    public func abandon(scope: String, key: String) async throws {
        try await database.transaction { db in
            try await db.raw(
                "DELETE FROM idempotency_keys WHERE scope = \(bind: scope) AND key = \(bind: key) AND status IS NULL"
            ).run()
        }
    }
}
