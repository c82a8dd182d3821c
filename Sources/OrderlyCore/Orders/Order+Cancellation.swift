import Foundation

/// One line's cancellation: `quantity` nil cancels everything still open on the line.
public struct OrderCancellation: Sendable {
    public var line: Int
    public var quantity: Int64?
    public init(line: Int, quantity: Int64? = nil) {
        self.line = line
        self.quantity = quantity
    }
}

extension Order {
    /// Which units each requested line cancels (every open unit when nothing is requested);
    /// refuses more than is still open on a line.
    public func cancellationTargets(_ requested: [OrderCancellation]?) throws(OrderlyError) -> [(line: Int, quantity: Int64)] {
        guard let requested else { return lines.map { ($0.number, $0.cancellable) } }
        var v = Validator()
        v.check(!requested.isEmpty, "lines", "must name at least one line, or be left out to cancel the whole order")
        var targets: [(line: Int, quantity: Int64)] = []
        for (i, request) in requested.enumerated() {
            guard let line = lines.first(where: { $0.number == request.line }) else {
                v.add("lines[\(i)].line", "order \(number) has no line \(request.line)")
                continue
            }
            let quantity = request.quantity ?? line.cancellable
            if let asked = request.quantity {
                v.quantity(asked, "lines[\(i)].quantity")
                // Out of range is already refused; adding it up could overflow.
                guard (1...Limits.maxQuantity).contains(asked) else { continue }
            }
            let already = targets.filter { $0.line == request.line }.reduce(Int64(0)) { $0 + $1.quantity }
            v.check(
                quantity + already <= line.cancellable, "lines[\(i)].quantity",
                "only \(line.cancellable - already) of line \(line.number) can still be cancelled")
            targets.append((request.line, quantity))
        }
        try v.validate()
        return targets
    }
}

/// An allocation as cancellation and rejection see it: units of an order line held at a
/// location for one kind of fulfillment, `released` of them already in fulfillment orders.
public struct AllocationState: Sendable, Equatable {
    public var line: Int
    public var location: LocationID
    public var type: FulfillmentType
    public var quantity: Int64
    public var released: Int64
    public init(line: Int, location: LocationID, type: FulfillmentType, quantity: Int64, released: Int64) {
        self.line = line
        self.location = location
        self.type = type
        self.quantity = quantity
        self.released = released
    }
}

/// A line of a fulfillment order that can still shrink (its order is open, accepted, partly
/// shipped or ready for pickup).
public struct OpenFulfillmentLine: Sendable, Equatable {
    public var fulfillmentOrder: FulfillmentOrderID
    public var location: LocationID
    public var type: FulfillmentType
    public var orderLine: Int
    public var quantity: Int64
    public var fulfilledQuantity: Int64
    public var createdAt: Date
    public init(
        fulfillmentOrder: FulfillmentOrderID, location: LocationID, type: FulfillmentType, orderLine: Int, quantity: Int64,
        fulfilledQuantity: Int64, createdAt: Date
    ) {
        self.fulfillmentOrder = fulfillmentOrder
        self.location = location
        self.type = type
        self.orderLine = orderLine
        self.quantity = quantity
        self.fulfilledQuantity = fulfilledQuantity
        self.createdAt = createdAt
    }

    /// The fulfillment order statuses whose lines can still shrink.
    public static let statuses: [FulfillmentOrder.Status] = [.open, .accepted, .partiallyShipped, .readyForPickup]
}

/// What cancelling units of an order writes.
public struct CancellationPlan: Sendable {
    /// The order with its lines' cancelled, allocated and backordered units after it.
    public var order: Order
    /// Units taken off allocations: `quantity` off the allocation, `released` of them out of
    /// fulfillment orders.
    public var allocations: [(line: Int, location: LocationID, type: FulfillmentType, quantity: Int64, released: Int64)]
    /// Units taken off fulfillment order lines.
    public var fulfillmentLines: [(fulfillmentOrder: FulfillmentOrderID, orderLine: Int, quantity: Int64)]
    /// Fulfillment orders left with nothing in them: cancelled.
    public var cancelledFulfillmentOrders: [FulfillmentOrderID]
    /// Reserved stock given back.
    public var unreserve: [(sku: SKU, locationId: LocationID, quantity: Int64)]
    public var event: DomainEvent
}

