import Foundation
import OrderlyCore
import Testing

@Suite struct EventTypeTests {
    @Test func patternsNameKnownTypesFamiliesOrEverything() {
        #expect(EventPattern("*") == .all)
        #expect(EventPattern("order.*") == .family("order"))
        #expect(EventPattern("api_key.*") == .family("api_key"))
        #expect(EventPattern("fulfillment.ready_for_pickup") == .type(.fulfillmentReadyForPickup))
        for typo in ["order.craeted", "orders.*", "order.**", "order.", "", ".*", "ORDER.CREATED", "order.created "] {
            #expect(EventPattern(typo) == nil, "\(typo) must not be a pattern")
        }
    }

    @Test func patternsMatchByTypeAndFamily() {
        #expect(EventPattern.family("order").matches(.orderNoteAdded))
        #expect(!EventPattern.family("order").matches(.fulfillmentShipped))
        #expect(EventPattern.type(.returnReceived).matches(.returnReceived))
        #expect(!EventPattern.type(.returnReceived).matches(.returnRequested))
        #expect(EventType.allCases.allSatisfy(EventPattern.all.matches))
    }

    @Test func everyTypeIsFamilyDotAction() {
        for type in EventType.allCases {
            let parts = type.rawValue.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0 == "_" } }, "\(type.rawValue)")
            #expect(EventPattern(type.rawValue) == .type(type))
        }
        #expect(EventType.families.count == 24, "alert, message and message_template joined")
    }

    @Test func aWebhookForAnUnknownTypeIsRefusedNamingIt() {
        do {
            try Webhook.validate(url: "https://erp.example/hook", eventTypes: ["order.created", "order.craeted"], secret: nil, allowPrivate: false)
            Issue.record("an unknown event type was accepted")
        } catch {
            #expect(error.code == .validationFailed)
            #expect(error.fieldErrors.map(\.field) == ["events[1]"])
            #expect(error.fieldErrors.first?.message.contains("order.craeted") == true)
        }
    }

    @Test func subjectsAreWrittenAsKindAndId() {
        #expect(EventSubject.order("ord_1").text == "order:ord_1")
        #expect(EventSubject.level("TENT", "DC-1").text == "inventory:TENT@DC-1")
        #expect(EventSubject.inventory.text == "inventory")
        #expect(EventSubject.apiKey("key_1").text == "api_key:key_1")
    }

    @Test func anEventsTypeSubjectAndPayloadComeTogether() throws {
        let hold = Hold(id: "hold_1", reason: "address check", source: .manual)
        let event = DomainEvent.orderReleased("ord_1", hold, remaining: 2)
        #expect(event.type == .orderReleased && event.subject == .order("ord_1"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(event.payload), as: UTF8.self)
        #expect(json == #"{"holdId":"hold_1","reason":"address check","remainingHolds":"2"}"#)
        let closed = Reservation(
            id: "res_1", channel: "web", status: .expired, lines: [], expiresAt: Date(timeIntervalSince1970: 0),
            createdAt: Date(timeIntervalSince1970: 0))
        #expect(DomainEvent.reservationClosed(closed).type == .reservationExpired)
    }
}
