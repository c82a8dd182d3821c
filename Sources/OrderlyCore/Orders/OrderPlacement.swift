import Foundation

/// Units of an order line allocated at a location for one kind of fulfillment, with the reason
/// routing (or a checkout reservation) gave.
public struct OrderAllocation: Sendable, Equatable {
    public var line: Int
    public var location: LocationID
    public var type: FulfillmentType
    public var quantity: Int64
    public var reason: String

    public init(line: Int, location: LocationID, type: FulfillmentType, quantity: Int64, reason: String) {
        self.line = line
        self.location = location
        self.type = type
        self.quantity = quantity
        self.reason = reason
    }

    /// These units, to be released into a fulfillment order.
    public var pending: FulfillmentOrder.Pending { .init(orderLine: line, locationId: location, type: type, quantity: quantity) }

    /// Entries summed per line, location and type, in first-seen order (the last reason wins):
    /// one allocation row per line, location and type.
    public static func merged(_ entries: [Self]) -> [Self] {
        var merged: [Self] = []
        for entry in entries {
            if let i = merged.firstIndex(where: { $0.line == entry.line && $0.location == entry.location && $0.type == entry.type }) {
                merged[i].quantity += entry.quantity
                merged[i].reason = entry.reason
            } else {
                merged.append(entry)
            }
        }
        return merged
    }
}

extension RoutingPlanner.Plan {
    /// The allocations this plan makes on `order`'s lines.
    public func allocations(of order: Order) -> [OrderAllocation] {
        allocations.map {
            OrderAllocation(line: order.lines[$0.lineIndex].number, location: $0.locationId, type: $0.type, quantity: $0.quantity, reason: $0.reason)
        }
    }
}

extension Order {
    /// The new order `draft` makes, priced, before anything is allocated or held.
    public init(_ draft: OrderDraft, priced: PricedOrder, id: OrderID, number: String, customer: CustomerID, at now: Date) {
        self.init(
            id: id, number: number, channel: draft.channel, externalId: draft.externalId, customerId: customer, currency: draft.currency,
            totals: priced.totals, shippingAddress: draft.shippingAddress, coordinates: draft.coordinates, lines: priced.lines, tags: draft.tags,
            createdAt: now)
        discounts = priced.discounts
        shippingLines = priced.shippingLines
        billingAddress = draft.billingAddress
        attributes = draft.attributes
        riskScore = draft.riskScore
    }

    /// Whether the order's allocated units may go to fulfillment now: only without holds.
    public var isReleasable: Bool { holds.isEmpty }
}

/// What happens when a new order is placed, decided in one place from a snapshot: the order
/// numbered and held by its channel's rules, the checkout reservation it cites turned into
/// allocations, the rest routed, the fulfillment orders it opens (a counter sale handed over at
/// once), and the events, in the order they are written. Store reads the snapshot, calls
/// `decide` and writes the plan in one transaction with conditional stock updates.
public enum OrderPlacement {
    /// Everything the decision looks at.
    public struct Input: Sendable {
        public var draft: OrderDraft
        /// The draft as `OrderDraft.validate` priced it.
        public var priced: PricedOrder
        public var id: OrderID
        public var number: String
        public var customer: CustomerID
        /// No order of this customer existed before (hold rules may hold first orders).
        public var isFirstOrder: Bool
        public var products: [SKU: Product]
        /// Stock, locations and the channel routing plans from; its incoming supply matters only
        /// when the plan backorders (`Plan.needsIncoming`).
        public var stock: RoutingPlanner.Snapshot
        /// The checkout reservation the draft cites, as read (nil: none cited, or not found).
        public var reservation: Reservation?
        public var now: Date
        /// The channel's workflow (its active version); nil: the channel's standard workflow,
        /// its hold rules and payment gate side by side (`Workflow.standard(for:)`).
        public var workflow: Workflow?
        /// What conditions read of the customer (`customer.tags`, `customer.orderCount`: the
        /// orders placed before), read when there is a workflow or a routing strategy. Unread,
        /// `customer.orderCount` is 0 for a first order and 1 for any other: what hold rules ask.
        public var customerFacts: OrderFacts.Customer?
        /// The routing strategies the workflow's stages may choose (`route`), by id.
        public var strategies: [String: RoutingStrategy] = [:]

