import Foundation

/// How a channel's orders are paid: when Orderly asks the provider to capture, and what an
/// order must have before it is released to fulfillment.
public struct PaymentPolicy: Sendable, Equatable, Codable {
    public enum Capture: String, Sendable, Codable, CaseIterable {
        /// The whole total as the order is placed (`payment.capture_requested`).
        case onPlacement = "on_placement"
        /// What the fulfilled units owe as each shipment or handover happens; shipping with the first.
        case onShipment = "on_shipment"
        /// Orderly asks for nothing; the integration or staff capture.
        case manual
    }

    public enum Requirement: String, Sendable, Codable, CaseIterable {
        case none, authorized, paid
    }

    /// When invoices are issued (`Invoicing`).
    public enum Invoicing: String, Sendable, Codable, CaseIterable {
        /// One per shipment or handover, for the units it fulfils; shipping on the first.
        case perShipment = "per_shipment"
        /// One for the whole order once nothing of it is left to fulfil (every unit fulfilled
        /// or cancelled): every fulfilled unit and the shipping.
        case perOrder = "per_order"
    }

    public var capture: Capture
    public var require: Requirement
    /// How long an order may wait for payment before it is cancelled and its stock released
    /// (nil: it waits until paid or cancelled by someone).
    public var timeout: ISODuration?
    public var invoicing: Invoicing

    public init(capture: Capture = .manual, require: Requirement = .none, timeout: ISODuration? = nil, invoicing: Invoicing = .perShipment) {
        self.capture = capture
        self.require = require
        self.timeout = timeout
        self.invoicing = invoicing
    }

    enum CodingKeys: String, CodingKey { case capture, require, timeout, invoicing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capture = try c.decodeIfPresent(Capture.self, forKey: .capture) ?? .manual
        require = try c.decodeIfPresent(Requirement.self, forKey: .require) ?? .none
        timeout = try c.decodeIfPresent(String.self, forKey: .timeout).flatMap { ISODuration($0, allowingTime: true) }
        invoicing = try c.decodeIfPresent(Invoicing.self, forKey: .invoicing) ?? .perShipment
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capture, forKey: .capture)
        try c.encode(require, forKey: .require)
        try c.encodeIfPresent(timeout?.description, forKey: .timeout)
        try c.encode(invoicing, forKey: .invoicing)
    }

    /// A timeout as a person types it or an integration sends it: empty removes it; anything
    /// else must be an ISO 8601 duration (`PT48H`, `P2D`). Refusals name `field`.
    public static func timeout(_ text: String, field: String) throws(OrderlyError) -> ISODuration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard let duration = ISODuration(text, allowingTime: true) else {
            throw OrderlyError.invalid(field, "must be an ISO 8601 duration such as PT48H or P2D (empty removes it)")
        }
        return duration
    }

    /// Whether an order whose money stands at `status` may go to fulfillment.
    public func allows(_ status: PaymentStatus) -> Bool { allowed.map { $0.contains(status) } ?? true }

    /// The payment statuses that meet the requirement; nil when any does.
    public var allowed: [PaymentStatus]? {
        switch require {
        case .none: nil
        case .authorized: [.authorized, .partiallyPaid, .paid, .partiallyRefunded]
        case .paid: [.paid, .partiallyRefunded]
        }
    }

    /// What fulfilling `units` of `order` (as it stood before them) asks the provider to
    /// capture under this policy: what those units paid (`OrderLine.paid`, after the units of
    /// the line fulfilled before), and the shipping charge with the order's first fulfilled
    /// units, less what is already captured beyond what the units fulfilled before owed (an
    /// exchange's credit, a sale at the counter, a capture by hand): the requests never ask
    /// for money already taken, and with the captures they add up to the total. Nil unless the
    /// policy captures on shipment, or when it comes to nothing.
    public func capture(fulfilling units: [(line: Int, quantity: Int64)], of order: Order) -> Int64? {
        guard capture == .onShipment else { return nil }
        var amount: Int64 = 0
        var done: [Int: Int64] = [:]
        for unit in units {
            guard let line = order.lines.first(where: { $0.number == unit.line }) else { continue }
            let before = line.fulfilledQuantity + (done[unit.line] ?? 0)
            amount += line.paid(units: unit.quantity, after: before)
            done[unit.line, default: 0] += unit.quantity
        }
        if !order.hasFulfilment { amount += order.shippingCharge }
        // What the units fulfilled before owed, and what this shipment brings it to; the money
        // taken covers the earliest units first.
        let owedBefore =
            order.lines.reduce(Int64(0)) { $0 + $1.paid(units: $1.fulfilledQuantity, after: 0) } + (order.hasFulfilment ? order.shippingCharge : 0)
        let taken = order.payments.captured
        let request = max(0, owedBefore + amount - taken) - max(0, owedBefore - taken)
        return request > 0 ? request : nil
    }
}
