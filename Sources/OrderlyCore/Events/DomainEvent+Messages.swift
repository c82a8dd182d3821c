import Foundation

/// `message.sent`, `message.recorded` and `message.failed`: a customer message on the order's
/// timeline. Never the address or the text (personal data stays in the message, which an
/// erase can reach).
public struct MessagePayload: EventPayload, Equatable {
    public var messageId: String
    public var kind: String
    public var attempts: Int
    public var error: String?
}

/// `message_template.saved` / `.deleted`.
public struct MessageTemplatePayload: EventPayload, Equatable {
    public var kind: String
    public var language: String
    public var channel: String?
    public var subject: String?
}

extension DomainEvent {
    public static func messageSent(_ id: String, order: OrderID, kind: MessageKind, attempts: Int) -> Self {
        .init(.messageSent, .order(order), MessagePayload(messageId: id, kind: kind.rawValue, attempts: attempts))
    }
    public static func messageRecorded(_ id: String, order: OrderID, kind: MessageKind) -> Self {
        .init(.messageRecorded, .order(order), MessagePayload(messageId: id, kind: kind.rawValue, attempts: 0))
    }
    public static func messageFailed(_ id: String, order: OrderID, kind: MessageKind, attempts: Int, error: String) -> Self {
        .init(.messageFailed, .order(order), MessagePayload(messageId: id, kind: kind.rawValue, attempts: attempts, error: error))
    }
    public static func messageTemplateSaved(_ template: MessageTemplate) -> Self {
        .init(
            .messageTemplateSaved, .messageTemplate(template.key),
            MessageTemplatePayload(
                kind: template.kind.rawValue, language: template.language.rawValue, channel: template.channel?.rawValue,
                subject: template.subject))
    }
    public static func messageTemplateDeleted(_ kind: MessageKind, _ language: Language, channel: ChannelID?) -> Self {
        .init(
            .messageTemplateDeleted, .messageTemplate(MessageTemplate.key(kind, language, channel)),
            MessageTemplatePayload(kind: kind.rawValue, language: language.rawValue, channel: channel?.rawValue))
    }
}

/// `alert.raised`: late work, once per alert (`Alert.key`).
public struct AlertRaisedPayload: EventPayload, Equatable {
    public var kind: String
    public var key: String
    public var orderNumber: String
    public var fulfillmentOrderId: String?
    public var locationId: String?
    public var line: Int?
    public var dueAt: Date
    public var detail: String
}

extension DomainEvent {
    public static func alertRaised(_ alert: Alert) -> Self {
        .init(
            .alertRaised, .order(alert.orderId),
            AlertRaisedPayload(
                kind: alert.kind.rawValue, key: alert.key, orderNumber: alert.orderNumber, fulfillmentOrderId: alert.fulfillmentOrderId?.rawValue,
                locationId: alert.locationId?.rawValue, line: alert.line, dueAt: alert.dueAt, detail: alert.detail))
    }
}
