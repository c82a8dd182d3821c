import Foundation

/// A server-assigned return (RMA) id (`ret_…`).
public struct ReturnID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A return authorisation: units of fulfilled order lines coming back to a location, in a
/// store (any store that takes returns, whichever channel sold them) or by mail.
public struct Return: Sendable, Equatable {
    public enum Method: String, Sendable, Codable, CaseIterable { case store, mail }
    public enum Status: String, Sendable, Codable, CaseIterable { case requested, received, cancelled }
    public enum RefundStatus: String, Sendable, Codable, CaseIterable {
        case pending
        /// Asked of the payment provider (`refund.requested`), not yet confirmed paid.
        case requested
        case refunded
    }
    /// How a returned unit comes back: `resellable` goes back on the shelf where it was
    /// received; `damaged` and `openBox` (opened, to be graded before it is sold again) are
    /// received and counted, not restocked as new.
    public enum Condition: String, Sendable, Codable, CaseIterable {
        case resellable, damaged
        case openBox = "open_box"
    }

    public struct Line: Sendable, Equatable {
        public var orderLine: Int
        public var sku: SKU
        public var quantity: Int64
        public var reason: String
        public var receivedQuantity: Int64 = 0
        public var restockedQuantity: Int64 = 0
        public var damagedQuantity: Int64 = 0
        public var openBoxQuantity: Int64 = 0
        public init(orderLine: Int, sku: SKU, quantity: Int64, reason: String) {
            self.orderLine = orderLine
            self.sku = sku
            self.quantity = quantity
            self.reason = reason
        }
        public var outstanding: Int64 { quantity - receivedQuantity }
    }

    public var id: ReturnID
    public var orderId: OrderID
    public var locationId: LocationID
    public var method: Method
    public var status: Status
    public var lines: [Line]
    public var refundAmount: Int64
    public var refundStatus: RefundStatus
    public var currency: CurrencyCode
    public var createdAt: Date
    /// The replacement order when the customer exchanges rather than returns.
    public var exchangeOrderId: OrderID? = nil
    /// The part of the return's value that paid the replacement (`Exchange.Settlement`).
    public var exchangeCredit: Int64 = 0
    /// What the customer still pays on the replacement beyond the credit.
    public var exchangeCharge: Int64 = 0

    public init(
        id: ReturnID, orderId: OrderID, locationId: LocationID, method: Method, status: Status = .requested, lines: [Line],
        refundAmount: Int64, refundStatus: RefundStatus = .pending, currency: CurrencyCode, createdAt: Date
    ) {
        self.id = id
        self.orderId = orderId
        self.locationId = locationId
        self.method = method
        self.status = status
        self.lines = lines
        self.refundAmount = refundAmount
        self.refundStatus = refundStatus
        self.currency = currency
        self.createdAt = createdAt
    }
}

extension Return {
    /// What the returned units are worth: refunded to the customer, or credited to the
    /// replacement of an exchange.
    public var value: Int64 { refundAmount + exchangeCredit }

    /// Cancelling, decided: only a return nothing of which has arrived, and not one whose value
    /// already paid an exchange (cancel or settle the replacement order instead).
    public func cancelling() throws(OrderlyError) -> Return {
        guard status == .requested, lines.allSatisfy({ $0.receivedQuantity == 0 }) else {
            throw OrderlyError.conflict(
                "Return \(id) is \(status.rawValue)\(status == .requested ? " and partly received" : ""); it cannot be cancelled")
        }
        if exchangeCredit > 0, let replacement = exchangeOrderId {
            throw OrderlyError.conflict("Return \(id) already paid \(exchangeCredit) of exchange order \(replacement); it cannot be cancelled")
        }
        var cancelled = self
        cancelled.status = .cancelled
        return cancelled
    }

    /// Each line's units announced but not yet received (lines with none left out).
    public var outstandingLines: [(orderLine: Int, quantity: Int64)] {
        lines.map { ($0.orderLine, $0.quantity - $0.receivedQuantity) }.filter { $0.1 > 0 }
    }
}

/// The return rules: what may come back, and what is refunded for it.
public enum ReturnPolicy {
    /// A requested line: `orderLine` with `quantity` units, for `reason`.
    public typealias Request = (orderLine: Int, quantity: Int64, reason: String)
    /// Units of a return's line received in one condition.
    public typealias Received = (orderLine: Int, quantity: Int64, condition: Return.Condition)

