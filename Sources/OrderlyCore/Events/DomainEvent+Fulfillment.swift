import Foundation

/// A fulfillment order as events show it (`fulfillment.created`, `.accepted`,
/// `.ready_for_pickup`, `.picked_up`, `.carried_out`).
public struct FulfillmentPayload: EventPayload, Equatable {
    public struct Line: Encodable, Sendable, Equatable {
        public var orderLine: Int
        public var sku: String
        public var quantity: Int64
    }
    public var fulfillmentOrderId: String
    public var orderId: String
    public var locationId: String
    public var type: String
    public var status: String
    public var lines: [Line]
    public init(_ fo: FulfillmentOrder) {
        fulfillmentOrderId = fo.id.rawValue
        orderId = fo.orderId.rawValue
        locationId = fo.locationId.rawValue
        type = fo.type.rawValue
        status = fo.status.rawValue
        lines = fo.lines.map { Line(orderLine: $0.orderLine, sku: $0.sku.rawValue, quantity: $0.quantity) }
    }
}

/// `fulfillment.split` and `fulfillment.merged`: the fulfillment order as it became, and the
/// other one: opened by the split, or, for a merge, with the units it gave before it was emptied.
public struct FulfillmentRegroupPayload: EventPayload, Equatable {
    public var fulfillmentOrder: FulfillmentPayload
    public var other: FulfillmentPayload
    public init(_ fo: FulfillmentOrder, other: FulfillmentOrder) {
        fulfillmentOrder = FulfillmentPayload(fo)
        self.other = FulfillmentPayload(other)
    }
}

/// `fulfillment.rejected`.
public struct FulfillmentRejectedPayload: EventPayload, Equatable {
    public var fulfillmentOrderId: String
    public var locationId: String
    public var reason: String
    public var note: String?
}

/// `fulfillment.shipped`: one shipment of a fulfillment order, and the status it left it in.
public struct FulfillmentShippedPayload: EventPayload, Equatable {
    public var fulfillmentOrderId: String
    public var status: String
    public var shipmentId: String
    public var carrier: String?
    public var trackingNumber: String?
    public var lines: [FulfillmentPayload.Line]
}

/// `fulfillment.delivered`.
public struct FulfillmentDeliveredPayload: EventPayload, Equatable {
    public var fulfillmentOrderId: String
    public var shipmentId: String
}

/// `fulfillment.pickup_refused`: a handover attempted with a wrong code.
public struct PickupRefusedPayload: EventPayload, Equatable {
    public var fulfillmentOrderId: String
    public var reason: String
}

extension DomainEvent {
    /// `fulfillment.split`: `fo` as it keeps its units, `intoId` the one that took the rest.
    public static func fulfillmentSplit(_ fo: FulfillmentOrder, into split: FulfillmentOrder) -> Self {
        .init(.fulfillmentSplit, .order(fo.orderId), FulfillmentRegroupPayload(fo, other: split))
    }
    /// `fulfillment.merged`: `fo` with the units it took from `other`, now cancelled.
    public static func fulfillmentMerged(_ fo: FulfillmentOrder, from other: FulfillmentOrder) -> Self {
        .init(.fulfillmentMerged, .order(fo.orderId), FulfillmentRegroupPayload(fo, other: other))
    }
    public static func fulfillmentCreated(_ fo: FulfillmentOrder) -> Self { .init(.fulfillmentCreated, .order(fo.orderId), FulfillmentPayload(fo)) }
    public static func fulfillmentAccepted(_ fo: FulfillmentOrder) -> Self { .init(.fulfillmentAccepted, .order(fo.orderId), FulfillmentPayload(fo)) }
    public static func fulfillmentReadyForPickup(_ fo: FulfillmentOrder) -> Self {
        .init(.fulfillmentReadyForPickup, .order(fo.orderId), FulfillmentPayload(fo))
    }
    public static func fulfillmentPickedUp(_ fo: FulfillmentOrder) -> Self { .init(.fulfillmentPickedUp, .order(fo.orderId), FulfillmentPayload(fo)) }
    public static func fulfillmentCarriedOut(_ fo: FulfillmentOrder) -> Self {
        .init(.fulfillmentCarriedOut, .order(fo.orderId), FulfillmentPayload(fo))
    }

