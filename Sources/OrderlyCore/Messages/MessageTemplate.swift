import Foundation

/// The words of one kind of message in one language, as mustache templates of a subject and a
/// plain-text body (`/v1/message-templates`). A channel may have its own; otherwise the
/// business's own for every channel applies, otherwise Orderly's built-in one.
public struct MessageTemplate: Sendable, Equatable, Codable {
    public var kind: MessageKind
    public var language: Language
    /// The channel it is for; nil for every channel.
    public var channel: ChannelID?
    public var subject: String
    public var body: String
    /// When it was saved; nil for a built-in template.
    public var updatedAt: Date?

    public init(kind: MessageKind, language: Language, channel: ChannelID? = nil, subject: String, body: String, updatedAt: Date? = nil) {
        self.kind = kind
        self.language = language
        self.channel = channel
        self.subject = subject
        self.body = body
        self.updatedAt = updatedAt
    }

    /// What names it: `shipped/nl`, or `shipped/nl/web` for a channel's own.
    public var key: String { Self.key(kind, language, channel) }
    public static func key(_ kind: MessageKind, _ language: Language, _ channel: ChannelID?) -> String {
        [kind.rawValue, language.rawValue, channel?.rawValue].compactMap { $0 }.joined(separator: "/")
    }

    /// The template a message uses: the channel's own, else the one for every channel, else the built-in.
    public static func choose(_ kind: MessageKind, _ language: Language, channel: ChannelID, among saved: [MessageTemplate]) -> MessageTemplate {
        let candidates = saved.filter { $0.kind == kind && $0.language == language }
        return candidates.first { $0.channel == channel } ?? candidates.first { $0.channel == nil } ?? standard(kind, language)
    }

    /// Every template in use: for each kind and language the business's own for every channel or
    /// else the built-in one, then those saved for one channel.
    public static func inUse(_ saved: [MessageTemplate]) -> [MessageTemplate] {
        let general = MessageKind.allCases.flatMap { kind in
            Language.allCases.map { language in
                saved.first { $0.kind == kind && $0.language == language && $0.channel == nil } ?? standard(kind, language)
            }
        }
        return general + saved.filter { $0.channel != nil }
    }

    /// Checks what a person typed (the mustache syntax is checked where templates are rendered).
    public func validate() throws(OrderlyError) {
        var v = Validator()
        if let channel { v.identifier(channel.rawValue, "channel") }
        v.text(subject, "subject", max: 300)
        v.check(!subject.contains("\n") && !subject.contains("\r"), "subject", "must be one line")
        v.check(!body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "body", "must not be empty")
        v.check(body.count <= 20_000, "body", "must be at most 20000 characters")
        try v.validate()
    }

    /// Orderly's own words for `kind` in `language`.
    public static func standard(_ kind: MessageKind, _ language: Language) -> MessageTemplate {
        let (subject, body) = standardText[language]![kind]!
        return MessageTemplate(kind: kind, language: language, subject: subject, body: body)
    }