        public init(
            draft: OrderDraft, priced: PricedOrder, id: OrderID, number: String, customer: CustomerID, isFirstOrder: Bool,
            products: [SKU: Product], stock: RoutingPlanner.Snapshot, reservation: Reservation?, now: Date
        ) {
            self.draft = draft
            self.priced = priced
            self.id = id
            self.number = number
            self.customer = customer
            self.isFirstOrder = isFirstOrder
            self.products = products
            self.stock = stock
            self.reservation = reservation
            self.now = now
        }
    }

    /// A checkout reservation the order takes over: closed as consumed; the units the order did
    /// not need go back to stock.
    public struct ReservationUse: Sendable, Equatable {
        public var id: ReservationID
        public var leftovers: [Reservation.Line]
        public init(id: ReservationID, leftovers: [Reservation.Line]) {
            self.id = id
            self.leftovers = leftovers
        }
    }

    /// What to write.
    public struct Plan: Sendable {
        /// The order as it is inserted: numbered lines, holds, allocated and backordered units.
        public var order: Order
        /// Routing's decision for the units no reservation covered: its allocations are the
        /// conditional stock reserves.
        public var routing: RoutingPlanner.Plan
        public var reservation: ReservationUse?
        /// Every allocation, merged per line, location and type.
        public var allocations: [OrderAllocation]
        /// The allocated units going to fulfillment now (none while the order is held).
        public var release: FulfillmentOrder.Release
        /// Every event of the placement in the order written, the release's included.
        public var events: [DomainEvent]

        /// The backorders' reasons name supply on its way, which the snapshot did not hold:
        /// read it and decide again.
        public var needsIncoming: Bool { routing.dependsOnIncoming }

        /// Whether the allocations went into fulfillment orders (`Order.isReleasable`).
        public var released: Bool { order.isReleasable }
    }

    /// Decides the placement. `newFulfillmentOrderID` names each fulfillment order opened.
    public static func decide(_ input: Input, newFulfillmentOrderID: () -> FulfillmentOrderID) throws(OrderlyError) -> Plan {
        let draft = input.draft
        var order = Order(draft, priced: input.priced, id: input.id, number: input.number, customer: input.customer, at: input.now)
        for sale in draft.prepaid where sale.kind == .sale && sale.status == .succeeded {
            order.payments.authorized += sale.amount
            order.payments.captured += sale.amount
        }
        var stageEvents: [DomainEvent] = []
        var stock = input.stock
        let workflow = input.workflow ?? Workflow.standard(for: stock.channel)
        // What workflow stages and routing rules judge; read only when one of them may judge.
        let facts =
            input.workflow == nil && stock.strategy == nil && workflow.stages.isEmpty
            ? nil
            : OrderFacts(
                order, customer: input.customerFacts ?? .init(orderCount: input.isFirstOrder ? 0 : 1),
                productTags: input.products.mapValues(\.tags), now: input.now)
        if let facts, workflow.sideBySide {
            // The standard workflow: every stage that applies holds the order at once.
            order.holds = workflow.holds(entering: facts)
        } else if let facts {
            // The workflow decides where the order waits, one stage after another.
            let advance = try WorkflowProgress.advance(workflow, from: nil, facts: facts, trigger: .placed, now: input.now)
            let effects = order.effects(of: advance, in: workflow)
            order.workflow = effects.state
            order.tags += effects.tags
            order.holds = (effects.hold.map { [$0] } ?? []) + effects.extraHolds
            stageEvents = effects.events
            if let chosen = workflow.strategy(for: facts, at: advance.position).flatMap({ input.strategies[$0] }) { stock.strategy = chosen }
        }
        var events: [DomainEvent] = [.orderCreated(order, note: draft.note)] + stageEvents
        if stock.channel.payments.capture == .onPlacement, case let due = order.totals.total - order.payments.captured, due > 0 {
            events.append(.captureRequested(order, amount: due, reason: "placement"))
        }

        var remaining = order.lines.map(\.quantity)
        var allocations: [OrderAllocation] = []
        var use: ReservationUse?
        if let cited = draft.reservationId {
            let reservation = try usable(input.reservation, cited: cited, channel: draft.channel, at: input.now)
            let coverage = cover(order.lines, remaining: remaining, with: reservation)
            for allocation in coverage.allocations {
                if let index = order.lines.firstIndex(where: { $0.number == allocation.line }) {
                    order.lines[index].allocatedQuantity += allocation.quantity
                }
            }
            remaining = coverage.remaining
            allocations = coverage.allocations
            use = ReservationUse(id: reservation.id, leftovers: coverage.leftovers)
            events.append(.reservationConsumed(reservation.id, by: order.id))
        }

        let lines = order.lines.enumerated().compactMap { index, line -> RoutingPlanner.Line? in
            guard remaining[index] > 0, let product = input.products[line.sku] else { return nil }
            return .init(index: index, quantity: remaining[index], delivery: line.delivery, product: product)
        }
        let routing = try RoutingPlanner.plan(lines, stock, facts: facts)
        order.routingStrategy = stock.strategy?.reference
        order.apply(routing)
        if let reason = routing.hold { order.holds.append(Hold(id: "routing", reason: reason, source: .routing)) }
        allocations += routing.allocations(of: order)
        if !routing.allocations.isEmpty { events.append(.orderAllocated(order, routing.allocations)) }
        if !routing.backorders.isEmpty { events.append(.orderBackordered(order, routing.backorders)) }
        events += order.holds.map { .orderHeld(order.id, $0) }

        let merged = OrderAllocation.merged(allocations)
        let release = try FulfillmentOrder.release(merged.map(\.pending), of: order, at: input.now, id: newFulfillmentOrderID)
        return Plan(order: order, routing: routing, reservation: use, allocations: merged, release: release, events: events + release.events)
    }

