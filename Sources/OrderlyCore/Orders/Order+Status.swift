/// An order's status, derived from its lines and holds (never stored out of step).
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case onHold = "on_hold"
    /// Routed, its stock reserved, waiting for the payment its channel requires before release.
    case awaitingPayment = "awaiting_payment"
    case awaitingStock = "awaiting_stock"
    case processing
    case partiallyFulfilled = "partially_fulfilled"
    case fulfilled
    case cancelled
    case partiallyReturned = "partially_returned"
    case returned
}

extension Order {
    /// The one derivation of status, in order of precedence: everything cancelled; returns;
    /// an active hold (only the payment gate's: awaiting payment); fulfilment progress; stock
    /// still awaited; otherwise processing.
    public var status: OrderStatus {
        let ordered = lines.reduce(Int64(0)) { $0 + $1.quantity }
        let cancelled = lines.reduce(Int64(0)) { $0 + $1.cancelledQuantity }
        let fulfilled = lines.reduce(Int64(0)) { $0 + $1.fulfilledQuantity }
        let returned = lines.reduce(Int64(0)) { $0 + $1.returnedQuantity }
        let live = ordered - cancelled
        if live <= 0 { return .cancelled }
        if returned > 0 { return returned >= fulfilled && fulfilled == live ? .returned : .partiallyReturned }
        if !holds.isEmpty && fulfilled < live { return holds.allSatisfy { $0.source == .payment } ? .awaitingPayment : .onHold }
        if fulfilled >= live { return .fulfilled }
        if fulfilled > 0 { return .partiallyFulfilled }
        if lines.contains(where: { $0.backorderedQuantity > 0 }) { return .awaitingStock }
        return .processing
    }

    /// Whether fulfilment has started (then the address is fixed and cancellation is partial at most).
    public var hasFulfilment: Bool { lines.contains { $0.fulfilledQuantity > 0 } }
    /// Whether any unit is still to be fulfilled (neither fulfilled nor cancelled).
    public var hasOpenUnits: Bool { lines.contains { $0.open > 0 } }
}
