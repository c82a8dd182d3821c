import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import OrderlyCore

/// Turns every error into an `application/problem+json` response: domain errors by their
/// code, request decoding errors as 400 `validation_failed` naming the field, Hummingbird's
/// HTTP errors by their status, anything else as a logged 500 without internals.
/// It plays the part of OpenAPIRuntime's `ErrorHandlingMiddleware`, for the whole router.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = context.id
        var response: Response
        do {
            response = try await RequestScope.$requestID.withValue(requestID) {
                try await next(request, context)
            }
        } catch {
            response = Self.problem(for: error, requestID: requestID, logger: context.logger).response()
        }
        response.headers[HTTPField.Name("X-Request-Id")!] = requestID
        return response
    }

    static func problem(for error: any Error, requestID: String?, logger: Logger) -> Problem {
        switch error {
        case let error as OrderlyError:
            return Problem(error, requestId: requestID)
        case let error as ServerError:
            if let domain = error.underlyingError as? OrderlyError { return Problem(domain, requestId: requestID) }
            // Only a request that could not be read is the client's fault; a failure after the
            // handler ran (or while encoding its answer) is ours.
            guard error.operationInput == nil else {
                return internalError(error.underlyingError, requestID: requestID, logger: logger)
            }
            if let decoding = Self.decodingError(in: error.underlyingError) {
                return Problem(OrderlyError.validation([decoding]), requestId: requestID)
            }
            let status = (400..<500).contains(error.httpStatus.code) ? error.httpStatus : .badRequest
            let code: OrderlyError.Code = status == .unsupportedMediaType ? .unsupportedMediaType : .validationFailed
            return Problem(
                status: status, code: code, detail: Self.describe(error.underlyingError, fallback: error.causeDescription),
                requestId: requestID)
        case let error as HTTPError:
            let code: OrderlyError.Code =
                switch error.status {
                case .notFound: .notFound
                case .unauthorized: .unauthorized
                case .forbidden: .forbidden
                case .contentTooLarge: .payloadTooLarge
                case .unsupportedMediaType: .unsupportedMediaType
                case .conflict: .conflict
                case .notAcceptable: .notAcceptable
                default: .validationFailed
                }
            if error.status.code >= 500 { return internalError(error, requestID: requestID, logger: logger) }
            return Problem(status: error.status, code: code, detail: error.body ?? error.status.reasonPhrase, requestId: requestID)
        default:
            return internalError(error, requestID: requestID, logger: logger)
        }
    }

    private static func internalError(_ error: any Error, requestID: String?, logger: Logger) -> Problem {
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return Problem(
            status: .internalServerError, code: OrderlyError.Code(rawValue: "internal_error"),
            detail: "An unexpected error occurred; quote the request id when reporting it", requestId: requestID)
    }

    /// A decoding error as a field error: `lines[0].quantity`, or the unknown key for strict bodies.
    static func decodingError(in error: any Error) -> OrderlyError.FieldError? {
        var current: any Error = error
        for _ in 0..<4 {
            if let decoding = current as? DecodingError { return fieldError(decoding) }
            let mirror = Mirror(reflecting: current)
            guard let inner = mirror.children.compactMap({ $0.value as? any Error }).first else { break }
            current = inner
        }
        return nil
    }

    private static func fieldError(_ error: DecodingError) -> OrderlyError.FieldError {
        func path(_ keys: [any CodingKey]) -> String {
            var result = ""
            for key in keys {
                if let index = key.intValue { result += "[\(index)]" } else { result += result.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return result.isEmpty ? "body" : result
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .init(field: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            return .init(field: path(context.codingPath), message: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .init(field: path(context.codingPath), message: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let description = context.debugDescription
            if description.contains("Additional properties are disabled") {
                return .init(field: path(context.codingPath), message: "is not a known field")
            }
            if let range = description.range(of: "from invalid String value ") {
                return .init(field: path(context.codingPath), message: "'\(description[range.upperBound...])' is not an allowed value")
            }
            if context.codingPath.isEmpty { return .init(field: "body", message: "is not valid JSON") }
            return .init(field: path(context.codingPath), message: "is not a valid value (\(description))")
        @unknown default:
            return .init(field: "body", message: "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).contains("Array") ? "an array" : "an object"
        }
    }

    private static func describe(_ error: any Error, fallback: String) -> String {
        let text = String(describing: error)
        return text.count < 300 ? text : fallback
    }
}
