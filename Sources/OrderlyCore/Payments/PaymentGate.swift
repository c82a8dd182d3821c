import Foundation

/// The payment gate, decided in one place: a channel that requires payment (`PaymentPolicy
/// .require`) keeps its routed orders from fulfillment — stock reserved, status
/// `awaiting_payment` — until the payment that meets the requirement is recorded, or cancels
/// them when `timeout` passes first.
public enum PaymentGate {
    /// The id of the gate's hold on an order.
    public static let holdID = "payment"

    /// The hold a new order gets when its channel requires more than its money shows.
    public static func hold(for order: Order, policy: PaymentPolicy) -> Hold? {
        guard !policy.allows(order.paymentStatus) else { return nil }
        return Hold(id: holdID, reason: "awaiting payment (\(policy.require.rawValue))", source: .payment)
    }

    /// The gate's hold on `order` when the money now meets `policy`: lift it.
    public static func lifted(_ order: Order, policy: PaymentPolicy) -> Hold? {
        guard let hold = order.holds.first(where: { $0.source == .payment }), policy.allows(order.paymentStatus) else { return nil }
        return hold
    }

    /// Whether an order held by the gate since `since` has waited longer than `policy` allows at `now`.
    public static func expired(since: Date, policy: PaymentPolicy, now: Date) -> Bool {
        guard let timeout = policy.timeout else { return false }
        return timeout.advance(since, times: 1) <= now
    }
}
