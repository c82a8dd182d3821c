import Foundation

/// What Orderly tells a customer about their order, by email: each kind is caused by one
/// domain event and written to the message outbox in the same transaction as that event.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    /// `order.created`: the order and its total.
    case orderConfirmation = "order_confirmation"
    /// `fulfillment.shipped`: what left, with carrier and tracking.
    case shipped
    /// `fulfillment.ready_for_pickup`: the code, the store's address and opening hours.
    case readyForPickup = "ready_for_pickup"
    /// `payment.recorded` of a refund that succeeded: the amount.
    case refundIssued = "refund_issued"
    /// `order.backordered`: units waiting for stock.
    case backorderDelay = "backorder_delay"
}

/// Where a message is on its way out.
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for the sender (or for its next attempt after a failure).
    case pending
    /// Accepted by the SMTP server.
    case sent
    /// Rendered and kept, not sent: the server has no `ORDERLY_SMTP_URL`.
    case recorded
    /// Not sent because the order's customer has no email address.
    case skipped
    /// Given up after the last attempt failed.
    case failed
}

/// The facts of the event a message tells about, kept with the message: what the event knew
/// (a shipment's tracking, a refund's amount). The rest (the order, the customer, the store)
/// is read when the message is rendered.
public struct MessageCause: Sendable, Codable, Equatable {
    public struct Line: Sendable, Codable, Equatable {
        public var sku: String
        public var quantity: Int64
        public init(sku: String, quantity: Int64) {
            self.sku = sku
            self.quantity = quantity
        }
    }
    public var kind: MessageKind
    public var orderId: OrderID
    public var fulfillmentOrderId: FulfillmentOrderID?
    public var carrier: String?
    public var trackingNumber: String?
    /// A refund's amount, in the order's minor units.
    public var amount: Int64?
    /// What shipped, or what waits for stock.
    public var lines: [Line] = []

    public init(kind: MessageKind, orderId: OrderID) {
        self.kind = kind
        self.orderId = orderId
    }

    /// The message `event` causes, if any.
    public static func of(_ event: DomainEvent) -> MessageCause? {
        guard case .order(let order) = event.subject else { return nil }
        switch (event.type, event.payload) {
        case (.orderCreated, _):
            return MessageCause(kind: .orderConfirmation, orderId: order)
        case (.fulfillmentShipped, let shipped as FulfillmentShippedPayload):
            var cause = MessageCause(kind: .shipped, orderId: order)
            cause.fulfillmentOrderId = FulfillmentOrderID(shipped.fulfillmentOrderId)
            cause.carrier = shipped.carrier
            cause.trackingNumber = shipped.trackingNumber
            cause.lines = shipped.lines.map { Line(sku: $0.sku, quantity: $0.quantity) }
            return cause
        case (.fulfillmentReadyForPickup, let ready as FulfillmentPayload):
            var cause = MessageCause(kind: .readyForPickup, orderId: order)
            cause.fulfillmentOrderId = FulfillmentOrderID(ready.fulfillmentOrderId)
            cause.lines = ready.lines.map { Line(sku: $0.sku, quantity: $0.quantity) }
            return cause
        case (.paymentRecorded, let payment as PaymentRecordedPayload)
        where payment.kind == PaymentTransaction.Kind.refund.rawValue && payment.status == PaymentTransaction.Status.succeeded.rawValue:
            var cause = MessageCause(kind: .refundIssued, orderId: order)
            cause.amount = payment.amount
            return cause
        case (.orderBackordered, let backordered as OrderBackorderedPayload):
            var cause = MessageCause(kind: .backorderDelay, orderId: order)
            cause.lines = backordered.backorders.map { Line(sku: $0.sku, quantity: $0.quantity) }
            return cause
        default:
            return nil
        }
    }
}

/// A message as the outbox keeps it: what caused it, and once rendered, what it said and to whom.
public struct CustomerMessage: Sendable, Equatable {
    public var id: String
    public var orderId: OrderID
    public var kind: MessageKind
    public var status: MessageStatus
    public var recipient: String?
    public var language: Language?
    public var subject: String?
    public var body: String?
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(
        id: String, orderId: OrderID, kind: MessageKind, status: MessageStatus, recipient: String? = nil, language: Language? = nil,
        subject: String? = nil, body: String? = nil, attempts: Int = 0, lastError: String? = nil, createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.orderId = orderId
        self.kind = kind
        self.status = status
        self.recipient = recipient
        self.language = language
        self.subject = subject
        self.body = body
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// How often a message that failed is tried again: after 1, 5, 30 minutes, 2 and 6 hours,
/// then given up (the order's timeline and page say so).
public struct MessageRetryPolicy: Sendable, Equatable {
    public var delays: [Duration]
    public init(delays: [Duration] = [.seconds(60), .seconds(300), .seconds(1800), .seconds(7200), .seconds(21600)]) {
        self.delays = delays
    }
    /// When attempt `attempt` (1-based) failed: the wait before the next, or nil to give up.
    public func delay(after attempt: Int) -> Duration? {
        attempt >= 1 && attempt <= delays.count ? delays[attempt - 1] : nil
    }
}
