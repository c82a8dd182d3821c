import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore
import OrderlyStore

/// Makes any mutating `/v1` request with an `Idempotency-Key` header safe to retry: the first
/// answer (below 500) is stored with a hash of the request and sent again for a repeat; the
/// same key with a different request is refused (422). Keys are scoped to the API key.
///
/// The claim is a lease (`lease`): if the server dies before the answer is stored, a retry
/// after the lease is handled afresh instead of being refused for ever; an order records its
/// key in its own transaction, so that retry finds the order instead of placing another. A
/// duplicate that arrives while the first is handled waits for its answer (up to `wait`),
/// and gets 409 only if it is still not there.
struct IdempotencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: IdempotencyStore
    let maxBodyBytes: Int
    let lease: Duration
    let wait: Duration
    static var header: HTTPField.Name { HTTPField.Name("Idempotency-Key")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method), let key = request.headers[Self.header],
            let principal = RequestScope.principal
        else {
            return try await next(request, context)
        }
        guard !key.isEmpty, key.count <= 200 else {
            throw OrderlyError.invalid("Idempotency-Key", "must be 1 to 200 characters")
        }
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let hash = Self.requestHash(method: request.method, uri: request.uri.description, body: Data(body.readableBytesView))
        let scope = principal.keyId.rawValue

        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(10)
        claiming: while true {
            switch try await store.claim(scope: scope, key: key, requestHash: hash, lease: lease) {
            case .replay(let status, let contentType, let stored):
                var headers: HTTPFields = [HTTPField.Name("Idempotent-Replayed")!: "true"]
                if let contentType { headers[.contentType] = contentType }
                return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: stored)))
            case .mismatch:
                throw OrderlyError(.idempotencyKeyReused, "Idempotency-Key '\(key)' was already used for a different request")
            case .inProgress:
                guard ContinuousClock.now + pause <= deadline else {
                    throw OrderlyError.conflict("A request with Idempotency-Key '\(key)' is still being handled; retry shortly")
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(200))
            case .proceed:
                break claiming
            }
        }

        let response: Response
        do {
            response = try await RequestScope.$requestKey.withValue(scope + ":" + key) { try await next(request, context) }
        } catch {
            // A refused request is an answer too: remember it so a retry gets the same refusal.
            let problem = ProblemMiddleware<Context>.problem(for: error, requestID: context.id, logger: context.logger)
            guard problem.status < 500 else {
                try? await store.abandon(scope: scope, key: key)
                throw error
            }
            return try await remember(problem.response(), scope: scope, key: key)
        }
        return try await remember(response, scope: scope, key: key)
    }

    /// What a repeat must match: the method, the URI and the body (`canonical`).
    static func requestHash(method: HTTPRequest.Method, uri: String, body: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(method.rawValue) \(uri)\n".utf8))
        hasher.update(data: canonical(body))
        return Hex.encode(hasher.finalize())
    }

    /// JSON bodies are compared by meaning, not by key order or spacing (clients re-serialize
    /// on retry); anything else byte for byte.
    static func canonical(_ body: Data) -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        else { return body }
        return data
    }

    private func remember(_ response: Response, scope: String, key: String) async throws -> Response {
        guard response.status.code < 500 else {
            try? await store.abandon(scope: scope, key: key)
            return response
        }
        let collector = BodyCollector()
        try await response.body.write(CollectingWriter(collector: collector))
        let text = String(buffer: collector.buffer)
        try await store.complete(
            scope: scope, key: key, status: response.status.code, contentType: response.headers[.contentType], body: text)
        var replayable = response
        replayable.body = .init(byteBuffer: collector.buffer)
        return replayable
    }
}

/// Where `CollectingWriter` puts a response body.
final class BodyCollector: @unchecked Sendable {
    var buffer = ByteBuffer()
}

struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector
    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collector.buffer.writeBuffer(&buffer)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
