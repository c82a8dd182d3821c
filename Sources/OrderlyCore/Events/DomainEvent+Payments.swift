import Foundation

/// `payment.recorded`: one payment step as recorded or settled, and where the order's money
/// stands after it.
public struct PaymentRecordedPayload: EventPayload, Equatable {
    public var transactionId: String
    public var kind: String
    public var status: String
    public var amount: Int64
    public var currency: String
    public var provider: String
    public var reference: String
    public var note: String?
    public var paymentStatus: String
}

extension DomainEvent {
    public static func paymentProviderSaved(_ id: String) -> Self {
        .init(.paymentProviderSaved, .paymentProvider(id), IdentifierPayload(id: id))
    }
    public static func paymentProviderDeleted(_ id: String) -> Self {
        .init(.paymentProviderDeleted, .paymentProvider(id), IdentifierPayload(id: id))
    }

    public static func paymentRecorded(_ t: PaymentTransaction, order: Order) -> Self {
        .init(
            .paymentRecorded, .order(t.orderId),
            PaymentRecordedPayload(
                transactionId: t.id.rawValue, kind: t.kind.rawValue, status: t.status.rawValue, amount: t.amount, currency: t.currency.rawValue,
                provider: t.provider, reference: t.reference, note: t.note, paymentStatus: order.paymentStatus.rawValue))
    }
}

/// `payment.capture_requested`: the channel's policy asks the provider to capture `amount` —
/// the order's total at placement, or what fulfilled units owe (`PaymentPolicy.capture`).
/// The provider's integration confirms with a `capture` transaction.
public struct CaptureRequestedPayload: EventPayload, Equatable {
    public var amount: Int64
    public var currency: String
    /// `placement` or `shipment`.
    public var reason: String
    public var fulfillmentOrderId: String?
    /// The shipment or handover the amount is for.
    public var reference: String?
}

extension DomainEvent {
    public static func captureRequested(
        _ order: Order, amount: Int64, reason: String, fulfillmentOrder: FulfillmentOrderID? = nil, reference: String? = nil
    ) -> Self {
        .init(
            .paymentCaptureRequested, .order(order.id),
            CaptureRequestedPayload(
                amount: amount, currency: order.currency.rawValue, reason: reason, fulfillmentOrderId: fulfillmentOrder?.rawValue,
                reference: reference))
    }
}

/// `invoice.issued`: an invoice or credit note with its number and total.
public struct InvoiceIssuedPayload: EventPayload, Equatable {
    public var id: String
    public var number: String
    public var kind: String
    public var total: Int64
    public var taxTotal: Int64
}

extension DomainEvent {
    public static func invoiceIssued(_ invoice: Invoice) -> Self {
        .init(
            .invoiceIssued, .order(invoice.orderId),
            InvoiceIssuedPayload(
                id: invoice.id.rawValue, number: invoice.number, kind: invoice.kind.rawValue, total: invoice.total, taxTotal: invoice.taxTotal))
    }
}
