import Foundation
import Metrics
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

/// A shipping address as the API carries it: the postal fields plus optional coordinates.
struct ShippingAddressInput {
    var address: Address
    var latitude: Double?
    var longitude: Double?

    init(_ a: Components.Schemas.ShippingAddress) {
        address = Address(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country,
            phone: a.phone)
        latitude = a.latitude
        longitude = a.longitude
    }

    func coordinates() throws(OrderlyError) -> Coordinates? {
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): return Coordinates(latitude: latitude, longitude: longitude)
        case (nil, nil): return nil
        default: throw OrderlyError.invalid("shippingAddress.latitude", "latitude and longitude go together")
        }
    }
}

extension Components.Schemas.ShippingAddress {
    init(_ a: Address, coordinates: Coordinates?) {
        self.init(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country,
            phone: a.phone, latitude: coordinates?.latitude, longitude: coordinates?.longitude)
    }
}

extension Delivery {
    /// The delivery the API names; nil (with the error in `v`) when pickup or carryOut names no store.
    init?(_ d: Components.Schemas.Delivery, _ field: String, into v: inout Validator) {
        switch d.method {
        case .ship:
            v.check(d.locationId == nil, "\(field).locationId", "is only for pickup and carryOut")
            self = .ship
        case .pickup, .carryOut:
            guard let location = d.locationId.map(LocationID.init) else {
                v.add("\(field).locationId", "is required for \(d.method.rawValue)")
                return nil
            }
            self = d.method == .pickup ? .pickup(location) : .carryOut(location)
        }
    }
}

extension OrderDraft {
    init(_ body: Components.Schemas.OrderInput) throws(OrderlyError) {
        let address = body.shippingAddress.map(ShippingAddressInput.init)
        var v = Validator()
        let lines = body.lines.enumerated().map { i, line -> OrderDraft.Line in
            let delivery = line.delivery.flatMap { Delivery($0, "lines[\(i)].delivery", into: &v) } ?? .ship
            return OrderDraft.Line(
                sku: SKU(line.sku), quantity: line.quantity, unitPrice: line.unitPrice, delivery: delivery,
                discounts: (line.discounts ?? []).map(Discount.init), taxes: line.taxes.map { Tax.list($0, "lines[\(i)].taxes", into: &v) })
        }
        let shippingLines = (body.shippingLines ?? []).enumerated().map { i, shipping in
            OrderDraft.ShippingLine(
                method: shipping.method, carrier: shipping.carrier, price: shipping.price,
                taxes: shipping.taxes.map { Tax.list($0, "shippingLines[\(i)].taxes", into: &v) })
        }
        try v.validate()
        self.init(
            channel: ChannelID(body.channel), externalId: body.externalId,
            customer: CustomerDetails(email: body.customer?.email, name: body.customer?.name, phone: body.customer?.phone),
            currency: CurrencyCode(body.currency), shippingAddress: address?.address, coordinates: try address?.coordinates(), lines: lines,
            shippingPrice: body.shippingPrice ?? 0, discount: body.discount ?? 0, tags: body.tags ?? [], note: body.note,
            reservationId: body.reservationId.map(ReservationID.init))
        discounts = (body.discounts ?? []).map(Discount.init)
        self.shippingLines = shippingLines
        billingAddress = body.billingAddress.map(Address.init)
        attributes = body.attributes?.additionalProperties ?? [:]
        riskScore = body.riskScore
        statedTotals = body.totals.map {
            StatedTotals(
                subtotal: $0.subtotal, discountTotal: $0.discountTotal, taxTotal: $0.taxTotal, shippingTotal: $0.shippingTotal, total: $0.total)
        }
    }
}

extension Discount {
    init(_ d: Components.Schemas.Discount) { self.init(code: d.code, name: d.name, amount: d.amount) }
}

extension Components.Schemas.Discount {
    init(_ d: Discount) { self.init(code: d.code, name: d.name, amount: d.amount) }
}

extension Tax {
    /// Taxes as sent; a rate that is not a fraction between 0 and 1 exact to a millionth is
    /// named in `v` (and kept as 0 so that the rest is still checked).
    static func list(_ taxes: [Components.Schemas.Tax], _ field: String, into v: inout Validator) -> [Tax] {
        taxes.enumerated().map { i, tax in
            let rate = TaxRate(fraction: tax.rate)
            v.check(rate != nil, "\(field)[\(i)].rate", "must be a fraction between 0 and 1 with at most 6 decimals, such as 0.21")
            return Tax(name: tax.name, rate: rate ?? TaxRate(millionths: 0), amount: tax.amount, included: tax.included)
        }
    }
}

