import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OrderlyCore
import OrderlyStore

/// Requires `Authorization: Bearer <api key>` on everything under `/v1` and makes the key's
/// principal available to the handlers. `/health`, `/metrics` and `/openapi.json` are open.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeyStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw OrderlyError(.unauthorized, "Send an API key as 'Authorization: Bearer <key>'")
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty, secret.count <= 200, let principal = try await keys.authenticate(secret: secret) else {
            throw OrderlyError(.unauthorized, "The API key is unknown or revoked")
        }
        var context = context
        context.logger[metadataKey: "api_key"] = .string(principal.keyId.rawValue)
        return try await RequestScope.$principal.withValue(principal) {
            try await next(request, context)
        }
    }
}
