import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Customer messages in the back office: an order's messages on its page, and the Messages
/// page where an admin writes the templates and chooses each channel's language (the same
/// store calls as `/v1/message-templates` and `PATCH /v1/channels/{id}`).
extension WebUI {
    /// One message as the order page lists it.
    func messageRow(_ message: CustomerMessage, in session: StaffStore.Session) -> [String: Any] {
        [
            "kind": message.kind.rawValue, "status": message.status.rawValue, "to": message.recipient ?? "",
            "subject": message.subject ?? "", "body": message.body ?? "", "hasBody": message.body != nil,
            "when": when(message.sentAt ?? message.createdAt, in: session), "problem": message.lastError ?? "",
            "hasProblem": message.lastError != nil,
        ]
    }

    func messageSettings(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCatalog)
        let canManage = principal.may(.manageCatalog)
        let templates = MessageTemplate.inUse(try await stores.messages.templates())
        let channels = try await stores.channels.list(after: nil, limit: 500).items
        return render(
            "messages",
            [
                "canManage": canManage, "csrf": session.csrfToken,
                "channels": channels.map { channel -> [String: Any] in
                    [
                        "channelId": channel.id.rawValue, "channelName": channel.name, "language": channel.language.rawValue,
                        "isDutch": channel.language == .nl,
                    ]
                },
                "templates": templates.map { template -> [String: Any] in
                    [
                        "kind": template.kind.rawValue, "language": template.language.rawValue, "channelOf": template.channel?.rawValue ?? "",
                        "forAll": template.channel == nil, "subject": template.subject, "body": template.body, "builtIn": template.updatedAt == nil,
                        "key": template.key.replacingOccurrences(of: "/", with: "-"),
                    ]
                },
                "kinds": MessageKind.allCases.map { ["kindCode": $0.rawValue, "kindName": Words.phrase($0.rawValue)] },
            ], session: session, request: request, here: "messages")
    }

    func registerMessageActions(on router: Router<BasicRequestContext>) {
        router.get("/messages") { request, context in try await page(request, context) { try await messageSettings($0, $1) } }
        router.post("/messages/templates") { request, context in
            try await action(request, context, back: "/messages") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(MessageTemplateForm.self)
                let template = try fields.template()
                try MessageRenderer.check(template.subject, field: "subject")
                try MessageRenderer.check(template.body, field: "body")
                let saved = try await stores.messages.save(template, actor: session.user.principal.name)
                return ("/messages", session.says("Template \(saved.key) saved.", "Sjabloon \(saved.key) opgeslagen."))
            }
        }
        router.post("/messages/templates/delete") { request, context in
            try await action(request, context, back: "/messages") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let template = try form.decode(MessageTemplateForm.self).template()
                try await stores.messages.delete(template.kind, template.language, channel: template.channel, actor: session.user.principal.name)
                return (
                    "/messages",
                    session.says(
                        "Template \(template.key) removed: \(template.channel == nil ? "the built-in words" : "the template for every channel") apply again.",
                        "Sjabloon \(template.key) verwijderd: \(template.channel == nil ? "de ingebouwde woorden gelden" : "het sjabloon voor alle kanalen geldt") weer."
                    )
                )
            }
        }
        router.post("/messages/channels/:id/language") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/messages") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                guard let language = Language(rawValue: try form.decode(ChannelLanguageForm.self).language) else {
                    throw OrderlyError.invalid("language", "must be en or nl")
                }
                _ = try await stores.channels.update(ChannelID(id), actor: session.user.principal.name) { $0.language = language }
                return (
                    "/messages",
                    session.says(
                        "Channel \(id) now writes to its customers in \(language == .nl ? "Dutch" : "English").",
                        "Kanaal \(id) schrijft zijn klanten nu in het \(language == .nl ? "Nederlands" : "Engels").")
                )
            }
        }
    }
}

/// The template form: kind, language and channel name it; subject and body are its words.
struct MessageTemplateForm: Decodable {
    var kind: String
    var language: String
    var channel: String?
    var subject: String?
    var body: String?

    func template() throws(OrderlyError) -> MessageTemplate {
        guard let kind = MessageKind(rawValue: kind) else { throw OrderlyError.invalid("kind", "is not a kind of message") }
        guard let language = Language(rawValue: language) else { throw OrderlyError.invalid("language", "must be en or nl") }
        let channel = channel.flatMap { $0.isEmpty ? nil : ChannelID($0) }
        return MessageTemplate(
            kind: kind, language: language, channel: channel, subject: subject ?? "", body: (body ?? "").replacingOccurrences(of: "\r\n", with: "\n"))
    }
}

struct ChannelLanguageForm: Decodable {
    var language: String
}
