import Foundation

/// `subscription.created`.
public struct SubscriptionCreatedPayload: EventPayload, Equatable { public var id: String }
/// `subscription.updated`: its status after the change.
public struct SubscriptionUpdatedPayload: EventPayload, Equatable { public var status: String }
/// `subscription.ran` / `subscription.run_failed`: one period, the order it placed or why it could not.
public struct SubscriptionRunPayload: EventPayload, Equatable {
    public var period: Int
    public var orderId: String?
    public var error: String?
}

/// `webhook.created`: the URL and the patterns, comma-separated — never the secret.
public struct WebhookCreatedPayload: EventPayload, Equatable {
    public var url: String
    public var events: String
}
/// `webhook.deleted`, `api_key.revoked`: the id of what went.
public struct IdentifierPayload: EventPayload, Equatable { public var id: String }
/// `webhook.redelivery_requested`.
public struct RedeliveryPayload: EventPayload, Equatable { public var deliveryId: String }
/// `api_key.created`: never the secret.
public struct APIKeyCreatedPayload: EventPayload, Equatable {
    public var id: String
    public var name: String
    public var role: String
}
/// `customer.updated`: the profile as it now stands (what service staff edited).
public struct CustomerUpdatedPayload: EventPayload, Equatable {
    public var email: String?
    public var name: String?
    public var phone: String?
    public var tags: [String]
}
/// `customer.erased`: how many profiles (the one erased and those merged into it) and orders
/// were made anonymous.
public struct CustomerErasedPayload: EventPayload, Equatable {
    public var customerId: String
    public var profiles: Int
    public var orders: Int
}
/// `customer.merged`, on both profiles' timelines: which profile went into which, and how
/// many orders moved with it.
public struct CustomerMergedPayload: EventPayload, Equatable {
    public var customerId: String
    public var mergedId: String
    public var mergedEmail: String?
    public var ordersMoved: Int
}
/// `staff.updated`.
public struct StaffUpdatedPayload: EventPayload, Equatable {
    public var email: String
    public var name: String
    public var role: String
    public var locations: [String]
    public var disabled: Bool
}
/// `staff.password_changed`.
public struct StaffPasswordPayload: EventPayload, Equatable {
    public var email: String
    public var how: String
}
/// `staff.password_reset_issued`.
public struct StaffResetIssuedPayload: EventPayload, Equatable {
    public var email: String
    public var expiresAt: Date
}
/// `staff.created`.
public struct StaffCreatedPayload: EventPayload, Equatable {
    public var email: String
    public var role: String
}
/// `staff.signed_in`.
public struct StaffSignedInPayload: EventPayload, Equatable { public var email: String }

/// `tax_rate.saved`: the rate as it now stands (`rate` in millionths).
public struct TaxRateSavedPayload: EventPayload, Equatable {
    public var country: String
    public var taxCategory: String
    public var name: String
    public var rateMillionths: Int64
    public var included: Bool
}

/// A workflow's version and its stages' names.
public struct WorkflowVersionPayload: EventPayload, Equatable {
    public var version: Int
    public var stages: [String]
}

/// A routing strategy's version and its rules' names.
public struct RoutingStrategyVersionPayload: EventPayload, Equatable {
    public var version: Int
    public var rules: [String]
}

extension DomainEvent {
    public static func taxRateSaved(_ rule: TaxRateRule) -> Self {
        .init(
            .taxRateSaved, .taxRate(rule.id),
            TaxRateSavedPayload(
                country: rule.country, taxCategory: rule.taxCategory, name: rule.name, rateMillionths: rule.rate.millionths, included: rule.included))
    }
    public static func taxRateDeleted(_ id: String) -> Self { .init(.taxRateDeleted, .taxRate(id), IdentifierPayload(id: id)) }

    /// A workflow's new version, now the active one.
    public static func workflowSaved(_ workflow: Workflow) -> Self {
        .init(.workflowSaved, .workflow(workflow.id), WorkflowVersionPayload(version: workflow.version, stages: workflow.stages.map(\.name)))
    }
    /// An earlier (or later) version made the active one again.
    public static func workflowActivated(_ workflow: Workflow) -> Self {
        .init(.workflowActivated, .workflow(workflow.id), WorkflowVersionPayload(version: workflow.version, stages: workflow.stages.map(\.name)))
    }

