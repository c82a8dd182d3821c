import OrderlyCore

/// Values that belong to the request being handled, carried as task locals from the
/// Hummingbird middleware into the generated OpenAPI handlers (which get no context).
enum RequestScope {
    /// The authenticated caller; set by `AuthMiddleware` for every `/v1` request.
    @TaskLocal static var principal: Principal?
    /// Hummingbird's request id, echoed as `X-Request-Id` and on problem bodies.
    @TaskLocal static var requestID: String?
    /// The request's `Idempotency-Key`, scoped to the caller's API key; set by
    /// `IdempotencyMiddleware`. An order records it so that it is placed once per key.
    @TaskLocal static var requestKey: String?
    /// The payment provider whose signature a callback carried; set by `AuthMiddleware`.
    @TaskLocal static var signedProvider: String?

    /// The authenticated caller.
    static func caller() throws -> Principal {
        guard let principal else { throw OrderlyError(.unauthorized, "An API key is required") }
        return principal
    }

    /// The caller, who must be allowed to do `action`.
    static func caller(may action: Action) throws -> Principal {
        let principal = try caller()
        try principal.authorize(action)
        return principal
    }
}