    public static func fulfillmentRejected(_ fo: FulfillmentOrder, reason: FulfillmentOrder.RejectionReason, note: String?) -> Self {
        .init(
            .fulfillmentRejected, .order(fo.orderId),
            FulfillmentRejectedPayload(fulfillmentOrderId: fo.id.rawValue, locationId: fo.locationId.rawValue, reason: reason.rawValue, note: note))
    }

    public static func fulfillmentShipped(_ fo: FulfillmentOrder, _ shipment: Shipment) -> Self {
        .init(
            .fulfillmentShipped, .order(fo.orderId),
            FulfillmentShippedPayload(
                fulfillmentOrderId: fo.id.rawValue, status: fo.status.rawValue, shipmentId: shipment.id, carrier: shipment.carrier,
                trackingNumber: shipment.trackingNumber,
                lines: shipment.lines.map { .init(orderLine: $0.orderLine, sku: $0.sku.rawValue, quantity: $0.quantity) }))
    }

    public static func fulfillmentDelivered(_ fo: FulfillmentOrder, shipmentId: String) -> Self {
        .init(.fulfillmentDelivered, .order(fo.orderId), FulfillmentDeliveredPayload(fulfillmentOrderId: fo.id.rawValue, shipmentId: shipmentId))
    }

    public static func pickupRefused(_ fo: FulfillmentOrder, reason: String) -> Self {
        .init(.fulfillmentPickupRefused, .order(fo.orderId), PickupRefusedPayload(fulfillmentOrderId: fo.id.rawValue, reason: reason))
    }
}

/// A return as events show it (`return.requested`, `.received`, `.cancelled`, `.refunded`).
public struct ReturnPayload: EventPayload, Equatable {
    public struct Line: Encodable, Sendable, Equatable {
        public var orderLine: Int
        public var sku: String
        public var quantity: Int64
        public var received: Int64
        public var restocked: Int64
        public var damaged: Int64
        public var openBox: Int64
        public var reason: String
    }
    public var returnId: String
    public var locationId: String
    public var method: String
    public var status: String
    public var refundAmount: Int64
    public var refundStatus: String
    public var exchangeOrderId: String?
    /// Of the return's value, what paid the replacement, and what the customer pays beyond it.
    public var exchangeCredit: Int64?
    public var exchangeCharge: Int64?
    public var lines: [Line]
    public init(_ r: Return) {
        exchangeOrderId = r.exchangeOrderId?.rawValue
        if r.exchangeOrderId != nil {
            exchangeCredit = r.exchangeCredit
            exchangeCharge = r.exchangeCharge
        }
        returnId = r.id.rawValue
        locationId = r.locationId.rawValue
        method = r.method.rawValue
        status = r.status.rawValue
        refundAmount = r.refundAmount
        refundStatus = r.refundStatus.rawValue
        lines = r.lines.map {
            Line(
                orderLine: $0.orderLine, sku: $0.sku.rawValue, quantity: $0.quantity, received: $0.receivedQuantity,
                restocked: $0.restockedQuantity, damaged: $0.damagedQuantity, openBox: $0.openBoxQuantity,
                reason: $0.reason)
        }
    }
}

extension DomainEvent {
    public static func returnRequested(_ r: Return) -> Self { .init(.returnRequested, .order(r.orderId), ReturnPayload(r)) }
    public static func returnReceived(_ r: Return) -> Self { .init(.returnReceived, .order(r.orderId), ReturnPayload(r)) }
    public static func returnCancelled(_ r: Return) -> Self { .init(.returnCancelled, .order(r.orderId), ReturnPayload(r)) }
    public static func returnRefunded(_ r: Return) -> Self { .init(.returnRefunded, .order(r.orderId), ReturnPayload(r)) }
}