    /// Units a customer hands over at a store's counter as the return opens, each request with
    /// the condition of its units (a line may come twice: one unit resellable, one opened):
    /// what is received at once, or nil when no request names a condition (the units are still
    /// to come). Refused unless every request names one, and the return is at a store.
    public static func handedOver(
        _ requests: [(request: Request, condition: Return.Condition?)], method: Return.Method
    ) throws(OrderlyError) -> [Received]? {
        guard requests.contains(where: { $0.condition != nil }) else { return nil }
        var v = Validator()
        for (i, item) in requests.enumerated() {
            if method != .store {
                v.add("lines[\(i)].condition", "only units handed over at a store's counter are received as the return opens")
            } else if item.condition == nil {
                v.add("lines[\(i)].condition", "is required when another line has one: units handed over are received together")
            }
        }
        try v.validate()
        return requests.compactMap { item in item.condition.map { (item.request.orderLine, item.request.quantity, $0) } }
    }

    /// What of an order line can still come back: what was fulfilled, less what is already
    /// returned or on its way back (`pending` per order line).
    public static func returnable(_ line: OrderLine, pending: [Int: Int64]) -> Int64 {
        max(0, line.fulfilledQuantity - line.returnedQuantity - (pending[line.number] ?? 0))
    }

    /// Checks a request against what was fulfilled, less what was already returned or is on
    /// its way back (`pending` per order line). Over-returns are refused as `not_returnable`.
    public static func validate(
        _ requested: [Request], order: Order, pending: [Int: Int64], location: Location, method: Return.Method
    ) throws(OrderlyError) -> [Return.Line] {
        var v = Validator()
        v.check(!requested.isEmpty, "lines", "must hold at least one line")
        if method == .store {
            v.check(
                location.kind == .store && location.capabilities.returns && location.active, "locationId",
                "\(location.id) does not take returns in store")
        } else {
            v.check(location.capabilities.returns && location.active, "locationId", "\(location.id) does not take returns")
        }
        var lines: [Return.Line] = []
        var asked: [Int: Int64] = [:]
        var over: [OrderlyError.FieldError] = []
        for (i, request) in requested.enumerated() {
            v.quantity(request.quantity, "lines[\(i)].quantity")
            v.text(request.reason, "lines[\(i)].reason", max: 200)
            guard let line = order.lines.first(where: { $0.number == request.orderLine }) else {
                v.add("lines[\(i)].orderLineId", "order \(order.number) has no line \(request.orderLine)")
                continue
            }
            // Sum only quantities already known to be in range: the sum of several huge ones would overflow (found by fuzzing).
            guard (1...Limits.maxQuantity).contains(request.quantity) else { continue }
            asked[line.number, default: 0] += request.quantity
            let returnable = Self.returnable(line, pending: pending)
            if asked[line.number, default: 0] > returnable {
                over.append(.init(field: "lines[\(i)].quantity", message: "only \(max(0, returnable)) of line \(line.number) can be returned"))
            }
            lines.append(Return.Line(orderLine: line.number, sku: line.sku, quantity: request.quantity, reason: request.reason))
        }
        try v.validate()
        if !over.isEmpty { throw OrderlyError(.notReturnable, over.map { "\($0.field): \($0.message)" }.joined(separator: "; "), fieldErrors: over) }
        return lines
    }

    /// What is refunded for `lines`, in minor units: what the returned units paid — each line's
    /// total (after its discounts and its share of the order's, taxes not included in the
    /// price added) split exactly over its units (`OrderLine.paid`), so that returning every
    /// unit of a line, in any number of returns, refunds exactly what the line cost — plus the
    /// shipping charge when this return completes the return of everything that was paid for.
    public static func refund(for lines: [Return.Line], order: Order, alreadyReturned: [Int: Int64]) -> Int64 {
        var amount: Int64 = 0
        var returnedAfter: [Int: Int64] = alreadyReturned
        for line in lines {
            guard let orderLine = order.lines.first(where: { $0.number == line.orderLine }) else { continue }
            amount += orderLine.paid(units: line.quantity, after: returnedAfter[line.orderLine] ?? 0)
            returnedAfter[line.orderLine, default: 0] += line.quantity
        }
        let everything = order.lines.allSatisfy { $0.kept <= (returnedAfter[$0.number] ?? 0) }
        if everything { amount += order.shippingCharge }
        return min(amount, order.totals.total)
    }
}