    static let standardText: [Language: [MessageKind: (String, String)]] = [
        .en: [
            .orderConfirmation: (
                "Your order {{orderNumber}}",
                """
                Hello {{customerName}},

                Thank you for your order {{orderNumber}}.
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                Total: {{total}}

                We will let you know when it is on its way.
                """
            ),
            .shipped: (
                "Your order {{orderNumber}} is on its way",
                """
                Hello {{customerName}},

                Part of your order {{orderNumber}} has shipped:
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                {{#carrier}}Carrier: {{carrier}}{{/carrier}}
                {{#trackingNumber}}Tracking number: {{trackingNumber}}{{/trackingNumber}}
                """
            ),
            .readyForPickup: (
                "Your order {{orderNumber}} is ready for pickup",
                """
                Hello {{customerName}},

                Your order {{orderNumber}} is ready for pickup at {{storeName}}.
                {{#storeAddress}}Address: {{storeAddress}}{{/storeAddress}}
                {{#openingHours}}Opening hours: {{openingHours}}{{/openingHours}}

                Show this code at the counter: {{pickupCode}}
                """
            ),
            .refundIssued: (
                "Refund for your order {{orderNumber}}",
                """
                Hello {{customerName}},

                We have refunded {{amount}} for your order {{orderNumber}}.
                """
            ),
            .backorderDelay: (
                "Part of your order {{orderNumber}} is delayed",
                """
                Hello {{customerName}},

                These items of your order {{orderNumber}} are waiting for stock:
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                We will send them as soon as they arrive.
                """
            ),
        ],
        .nl: [
            .orderConfirmation: (
                "Je bestelling {{orderNumber}}",
                """
                Hallo {{customerName}},

                Bedankt voor je bestelling {{orderNumber}}.
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                Totaal: {{total}}

                We laten het je weten zodra hij onderweg is.
                """
            ),
            .shipped: (
                "Je bestelling {{orderNumber}} is onderweg",
                """
                Hallo {{customerName}},

                Een deel van je bestelling {{orderNumber}} is verzonden:
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                {{#carrier}}Vervoerder: {{carrier}}{{/carrier}}
                {{#trackingNumber}}Track & trace: {{trackingNumber}}{{/trackingNumber}}
                """
            ),
            .readyForPickup: (
                "Je bestelling {{orderNumber}} ligt klaar",
                """
                Hallo {{customerName}},

                Je bestelling {{orderNumber}} ligt voor je klaar in {{storeName}}.
                {{#storeAddress}}Adres: {{storeAddress}}{{/storeAddress}}
                {{#openingHours}}Openingstijden: {{openingHours}}{{/openingHours}}

                Laat deze code zien aan de balie: {{pickupCode}}
                """
            ),
            .refundIssued: (
                "Terugbetaling voor je bestelling {{orderNumber}}",
                """
                Hallo {{customerName}},

                We hebben {{amount}} terugbetaald voor je bestelling {{orderNumber}}.
                """
            ),
            .backorderDelay: (
                "Een deel van je bestelling {{orderNumber}} is vertraagd",
                """
                Hallo {{customerName}},

                Deze artikelen uit je bestelling {{orderNumber}} wachten op voorraad:
                {{#lines}}
                {{quantity}} × {{sku}}
                {{/lines}}
                We sturen ze zodra ze binnen zijn.
                """
            ),
        ],
    ]
}

/// What a message template can say: the values for one message, from its cause, the order,
/// the customer and (for a pickup) the store. Mustache reads them by these names.
public struct MessageValues: Sendable, Equatable {
    /// A sku and its units, as the cause keeps them.
    public typealias Line = MessageCause.Line
    public var orderNumber: String
    public var customerName: String
    public var total: String
    public var lines: [Line]
    public var carrier: String?
    public var trackingNumber: String?
    public var pickupCode: String?
    public var storeName: String?
    public var storeAddress: String?
    public var openingHours: String?
    public var amount: String?

    /// The values for `cause` in `language`. `customerName` is nil when the profile has none
    /// (the greeting then says "customer").
    public init(_ cause: MessageCause, order: Order, customerName: String?, store: Location?, pickupCode: String?, language: Language) {
        orderNumber = order.number
        self.customerName = customerName ?? (language == .nl ? "klant" : "customer")
        total = language.money(order.totals.total, order.currency)
        lines =
            cause.lines.isEmpty
            ? order.lines.filter { $0.kept > 0 }.map { Line(sku: $0.sku.rawValue, quantity: $0.kept) }
            : cause.lines
        carrier = cause.carrier
        trackingNumber = cause.trackingNumber
        self.pickupCode = pickupCode
        storeName = store?.name
        storeAddress = store?.address.flatMap(Self.oneLine)
        openingHours = store?.openingHours
        amount = cause.amount.map { language.money($0, order.currency) }
    }

    /// The values as mustache reads them.
    public var dictionary: [String: Any] {
        var values: [String: Any] = [
            "orderNumber": orderNumber, "customerName": customerName, "total": total,
            "lines": lines.map { ["sku": $0.sku, "quantity": $0.quantity] as [String: Any] },
        ]
        let optional: [(String, String?)] = [
            ("carrier", carrier), ("trackingNumber", trackingNumber), ("pickupCode", pickupCode), ("storeName", storeName),
            ("storeAddress", storeAddress), ("openingHours", openingHours), ("amount", amount),
        ]
        for (key, value) in optional { if let value { values[key] = value } }
        return values
    }

    /// `Coolsingel 1, 3011 AD Rotterdam`.
    static func oneLine(_ address: Address) -> String? {
        let city = [address.postalCode, address.city].compactMap { $0 }.joined(separator: " ")
        let parts = [address.line1, address.line2, city.isEmpty ? nil : city].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
