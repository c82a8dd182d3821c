import Foundation

/// The part of an order that one location fulfils one way: a warehouse's or store's work list,
/// or a supplier's drop-ship request.
public struct FulfillmentOrder: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, accepted
        case partiallyShipped = "partially_shipped"
        case shipped
        case readyForPickup = "ready_for_pickup"
        case pickedUp = "picked_up"
        case rejected, cancelled
    }

    public struct Line: Sendable, Equatable {
        public var orderLine: Int
        public var sku: SKU
        public var quantity: Int64
        public var fulfilledQuantity: Int64
        public init(orderLine: Int, sku: SKU, quantity: Int64, fulfilledQuantity: Int64 = 0) {
            self.orderLine = orderLine
            self.sku = sku
            self.quantity = quantity
            self.fulfilledQuantity = fulfilledQuantity
        }
    }

    public var id: FulfillmentOrderID
    public var orderId: OrderID
    public var locationId: LocationID
    public var type: FulfillmentType
    public var status: Status
    public var lines: [Line]
    public var createdAt: Date
    /// Issued when a pickup is ready; shown to the customer, asked at the counter.
    public var pickupCode: String? = nil
    public var rejectionReason: RejectionReason? = nil
    public var shipments: [Shipment] = []

    public init(
        id: FulfillmentOrderID, orderId: OrderID, locationId: LocationID, type: FulfillmentType, status: Status, lines: [Line],
        createdAt: Date
    ) {
        self.id = id
        self.orderId = orderId
        self.locationId = locationId
        self.type = type
        self.status = status
        self.lines = lines
        self.createdAt = createdAt
    }
}

/// Units that left a location together, with the carrier's tracking.
public struct Shipment: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var orderLine: Int
        public var sku: SKU
        public var quantity: Int64
        public init(orderLine: Int, sku: SKU, quantity: Int64) {
            self.orderLine = orderLine
            self.sku = sku
            self.quantity = quantity
        }
    }
    public var id: String
    public var carrier: String?
    public var trackingNumber: String?
    public var lines: [Line]
    public var createdAt: Date
    public var deliveredAt: Date? = nil
    public init(id: String, carrier: String?, trackingNumber: String?, lines: [Line], createdAt: Date) {
        self.id = id
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.lines = lines
        self.createdAt = createdAt
    }
}
