/// The one error type that crosses module boundaries. Its `code` is the stable, documented
/// machine-readable reason; Server maps each code to one HTTP status and problem+json `type`.
///
/// A struct with a nested `Code` (as PostgresNIO's `PSQLError` does) so that codes can be
/// added without breaking callers that switch over them.
public struct OrderlyError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let validationFailed = Code(rawValue: "validation_failed")
        public static let notFound = Code(rawValue: "not_found")
        public static let insufficientStock = Code(rawValue: "insufficient_stock")
        public static let conflict = Code(rawValue: "conflict")
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let idempotencyKeyReused = Code(rawValue: "idempotency_key_reused")
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        public static let notReturnable = Code(rawValue: "not_returnable")
        public static let rateLimited = Code(rawValue: "rate_limited")
        public static let notAcceptable = Code(rawValue: "not_acceptable")
        /// A payment step the order's money does not allow: a capture beyond what is authorized,
        /// a refund beyond what is captured.
        public static let paymentRefused = Code(rawValue: "payment_refused")
    }

    /// One problem with one input field; `field` is a JSON-pointer-like path (`lines[2].quantity`)
    /// or, for CSV, `line 7`.
    public struct FieldError: Sendable, Equatable, Codable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// What was asked for and what could be had when stock ran out.
    public struct Shortage: Sendable, Equatable, Codable {
        public var sku: SKU
        public var locationId: LocationID?
        public var requested: Int64
        public var available: Int64
        public init(sku: SKU, locationId: LocationID? = nil, requested: Int64, available: Int64) {
            self.sku = sku
            self.locationId = locationId
            self.requested = requested
            self.available = available
        }
    }

    public var code: Code
    public var detail: String
    public var fieldErrors: [FieldError]
    public var shortages: [Shortage]

    public init(_ code: Code, _ detail: String, fieldErrors: [FieldError] = [], shortages: [Shortage] = []) {
        self.code = code
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.shortages = shortages
    }

    public var description: String { "\(code): \(detail)" }

    /// The first field's message, else the detail: for errors re-reported under another field.
    public var firstMessage: String { fieldErrors.first?.message ?? detail }

    public static func validation(_ errors: [FieldError]) -> OrderlyError {
        let detail = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return OrderlyError(.validationFailed, detail, fieldErrors: errors)
    }

    public static func invalid(_ field: String, _ message: String) -> OrderlyError {
        validation([FieldError(field: field, message: message)])
    }

    public static func notFound(_ resource: String, _ id: some CustomStringConvertible) -> OrderlyError {
        OrderlyError(.notFound, "\(resource) '\(id)' does not exist")
    }

    public static func conflict(_ detail: String) -> OrderlyError {
        OrderlyError(.conflict, detail)
    }

    public static func insufficientStock(_ shortages: [Shortage]) -> OrderlyError {
        let detail = shortages.map { s in
            let at = s.locationId.map { " at \($0)" } ?? ""
            return "\(s.sku)\(at): requested \(s.requested), available \(s.available)"
        }.joined(separator: "; ")
        return OrderlyError(.insufficientStock, "Not enough stock: \(detail)", shortages: shortages)
    }
}