extension Order {
    /// Cancels the requested units (`cancellationTargets`; everything open when nothing is
    /// requested), releasing exactly their reservations: a line's waiting (backordered) units
    /// first, then its allocations — those not yet in a fulfillment order first (the most such
    /// units first, then by location), then units in fulfillment orders, newest fulfillment
    /// order first. A fulfillment order left empty is cancelled. Refused when nothing is left.
    public func cancelling(
        _ requested: [OrderCancellation]?, reason: String?, allocations: [AllocationState], fulfillment: [OpenFulfillmentLine]
    ) throws(OrderlyError) -> CancellationPlan {
        let targets = try cancellationTargets(requested)
        guard targets.contains(where: { $0.quantity > 0 }) else {
            throw OrderlyError.conflict("Order \(number) has nothing left to cancel (status \(status.rawValue))")
        }
        var order = self
        var allocations = allocations
        var fulfillment = fulfillment.sorted { ($0.createdAt, $0.fulfillmentOrder.rawValue) > ($1.createdAt, $1.fulfillmentOrder.rawValue) }
        var plan = CancellationPlan(
            order: self, allocations: [], fulfillmentLines: [], cancelledFulfillmentOrders: [], unreserve: [],
            event: .orderCancelled(self, lines: [], reason: reason))
        var cancelled: [OrderCancelledPayload.Line] = []
        for target in targets where target.quantity > 0 {
            guard let index = order.lines.firstIndex(where: { $0.number == target.line }) else { continue }
            let line = order.lines[index]
            var units = target.quantity
            let fromWaiting = min(units, line.backorderedQuantity)
            order.lines[index].backorderedQuantity -= fromWaiting
            units -= fromWaiting
            let candidates = allocations.indices
                .filter { allocations[$0].line == line.number && allocations[$0].quantity > 0 }
                .sorted {
                    let (a, b) = (allocations[$0], allocations[$1])
                    return (b.quantity - b.released, a.location.rawValue) < (a.quantity - a.released, b.location.rawValue)
                }
            for i in candidates where units > 0 {
                let allocation = allocations[i]
                let take = min(units, allocation.quantity)
                let fromReleased = max(0, take - (allocation.quantity - allocation.released))
                allocations[i].quantity -= take
                allocations[i].released -= fromReleased
                plan.allocations.append((line.number, allocation.location, allocation.type, take, fromReleased))
                var left = fromReleased
                for j in fulfillment.indices where left > 0 {
                    let open = fulfillment[j]
                    guard open.orderLine == line.number, open.location == allocation.location, open.type == allocation.type else { continue }
                    let shrink = min(left, open.quantity - open.fulfilledQuantity)
                    guard shrink > 0 else { continue }
                    fulfillment[j].quantity -= shrink
                    plan.fulfillmentLines.append((open.fulfillmentOrder, line.number, shrink))
                    left -= shrink
                    let id = open.fulfillmentOrder
                    if !plan.cancelledFulfillmentOrders.contains(id),
                        fulfillment.filter({ $0.fulfillmentOrder == id }).allSatisfy({ $0.quantity == 0 })
                    {
                        plan.cancelledFulfillmentOrders.append(id)
                    }
                }
                plan.unreserve.append((line.sku, allocation.location, take))
                order.lines[index].allocatedQuantity -= take
                units -= take
            }
            order.lines[index].cancelledQuantity += target.quantity
            cancelled.append(.init(line: target.line, quantity: target.quantity))
        }
        plan.order = order
        plan.event = .orderCancelled(order, lines: cancelled, reason: reason)
        return plan
    }
}
