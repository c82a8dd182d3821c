/// Every kind of domain event Orderly writes to its outbox: the order timeline, the event
/// feed, webhooks and the back office all name events by these. A type is `family.action`;
/// webhooks subscribe to a type, a family (`order.*`) or everything (`*`).
public enum EventType: String, Sendable, Codable, CaseIterable, Comparable {
    case orderCreated = "order.created"
    case orderAllocated = "order.allocated"
    case orderBackordered = "order.backordered"
    case orderHeld = "order.held"
    case orderReleased = "order.released"
    case orderCancelled = "order.cancelled"
    case orderUpdated = "order.updated"
    case orderNoteAdded = "order.note_added"
    case orderRerouted = "order.rerouted"
    case orderStageEntered = "order.stage_entered"
    case orderStageLeft = "order.stage_left"
    case orderSignalReceived = "order.signal_received"

    case fulfillmentCreated = "fulfillment.created"
    case fulfillmentAccepted = "fulfillment.accepted"
    case fulfillmentRejected = "fulfillment.rejected"
    case fulfillmentShipped = "fulfillment.shipped"
    case fulfillmentDelivered = "fulfillment.delivered"
    case fulfillmentReadyForPickup = "fulfillment.ready_for_pickup"
    case fulfillmentPickedUp = "fulfillment.picked_up"
    case fulfillmentPickupRefused = "fulfillment.pickup_refused"
    case fulfillmentCarriedOut = "fulfillment.carried_out"
    case fulfillmentSplit = "fulfillment.split"
    case fulfillmentMerged = "fulfillment.merged"

    case paymentRecorded = "payment.recorded"
    case paymentCaptureRequested = "payment.capture_requested"
    case refundRequested = "refund.requested"
    case invoiceIssued = "invoice.issued"
    case paymentProviderSaved = "payment_provider.saved"
    case paymentProviderDeleted = "payment_provider.deleted"

    case returnRequested = "return.requested"
    case returnReceived = "return.received"
    case returnCancelled = "return.cancelled"
    case returnRefunded = "return.refunded"

    case reservationCreated = "reservation.created"
    case reservationConsumed = "reservation.consumed"
    case reservationReleased = "reservation.released"
    case reservationExpired = "reservation.expired"

    case inventoryCounted = "inventory.counted"
    case inventoryAdjusted = "inventory.adjusted"
    case inventoryImported = "inventory.imported"

    case supplyCreated = "supply.created"
    case supplyReceived = "supply.received"
    case supplyCancelled = "supply.cancelled"

    case subscriptionCreated = "subscription.created"
    case subscriptionUpdated = "subscription.updated"
    case subscriptionRan = "subscription.ran"
    case subscriptionRunFailed = "subscription.run_failed"

    case productCreated = "product.created"
    case productUpdated = "product.updated"
    case locationCreated = "location.created"
    case locationUpdated = "location.updated"
    case channelCreated = "channel.created"
    case channelUpdated = "channel.updated"
    case taxRateSaved = "tax_rate.saved"
    case taxRateDeleted = "tax_rate.deleted"
    case workflowSaved = "workflow.saved"
    case workflowActivated = "workflow.activated"
    case routingStrategySaved = "routing_strategy.saved"
    case routingStrategyActivated = "routing_strategy.activated"

    case alertRaised = "alert.raised"

    case messageSent = "message.sent"
    case messageRecorded = "message.recorded"
    case messageFailed = "message.failed"
    case messageTemplateSaved = "message_template.saved"
    case messageTemplateDeleted = "message_template.deleted"

    case customerUpdated = "customer.updated"
    case customerMerged = "customer.merged"
    case customerErased = "customer.erased"

    case webhookCreated = "webhook.created"
    case webhookDeleted = "webhook.deleted"
    case webhookRedeliveryRequested = "webhook.redelivery_requested"
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case staffCreated = "staff.created"
    case staffSignedIn = "staff.signed_in"
    case staffUpdated = "staff.updated"
    case staffPasswordChanged = "staff.password_changed"
    case staffPasswordResetIssued = "staff.password_reset_issued"

    /// The part before the dot: `order` for `order.created`.
    public var family: String { String(rawValue.prefix { $0 != "." }) }

    /// Every family, for patterns such as `order.*`.
    public static let families: Set<String> = Set(allCases.map(\.family))

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a webhook subscribes to: one event type, a family of them (`order.*`), or every event (`*`).
public enum EventPattern: Sendable, Hashable {
    case all
    case family(String)
    case type(EventType)

    /// Parses a pattern; `nil` when it names no known type or family (a typo such as
    /// `order.craeted` would otherwise be accepted and never fire).
    public init?(_ text: String) {
        if text == "*" {
            self = .all
        } else if text.hasSuffix(".*"), EventType.families.contains(String(text.dropLast(2))) {
            self = .family(String(text.dropLast(2)))
        } else if let type = EventType(rawValue: text) {
            self = .type(type)
        } else {
            return nil
        }
    }

    /// Whether an event of `type` matches.
    public func matches(_ type: EventType) -> Bool {
        switch self {
        case .all: true
        case .family(let family): type.family == family
        case .type(let wanted): type == wanted
        }
    }
}
