import Foundation

/// The data an event carries: a JSON object integrators read from the feed and webhooks.
/// Each event type has one payload type, named by the `DomainEvent` factory that makes it.
public protocol EventPayload: Encodable, Sendable {}

/// A domain event about to be written to the outbox with the change it records. Made only
/// by the typed factories (`DomainEvent.orderCreated(…)` and their kin, one per event type),
/// so a type, its subject and its payload always belong together.
public struct DomainEvent: Sendable {
    public let type: EventType
    public let subject: EventSubject
    public let payload: any EventPayload

    init(_ type: EventType, _ subject: EventSubject, _ payload: some EventPayload) {
        self.type = type
        self.subject = subject
        self.payload = payload
    }
}

extension Product: EventPayload {}
extension Location: EventPayload {}
extension Channel: EventPayload {}

extension DomainEvent {
    public static func productSaved(_ product: Product, created: Bool) -> Self {
        .init(created ? .productCreated : .productUpdated, .product(product.sku), product)
    }
    public static func locationCreated(_ location: Location) -> Self { .init(.locationCreated, .location(location.id), location) }
    public static func locationUpdated(_ location: Location) -> Self { .init(.locationUpdated, .location(location.id), location) }
    public static func channelCreated(_ channel: Channel) -> Self { .init(.channelCreated, .channel(channel.id), channel) }
    public static func channelUpdated(_ channel: Channel) -> Self { .init(.channelUpdated, .channel(channel.id), channel) }
}
