import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        _ = try RequestScope.caller(may: .manageWebhooks)
        return .ok(.init(body: .json(.init(items: try await stores.webhooks.list().map(Components.Schemas.Webhook.init)))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        let caller = try RequestScope.caller(may: .manageWebhooks)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        // A host name is judged on what it resolves to (Core judges the URL itself in the store).
        if let refusal = await webhookTargets.refusal(forSaving: body.url) { throw OrderlyError.invalid("url", refusal) }
        let (webhook, secret) = try await stores.webhooks.create(
            url: body.url, eventTypes: body.events, secret: body.secret, allowPrivate: webhookTargets.allowPrivate, actor: Self.actor(caller))
        return .created(
            .init(
                body: .json(
                    .init(
                        id: webhook.id.rawValue, url: webhook.url, events: webhook.eventTypes, createdAt: webhook.createdAt, secret: secret))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        _ = try RequestScope.caller(may: .manageWebhooks)
        return .ok(.init(body: .json(.init(try await stores.webhooks.get(WebhookID(input.path.id))))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        let caller = try RequestScope.caller(may: .manageWebhooks)
        try await stores.webhooks.delete(WebhookID(input.path.id), actor: Self.actor(caller))
        return .noContent(.init())
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        _ = try RequestScope.caller(may: .manageWebhooks)
        let page = try await stores.webhooks.deliveries(
            WebhookID(input.path.id), status: input.query.status.flatMap { WebhookDeliveryStatus(rawValue: $0.rawValue) },
            after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.WebhookDelivery.init), nextCursor: page.nextCursor))))
    }

    func redeliverWebhookDelivery(_ input: Operations.RedeliverWebhookDelivery.Input) async throws -> Operations.RedeliverWebhookDelivery.Output {
        let caller = try RequestScope.caller(may: .manageWebhooks)
        let delivery = try await stores.webhooks.redeliver(
            WebhookID(input.path.id), WebhookDeliveryID(input.path.deliveryId), actor: Self.actor(caller))
        return .accepted(.init(body: .json(.init(delivery))))
    }
}

extension Components.Schemas.Webhook {
    init(_ webhook: OrderlyCore.Webhook) {
        self.init(id: webhook.id.rawValue, url: webhook.url, events: webhook.eventTypes, createdAt: webhook.createdAt)
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ d: WebhookStore.Delivery) {
        self.init(
            id: d.id.rawValue, webhookId: d.webhookId.rawValue, eventId: d.eventId, eventType: d.eventType,
            status: .init(rawValue: d.status.rawValue) ?? .pending, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt,
            lastStatusCode: d.lastStatusCode, lastError: d.lastError, createdAt: d.createdAt, updatedAt: d.updatedAt)
    }
}
