import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import Synchronization

/// Limits each API key to a sustained rate with a burst (a token bucket per key, in this
/// instance's memory). Over the limit the answer is 429 `rate_limited` with `Retry-After`,
/// and the request is not handled at all. Runs after authentication, so it counts per key.
struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let perSecond: Double
    let burst: Double
    let buckets = Buckets()

    /// One bucket per key, shared by every request this instance handles.
    final class Buckets: Sendable {
        let byKey = Mutex<[APIKeyID: TokenBucket]>([:])
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard perSecond > 0, let principal = RequestScope.principal else { return try await next(request, context) }
        let now = Date()
        let wait = buckets.byKey.withLock { buckets in
            buckets[principal.keyId, default: TokenBucket(perSecond: perSecond, burst: burst, now: now)].take(now: now)
        }
        guard let wait else { return try await next(request, context) }
        let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
        return Problem(
            status: .tooManyRequests, code: .rateLimited,
            detail:
                "The key '\(principal.name)' may make \(perSecond.formatted()) requests per second (bursts of \(burst.formatted())); retry in \(seconds) s",
            requestId: context.id
        ).response(headers: [.retryAfter: String(seconds)])
    }
}
