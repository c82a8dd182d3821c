import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIRuntime
import OrderlyCore

/// An RFC 9457 problem: the body of every error Orderly answers.
struct Problem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var code: String
    var requestId: String?
    var errors: [OrderlyError.FieldError]?
    var shortages: [OrderlyError.Shortage]?

    init(
        status: HTTPResponse.Status, code: OrderlyError.Code, detail: String?, requestId: String?,
        errors: [OrderlyError.FieldError] = [], shortages: [OrderlyError.Shortage] = []
    ) {
        self.type = "https://orderly.dev/problems/\(code.rawValue.replacingOccurrences(of: "_", with: "-"))"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.code = code.rawValue
        self.requestId = requestId
        self.errors = errors.isEmpty ? nil : errors
        self.shortages = shortages.isEmpty ? nil : shortages
    }

    /// The one mapping from error codes to HTTP statuses.
    static func status(for code: OrderlyError.Code) -> HTTPResponse.Status {
        switch code {
        case .validationFailed: .badRequest
        case .notFound: .notFound
        case .insufficientStock, .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .idempotencyKeyReused, .notReturnable, .paymentRefused: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rateLimited: .tooManyRequests
        case .notAcceptable: .notAcceptable
        default: .badRequest
        }
    }

    init(_ error: OrderlyError, requestId: String?) {
        self.init(
            status: Self.status(for: error.code), code: error.code, detail: error.detail, requestId: requestId,
            errors: error.fieldErrors, shortages: error.shortages)
    }

    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{\"code\":\"\(code)\"}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
