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
