/// What a customer at a counter can show to find their order: the order's number or id (both
/// on the receipt, the number as its barcode), the id the sales channel gave it, or the email
/// or phone number of the customer. A look-up matches exactly, never part of a word, so a
/// store finds the order of the customer in front of it without browsing anyone else's.
public struct OrderLookup: Sendable, Equatable {
    /// The text as given, trimmed: matched against order ids and channels' external ids.
    public var text: String
    /// The text as an order number (`ORD-000042`, also typed `ord-42` or `42`), when it can be one.
    public var number: String?
    /// The text as an email, normalized as profiles store it, when it can be one.
    public var email: String?
    /// The text as a phone number, normalized as profiles store it, when it can be one.
    public var phone: String?

    /// Longest text a look-up takes (an external id, an email).
    public static let maxLength = 254

    public init(_ q: String) throws(OrderlyError) {
        let text = q.trimmingWhitespace
        var v = Validator()
        v.check(!text.isEmpty, "q", "is required: an order number, its external id, or the customer's email or phone")
        v.check(text.count <= Self.maxLength, "q", "must be at most \(Self.maxLength) characters")
        try v.validate()
        self.text = text
        number = Self.orderNumber(text)
        let details = CustomerDetails(email: text.contains("@") ? text : nil, phone: text.contains("@") ? nil : text)
        email = details.normalizedEmail
        // Only text made of digits, spaces and phone punctuation is taken as a phone number, so
        // that an external id such as `A-1234567` does not find a customer with those digits.
        phone = text.allSatisfy({ $0.isNumber || " +-()./".contains($0) }) ? details.normalizedPhone : nil
    }

    /// `ORD-` and six or more digits, from the number with or without its prefix and zeros.
    static func orderNumber(_ text: String) -> String? {
        let upper = text.uppercased()
        let digits = upper.hasPrefix("ORD-") ? String(upper.dropFirst(4)) : upper
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let sequence = Int64(digits), sequence > 0
        else { return nil }
        return Order.number(sequence)
    }
}

/// Which orders a list answers (`Principal.orderListing`).
public enum OrderListing: Sendable, Equatable {
    /// The orders the filters match, in this channel (nil: every channel).
    case browse(ChannelID?)
    /// Only the orders a counter look-up names exactly.
    case counter(OrderLookup)
}