extension Components.Schemas.Tax {
    init(_ t: Tax) { self.init(name: t.name, rate: t.rate.fraction, amount: t.amount, included: t.included) }
}

extension Components.Schemas.ShippingLine {
    init(_ s: ShippingLine) { self.init(method: s.method, carrier: s.carrier, price: s.price, taxes: s.taxes.map(Components.Schemas.Tax.init)) }
}

extension Components.Schemas.Order {
    init(_ o: Order, fulfillmentOrders: [FulfillmentOrder], promises: [SupplyPromise]) {
        self.init(
            id: o.id.rawValue, number: o.number, channel: o.channel.rawValue, externalId: o.externalId,
            status: .init(rawValue: o.status.rawValue) ?? .processing, customerId: o.customerId.rawValue, currency: o.currency.rawValue,
            totals: .init(
                subtotal: o.totals.subtotal, discountTotal: o.totals.discountTotal, taxTotal: o.totals.taxTotal,
                shippingTotal: o.totals.shippingTotal, shipping: o.totals.shipping, discount: o.totals.discount, total: o.totals.total,
                refundPending: 0, refunded: 0),
            discounts: o.discounts.map(Components.Schemas.Discount.init),
            shippingLines: o.shippingLines.map(Components.Schemas.ShippingLine.init),
            billingAddress: o.billingAddress.map(Components.Schemas.Address.init),
            paymentStatus: .init(o.paymentStatus), paymentTotals: .init(o.payments),
            shippingAddress: o.shippingAddress.map { Components.Schemas.ShippingAddress($0, coordinates: o.coordinates) },
            holds: o.holds.map { .init(id: $0.id, reason: $0.reason, source: .init(rawValue: $0.source.rawValue) ?? .manual) },
            tags: o.tags, attributes: .init(additionalProperties: o.attributes), riskScore: o.riskScore,
            routingStrategy: o.routingStrategy,
            workflow: o.workflow.map {
                .init(id: $0.id, version: $0.version, stage: $0.stage, state: .init(rawValue: $0.state) ?? .released, since: $0.since)
            },
            lines: o.lines.map { line in
                .init(
                    id: "\(o.id):\(line.number)", number: line.number, sku: line.sku.rawValue, quantity: line.quantity, unitPrice: line.unitPrice,
                    delivery: .init(line.delivery),
                    allocatedQuantity: line.allocatedQuantity, backorderedQuantity: line.backorderedQuantity,
                    fulfilledQuantity: line.fulfilledQuantity,
                    cancelledQuantity: line.cancelledQuantity, returnedQuantity: line.returnedQuantity,
                    discounts: line.discounts.map(Components.Schemas.Discount.init), orderDiscount: line.orderDiscount,
                    taxes: line.taxes.map(Components.Schemas.Tax.init), total: line.total,
                    promisedAt: SupplyPromise.promisedAt(line, promises),
                    promises: promises.filter { $0.lineNumber == line.number }.map {
                        .init(supplyId: $0.supplyId.rawValue, quantity: $0.quantity, expectedAt: $0.expectedAt)
                    })
            },
            fulfillmentOrders: fulfillmentOrders.map(Components.Schemas.FulfillmentOrder.init), createdAt: o.createdAt)
    }
}

extension Components.Schemas.OrderSummary {
    init(_ s: OrderSummary) {
        self.init(
            id: s.id.rawValue, number: s.number, channel: s.channel.rawValue, externalId: s.externalId,
            status: .init(rawValue: s.status.rawValue) ?? .processing, currency: s.currency.rawValue, total: s.total, createdAt: s.createdAt)
    }
}

extension Components.Schemas.Delivery {
    init(_ delivery: Delivery) {
        switch delivery {
        case .ship: self.init(method: .ship)
        case .pickup(let store): self.init(method: .pickup, locationId: store.rawValue)
        case .carryOut(let store): self.init(method: .carryOut, locationId: store.rawValue)
        }
    }
}
