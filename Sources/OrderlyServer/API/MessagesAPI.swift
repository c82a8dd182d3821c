import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listOrderMessages(_ input: Operations.ListOrderMessages.Input) async throws -> Operations.ListOrderMessages.Output {
        let order = try await visibleOrder(input.path.id, for: nil)
        let messages = try await stores.messages.forOrder(order.id)
        return .ok(.init(body: .json(.init(items: messages.map(Components.Schemas.CustomerMessage.init)))))
    }

    func listMessageTemplates(_ input: Operations.ListMessageTemplates.Input) async throws -> Operations.ListMessageTemplates.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        let saved = try await stores.messages.templates()
        return .ok(.init(body: .json(.init(items: MessageTemplate.inUse(saved).map(Components.Schemas.MessageTemplate.init)))))
    }

    func saveMessageTemplate(_ input: Operations.SaveMessageTemplate.Input) async throws -> Operations.SaveMessageTemplate.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let template = MessageTemplate(
            kind: MessageKind(input.path.kind), language: Language(input.path.language), channel: input.query.channel.map(ChannelID.init),
            subject: body.subject, body: body.body)
        try MessageRenderer.check(template.subject, field: "subject")
        try MessageRenderer.check(template.body, field: "body")
        let saved = try await stores.messages.save(template, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(saved))))
    }

    func deleteMessageTemplate(_ input: Operations.DeleteMessageTemplate.Input) async throws -> Operations.DeleteMessageTemplate.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        try await stores.messages.delete(
            MessageKind(input.path.kind), Language(input.path.language), channel: input.query.channel.map(ChannelID.init), actor: Self.actor(caller))
        return .noContent(.init())
    }
}

extension MessageKind {
    init(_ kind: Components.Schemas.MessageKind) { self = MessageKind(rawValue: kind.rawValue) ?? .orderConfirmation }
}

extension Language {
    init(_ language: Components.Schemas.Language) { self = Language(rawValue: language.rawValue) ?? .en }
}

extension Components.Schemas.CustomerMessage {
    init(_ m: CustomerMessage) {
        self.init(
            id: m.id, orderId: m.orderId.rawValue, kind: .init(rawValue: m.kind.rawValue) ?? .orderConfirmation,
            status: .init(rawValue: m.status.rawValue) ?? .pending, recipient: m.recipient,
            language: m.language.flatMap { .init(rawValue: $0.rawValue) },
            subject: m.subject, body: m.body, attempts: m.attempts, lastError: m.lastError, createdAt: m.createdAt, sentAt: m.sentAt)
    }
}

extension Components.Schemas.MessageTemplate {
    init(_ t: MessageTemplate) {
        self.init(
            kind: .init(rawValue: t.kind.rawValue) ?? .orderConfirmation, language: .init(rawValue: t.language.rawValue) ?? .en,
            channel: t.channel?.rawValue, subject: t.subject, body: t.body, builtIn: t.updatedAt == nil, updatedAt: t.updatedAt)
    }
}