    /// The reservation a draft cites, if the order may take it over: it must exist for the
    /// order's channel, be active and not have expired.
    public static func usable(_ reservation: Reservation?, cited: ReservationID, channel: ChannelID, at now: Date) throws(OrderlyError) -> Reservation
    {
        guard let reservation, reservation.channel == channel else {
            throw OrderlyError.invalid("reservationId", "reservation '\(cited)' does not exist for channel \(channel)")
        }
        guard reservation.status == .active, reservation.expiresAt > now else { throw unavailable(reservation) }
        return reservation
    }

    /// The refusal of a reservation that holds no stock (any more).
    public static func unavailable(_ reservation: Reservation) -> OrderlyError {
        OrderlyError.conflict(
            "Reservation '\(reservation.id)' is \(reservation.status == .active ? "expired" : reservation.status.rawValue) and holds no stock")
    }

    /// Which order lines a reservation's held units cover: each held line goes, in order, to
    /// the order's lines of its sku with units still uncovered — a pickup or counter line only
    /// when the units are held at its store. Units no line needs are left over.
    public static func cover(
        _ lines: [OrderLine], remaining: [Int64], with reservation: Reservation
    ) -> (allocations: [OrderAllocation], remaining: [Int64], leftovers: [Reservation.Line]) {
        var remaining = remaining
        var allocations: [OrderAllocation] = []
        var leftovers: [Reservation.Line] = []
        for held in reservation.lines {
            var units = held.quantity
            for index in lines.indices where units > 0 && lines[index].sku == held.sku && remaining[index] > 0 {
                let line = lines[index]
                if let store = line.delivery.storeLocation, store != held.locationId { continue }
                let take = min(units, remaining[index])
                allocations.append(
                    .init(
                        line: line.number, location: held.locationId, type: line.delivery.storeFulfillment ?? .ship, quantity: take,
                        reason: "held at checkout by reservation \(reservation.id)"))
                remaining[index] -= take
                units -= take
            }
            if units > 0 { leftovers.append(.init(sku: held.sku, locationId: held.locationId, quantity: units)) }
        }
        return (allocations, remaining, leftovers)
    }
}
