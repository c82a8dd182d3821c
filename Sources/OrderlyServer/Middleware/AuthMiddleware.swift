import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OrderlyCore
import OrderlyStore

/// Requires `Authorization: Bearer <api key>` on everything under `/v1` and makes the key's
/// principal available to the handlers. `/health`, `/metrics` and `/openapi.json` are open.
/// A payment provider's callback (`POST /v1/payments/events`) is signed instead: its
/// `Orderly-Signature` over the raw body must verify with the secret of the provider the body
/// names, within five minutes of its timestamp.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeyStore
    let providers: PaymentProviderStore
    let time: any TimeSource
    let maxBodyBytes: Int

    static var callbackPath: String { "/v1/payments/events" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else {
            return try await next(request, context)
        }
        if request.uri.path == Self.callbackPath && request.method == .post {
            return try await signedCallback(request, context: context, next: next)
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

    private func signedCallback(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let body = Array(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
        let unsigned = OrderlyError(.unauthorized, "Sign the callback: \(WebhookSignature.headerName): t=<unix seconds>,v1=<hex HMAC-SHA256>")
        guard let header = request.headers[HTTPField.Name(WebhookSignature.headerName)!] else { throw unsigned }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let provider = object["provider"] as? String,
            !provider.isEmpty, provider.count <= Limits.maxIdentifierLength
        else {
            throw OrderlyError.invalid("provider", "names the payment provider that signed the callback")
        }
        guard let secret = try await providers.secret(of: provider),
            WebhookSignature.verify(header: header, secret: secret, body: body, now: time.now)
        else {
            throw OrderlyError(.unauthorized, "The signature does not verify for provider '\(provider)', or is older than five minutes")
        }
        context.logger.info("payment callback", metadata: ["provider": .string(provider)])
        return try await RequestScope.$signedProvider.withValue(provider) { try await next(request, context) }
    }
}
