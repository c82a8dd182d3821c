import Foundation
import HTTPTypes
import Hummingbird

/// Answers 406 `not_acceptable` (naming what the operation produces) before an operation
/// runs when the request's `Accept` header rules out every representation the served
/// OpenAPI document gives its success answers; otherwise the operation runs as if the
/// header were absent — or, when it offers several representations (JSON or CSV), as if the
/// header named exactly the one it prefers. Errors are `application/problem+json` whatever
/// the header says.
///
/// The generated server checks `Accept` only after the handler has run, and throws when it
/// does not match, which made a 500 out of a change already committed; deciding here, first,
/// keeps both the answer a 4xx and the database untouched.
struct ContentNegotiationMiddleware<Context: RequestContext>: RouterMiddleware {
    let representations: Representations

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Without the header there is nothing to decide (and no route to look up).
        guard let accept = request.headers[.accept], let offered = representations.offered(request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        guard ContentNegotiation(accept: accept).accepts(anyOf: offered) else {
            throw HTTPError(
                .notAcceptable,
                message: "This operation answers \(offered.joined(separator: " or ")); the Accept header '\(accept)' allows none of it")
        }
        var head = request.head
        head.headerFields[.accept] = offered.count > 1 ? ContentNegotiation(accept: accept).preferred(among: offered) : nil
        return try await next(Request(head: head, body: request.body), context)
    }
}

/// The content types of each operation's success answers, read from the served OpenAPI
/// document so that the table and the spec cannot drift.
struct Representations: Sendable {
    private struct Route: Sendable {
        var method: HTTPRequest.Method
        /// Path segments; nil stands for a `{parameter}`.
        var segments: [String?]
        var contentTypes: [String]
        var literals: Int { segments.count { $0 != nil } }
    }

    private let routes: [Route]

    init(openAPIJSON data: Data) throws {
        let document = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        var routes: [Route] = []
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            let segments = Self.segments(path).map { $0.hasPrefix("{") ? nil : String($0) }
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let method = HTTPRequest.Method(method.uppercased()), let operation = operation as? [String: Any] else { continue }
                var types: Set<String> = []
                for (status, response) in operation["responses"] as? [String: Any] ?? [:] where status.hasPrefix("2") {
                    types.formUnion(((response as? [String: Any])?["content"] as? [String: Any] ?? [:]).keys)
                }
                routes.append(Route(method: method, segments: segments, contentTypes: types.sorted()))
            }
        }
        // The most literal template first, so `/v1/subscriptions/run-due` wins over `/{id}`.
        self.routes = routes.sorted { $0.literals > $1.literals }
    }

    /// What the operation at `path` answers with, or nil when no operation of the document is there.
    func offered(_ method: HTTPRequest.Method, path: String) -> [String]? {
        let parts = Self.segments(path)
        return routes.first { route in
            route.method == method && route.segments.count == parts.count
                && zip(route.segments, parts).allSatisfy { template, part in template.map { $0 == part } ?? true }
        }?.contentTypes
    }

    private static func segments(_ path: some StringProtocol) -> [Substring] {
        path.split(separator: "/").map { Substring($0) }
    }
}
