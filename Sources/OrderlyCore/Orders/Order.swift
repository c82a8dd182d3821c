import Foundation

/// A server-assigned order id (`ord_…`).
public struct OrderID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A server-assigned customer id (`cus_…`).
public struct CustomerID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A server-assigned fulfillment order id (`fo_…`).
public struct FulfillmentOrderID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// How a line reaches the customer.
public enum Delivery: Sendable, Equatable, Hashable, Codable {
    case ship
    /// Collected later at the store the customer chose, against a pickup code.
    case pickup(LocationID)
    /// Sold at the counter: the customer leaves with it (a POS sale). Fulfilled as the order is placed.
    case carryOut(LocationID)

    /// A line collected by the customer (later) at this store.
    public var pickupLocation: LocationID? {
        if case .pickup(let location) = self { return location }
        return nil
    }

    /// The store a line must come from: where it is picked up or carried out.
    public var storeLocation: LocationID? {
        switch self {
        case .ship: nil
        case .pickup(let location), .carryOut(let location): location
        }
    }

    /// How units of this line are fulfilled when they come from `storeLocation`.
    public var storeFulfillment: FulfillmentType? {
        switch self {
        case .ship: nil
        case .pickup: .pickup
        case .carryOut: .carryOut
        }
    }
}

/// One line of an order with the quantities that say where it stands.
public struct OrderLine: Sendable, Equatable, Codable {
    /// 1-based position in the order; with the order id it identifies the line.
    public var number: Int
    public var sku: SKU
    public var quantity: Int64
    public var unitPrice: Int64
    public var delivery: Delivery
    public var allocatedQuantity: Int64 = 0
    public var backorderedQuantity: Int64 = 0
    public var fulfilledQuantity: Int64 = 0
    public var cancelledQuantity: Int64 = 0
    public var returnedQuantity: Int64 = 0
    /// Discounts on this line alone, as the channel sent them.
    public var discounts: [Discount] = []
    /// The line's share of the order-level discounts (`Money.spread` over the lines' value).
    public var orderDiscount: Int64 = 0
    public var taxes: [Tax] = []

    public init(number: Int, sku: SKU, quantity: Int64, unitPrice: Int64, delivery: Delivery) {
        self.number = number
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.delivery = delivery
    }

    /// Units ordered and not cancelled: what the line comes to (`OrderLineChange.quantity`).
    public var kept: Int64 { quantity - cancelledQuantity }
    /// Units still to be fulfilled or cancelled.
    public var open: Int64 { quantity - fulfilledQuantity - cancelledQuantity }
    /// Units that may still be cancelled (not shipped, not already cancelled).
    public var cancellable: Int64 { open }
}

/// A reason an order may not be released to fulfilment.
public struct Hold: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable {
        case manual, rule
        /// The channel requires payment before release (`PaymentPolicy.require`); lifted by the
        /// payment that meets it.
        case payment
        /// The order waits in a stage of its channel's workflow; lifted when the stage ends.
        case workflow
        /// A rule of the channel's routing strategy could not fill the order and said `hold`.
        case routing
    }
    public var id: String
    public var reason: String
    public var source: Source
    public init(id: String, reason: String, source: Source) {
        self.id = id
        self.reason = reason
        self.source = source
    }
}

/// An order from any channel.
public struct Order: Sendable, Equatable {
    public var id: OrderID
    public var number: String
    public var channel: ChannelID
    public var externalId: String?
    public var customerId: CustomerID
    public var currency: CurrencyCode
    public var totals: OrderTotals
    public var shippingAddress: Address?
    public var coordinates: Coordinates?
    public var lines: [OrderLine]
    public var holds: [Hold]
    public var tags: [String]
    public var createdAt: Date
    /// Order-level discounts; each line carries its share in `orderDiscount`.
    public var discounts: [Discount] = []
    public var shippingLines: [ShippingLine] = []
    public var billingAddress: Address?
    /// The sums of the order's succeeded payment transactions (`paymentStatus` derives from them).
    public var payments = PaymentTotals()
    /// The refund level Orderly has asked the provider for (`RefundRequest`): what it asks
    /// next comes on top of this or of what was refunded, whichever is higher.
    public var refundsRequested: Int64 = 0
    /// Free attributes the channel sent with the order.
    public var attributes: [String: String] = [:]
    /// 0–100, as the channel (or later a signal) scored the order's risk.
    public var riskScore: Int64?
    /// Where the order stands in its channel's workflow; nil when the channel has none.
    public var workflow: OrderWorkflow?
    /// The routing strategy that placed its units, `id@version` (nil: the channel's own routing).
    public var routingStrategy: String?

    public init(
        id: OrderID, number: String, channel: ChannelID, externalId: String?, customerId: CustomerID, currency: CurrencyCode,
        totals: OrderTotals, shippingAddress: Address?, coordinates: Coordinates?, lines: [OrderLine], holds: [Hold] = [],
        tags: [String] = [], createdAt: Date
    ) {
        self.id = id
        self.number = number
        self.channel = channel
        self.externalId = externalId
        self.customerId = customerId
        self.currency = currency
        self.totals = totals
        self.shippingAddress = shippingAddress
        self.coordinates = coordinates
        self.lines = lines
        self.holds = holds
        self.tags = tags
        self.createdAt = createdAt
    }

    /// The human order number for a sequence value: `ORD-000123`.
    public static func number(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "ORD-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
