/// Collects every field error of an input before refusing it, so that a client learns all
/// that is wrong in one round trip.
public struct Validator: Sendable {
    public private(set) var errors: [OrderlyError.FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        errors.append(.init(field: field, message: message))
    }

    public mutating func check(_ condition: Bool, _ field: String, _ message: @autoclosure () -> String) {
        if !condition { add(field, message()) }
    }

    /// Identifiers are codes clients choose (`WH-AMS`, `SKU-123`): printable, no spaces, short.
    public mutating func identifier(_ value: String, _ field: String) {
        if value.isEmpty || value.count > Limits.maxIdentifierLength {
            add(field, "must be 1 to \(Limits.maxIdentifierLength) characters")
        } else if !value.unicodeScalars.allSatisfy(Limits.isIdentifierCharacter) {
            add(field, "may contain only letters, digits and . _ - : / characters")
        }
    }

    public mutating func text(_ value: String, _ field: String, max: Int = Limits.maxTextLength) {
        if value.trimmingWhitespace.isEmpty { add(field, "must not be empty") }
        if value.count > max { add(field, "must be at most \(max) characters") }
    }

    public mutating func quantity(_ value: Int64, _ field: String, allowZero: Bool = false) {
        if value < (allowZero ? 0 : 1) {
            add(field, allowZero ? "must not be negative" : "must be at least 1")
        } else if value > Limits.maxQuantity {
            add(field, "must be at most \(Limits.maxQuantity)")
        }
    }

    /// Tags (`fragile`, `region-north`, `vip`): at most 50, each 1 to 100 characters.
    public mutating func tags(_ tags: [String], _ field: String) {
        check(tags.count <= 50, field, "may hold at most 50 tags")
        for (i, tag) in tags.enumerated() { check(!tag.isEmpty && tag.count <= 100, "\(field)[\(i)]", "must be 1 to 100 characters") }
    }

    /// Free attributes (`giftWrap: yes`): at most 50, keys 1 to 64 characters, values at most `Limits.maxTextLength`.
    public mutating func attributes(_ attributes: [String: String], _ field: String) {
        check(attributes.count <= 50, field, "may hold at most 50 attributes")
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            check(!key.isEmpty && key.count <= 64, "\(field).\(key)", "keys must be 1 to 64 characters")
            check(value.count <= Limits.maxTextLength, "\(field).\(key)", "must be at most \(Limits.maxTextLength) characters")
        }
    }

    /// Throws a `validation_failed` error naming every field collected, if any.
    public func validate() throws(OrderlyError) {
        if !errors.isEmpty { throw OrderlyError.validation(errors) }
    }
}

/// Bounds that keep absurd input out: a quantity above a billion units is a typo, not a stock level.
public enum Limits {
    public static let maxQuantity: Int64 = 1_000_000_000
    public static let maxIdentifierLength = 64
    public static let maxTextLength = 500
    public static let maxBatchSize = 10_000
    public static let maxPageSize = 500
    public static let defaultPageSize = 50

    static func isIdentifierCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":", "/": true
        default: false
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        // Most values have nothing to trim; rebuilding the string is what costs.
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return "" }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return String(self) }
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