    /// A routing strategy's new version, now the active one.
    public static func routingStrategySaved(_ strategy: RoutingStrategy) -> Self {
        .init(
            .routingStrategySaved, .routingStrategy(strategy.id),
            RoutingStrategyVersionPayload(version: strategy.version, rules: strategy.rules.map(\.name)))
    }
    /// An earlier (or later) version of a routing strategy made the active one again.
    public static func routingStrategyActivated(_ strategy: RoutingStrategy) -> Self {
        .init(
            .routingStrategyActivated, .routingStrategy(strategy.id),
            RoutingStrategyVersionPayload(version: strategy.version, rules: strategy.rules.map(\.name)))
    }

    public static func customerUpdated(_ c: CustomerProfile) -> Self {
        .init(.customerUpdated, .customer(c.id), CustomerUpdatedPayload(email: c.email, name: c.name, phone: c.phone, tags: c.tags))
    }
    /// The merge, once on each profile's timeline (`subject`: the survivor's or the merged one's).
    public static func customerMerged(_ merged: CustomerProfile, into survivor: CustomerID, ordersMoved: Int, on subject: CustomerID) -> Self {
        .init(
            .customerMerged, .customer(subject),
            CustomerMergedPayload(customerId: survivor.rawValue, mergedId: merged.id.rawValue, mergedEmail: merged.email, ordersMoved: ordersMoved))
    }

    /// `customer.erased`: the person's data removed (GDPR); it names no one.
    public static func customerErased(_ id: CustomerID, profiles: Int, orders: Int) -> Self {
        .init(.customerErased, .customer(id), CustomerErasedPayload(customerId: id.rawValue, profiles: profiles, orders: orders))
    }

    public static func subscriptionCreated(_ id: SubscriptionID) -> Self {
        .init(.subscriptionCreated, .subscription(id), SubscriptionCreatedPayload(id: id.rawValue))
    }
    public static func subscriptionUpdated(_ s: Subscription) -> Self {
        .init(.subscriptionUpdated, .subscription(s.id), SubscriptionUpdatedPayload(status: s.status.rawValue))
    }
    public static func subscriptionRan(_ id: SubscriptionID, _ run: Subscription.Run) -> Self {
        .init(
            run.error == nil ? .subscriptionRan : .subscriptionRunFailed, .subscription(id),
            SubscriptionRunPayload(period: run.period, orderId: run.orderId?.rawValue, error: run.error))
    }

    public static func webhookCreated(_ webhook: Webhook) -> Self {
        .init(.webhookCreated, .webhook(webhook.id), WebhookCreatedPayload(url: webhook.url, events: webhook.eventTypes.joined(separator: ",")))
    }
    public static func webhookDeleted(_ id: WebhookID) -> Self { .init(.webhookDeleted, .webhook(id), IdentifierPayload(id: id.rawValue)) }
    public static func redeliveryRequested(_ webhook: WebhookID, delivery: WebhookDeliveryID) -> Self {
        .init(.webhookRedeliveryRequested, .webhook(webhook), RedeliveryPayload(deliveryId: delivery.rawValue))
    }

    public static func apiKeyCreated(_ id: APIKeyID, name: String, role: Principal.Role) -> Self {
        .init(.apiKeyCreated, .apiKey(id), APIKeyCreatedPayload(id: id.rawValue, name: name, role: role.rawValue))
    }
    public static func apiKeyRevoked(_ id: APIKeyID) -> Self { .init(.apiKeyRevoked, .apiKey(id), IdentifierPayload(id: id.rawValue)) }

    public static func staffCreated(_ id: StaffUserID, email: String, role: StaffUser.Role) -> Self {
        .init(.staffCreated, .staff(id), StaffCreatedPayload(email: email, role: role.rawValue))
    }
    public static func staffSignedIn(_ user: StaffUser) -> Self { .init(.staffSignedIn, .staff(user.id), StaffSignedInPayload(email: user.email)) }
    /// `staff.updated`: the account as an administrator left it.
    public static func staffUpdated(_ user: StaffUser, disabled: Bool) -> Self {
        .init(
            .staffUpdated, .staff(user.id),
            StaffUpdatedPayload(
                email: user.email, name: user.name, role: user.role.rawValue, locations: user.locations.map(\.rawValue), disabled: disabled))
    }
    /// `staff.password_changed`: by the person (`how` "changed") or through a reset link ("reset").
    public static func staffPasswordChanged(_ user: StaffUser, how: String) -> Self {
        .init(.staffPasswordChanged, .staff(user.id), StaffPasswordPayload(email: user.email, how: how))
    }
    /// `staff.password_reset_issued`: an administrator made a reset link (never in the event).
    public static func staffPasswordResetIssued(_ user: StaffUser, expiresAt: Date) -> Self {
        .init(.staffPasswordResetIssued, .staff(user.id), StaffResetIssuedPayload(email: user.email, expiresAt: expiresAt))
    }
}