/// What receiving units of a return writes.
public struct ReturnReceipt: Sendable {
    /// The return with the units received (received once nothing is outstanding).
    public var ret: Return
    /// The order with the units counted as returned.
    public var order: Order
    /// Resellable units per sku, restocked at the return's location.
    public var restock: [SKU: Int64]
    public var event: DomainEvent
}

extension Return {
    /// Receives units with their condition: resellable ones are restocked at the receiving
    /// location, damaged and open-box ones are counted only. Refused unless the return is still requested,
    /// or for more than a line still expects.
    public func receiving(_ received: [ReturnPolicy.Received], order: Order) throws(OrderlyError) -> ReturnReceipt {
        guard status == .requested else { throw OrderlyError.conflict("Return \(id) is \(status.rawValue) and cannot be received") }
        var ret = self
        var order = order
        var v = Validator()
        v.check(!received.isEmpty, "lines", "must hold at least one line")
        var restock: [SKU: Int64] = [:]
        for (i, item) in received.enumerated() {
            v.quantity(item.quantity, "lines[\(i)].quantity")
            guard let index = ret.lines.firstIndex(where: { $0.orderLine == item.orderLine }) else {
                v.add("lines[\(i)].orderLineId", "line \(item.orderLine) is not on return \(id)")
                continue
            }
            guard item.quantity > 0, item.quantity <= ret.lines[index].outstanding else {
                v.add("lines[\(i)].quantity", "only \(ret.lines[index].outstanding) of line \(item.orderLine) are still expected")
                continue
            }
            ret.lines[index].receivedQuantity += item.quantity
            switch item.condition {
            case .resellable:
                ret.lines[index].restockedQuantity += item.quantity
                restock[ret.lines[index].sku, default: 0] += item.quantity
            case .damaged: ret.lines[index].damagedQuantity += item.quantity
            case .openBox: ret.lines[index].openBoxQuantity += item.quantity
            }
            if let o = order.lines.firstIndex(where: { $0.number == item.orderLine }) { order.lines[o].returnedQuantity += item.quantity }
        }
        try v.validate()
        if ret.lines.allSatisfy({ $0.outstanding == 0 }) { ret.status = .received }
        return ReturnReceipt(ret: ret, order: order, restock: restock, event: .returnReceived(ret))
    }
}

extension Return {
    /// How a store gives a customer their money back for a return it received at its counter.
    public enum TillRefund: String, Sendable, Codable, CaseIterable {
        /// Paid out of the till: recorded as a `refund` by the `cash` provider.
        case cash
        /// Back to how the customer paid: asked of the payment provider (`refund.requested`).
        case originalPayment = "original_payment"
    }

    /// What refunding at the till writes.
    public enum TillRefundPlan: Sendable, Equatable {
        /// A cash refund on the order; the return is refunded at once.
        case cash(PaymentRecording.Report)
        /// Ask the provider for `amount`; the return's refund becomes `requested`.
        case request(amount: Int64)
    }

    /// Refunding at the till, decided: allowed for a store return received whole and not yet
    /// refunded (a mail return is refunded to the original payment when it arrives); cash is
    /// a `refund` by the `cash` provider on `order`, the original payment needs something
    /// captured still to give back.
    public func tillRefund(_ how: TillRefund, order: Order) throws(OrderlyError) -> TillRefundPlan {
        guard method == .store else { throw OrderlyError.conflict("Return \(id) came by mail; its refund goes to the original payment") }
        guard status == .received else { throw OrderlyError.conflict("Return \(id) is \(status.rawValue): refund it once everything is received") }
        guard refundStatus == .pending else { throw OrderlyError.conflict("Return \(id) is already refunded") }
        switch how {
        case .cash:
            return .cash(
                PaymentRecording.Report(
                    kind: .refund, amount: refundAmount, currency: order.currency, provider: "cash", method: "cash", reference: "till:\(id)",
                    note: "cash refund at \(locationId) for return \(id)"))
        case .originalPayment:
            guard RefundRequest.askable(order) > 0 else {
                throw OrderlyError(.paymentRefused, "Nothing captured on order \(order.number) is left to refund to the original payment")
            }
            return .request(amount: RefundRequest.forReturn(refundAmount, order: order))
        }
    }
}
