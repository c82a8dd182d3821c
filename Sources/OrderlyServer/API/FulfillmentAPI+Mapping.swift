import Foundation
import Metrics
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension Components.Schemas.FulfillmentOrder {
    init(_ f: FulfillmentOrder) {
        self.init(
            id: f.id.rawValue, orderId: f.orderId.rawValue, locationId: f.locationId.rawValue, _type: .init(rawValue: f.type.rawValue) ?? .ship,
            status: .init(rawValue: f.status.rawValue) ?? .open,
            lines: f.lines.map {
                .init(
                    orderLineId: "\(f.orderId):\($0.orderLine)", sku: $0.sku.rawValue, quantity: $0.quantity, fulfilledQuantity: $0.fulfilledQuantity)
            },
            pickupCode: f.pickupCode, rejectionReason: f.rejectionReason?.rawValue,
            shipments: f.shipments.map { shipment in
                .init(
                    id: shipment.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, createdAt: shipment.createdAt,
                    deliveredAt: shipment.deliveredAt,
                    lines: shipment.lines.map { .init(orderLineId: "\(f.orderId):\($0.orderLine)", sku: $0.sku.rawValue, quantity: $0.quantity) })
            },
            createdAt: f.createdAt)
    }
}
