import Foundation

/// `order.created`: the new order in brief.
public struct OrderCreatedPayload: EventPayload, Equatable {
    public var id: String
    public var number: String
    public var channel: String
    public var externalId: String?
    public var customerId: String
    public var currency: String
    public var total: Int64
    public var lines: Int
    public var note: String?
}

/// Units of an order line allocated at a location, with routing's reason.
public struct AllocationPayload: EventPayload, Equatable {
    public var line: Int
    public var sku: String
    public var locationId: String
    public var quantity: Int64
    public var type: String
    public var reason: String
    public init(order: Order, _ a: RoutingPlanner.Allocation) {
        line = order.lines[a.lineIndex].number
        sku = a.sku.rawValue
        locationId = a.locationId.rawValue
        quantity = a.quantity
        type = a.type.rawValue
        reason = a.reason
    }
}

/// Units of an order line promised against incoming supply or left awaiting stock.
public struct BackorderPayload: EventPayload, Equatable {
    public var line: Int
    public var sku: String
    public var quantity: Int64
    public var reason: String
    public init(order: Order, _ b: RoutingPlanner.Backorder) {
        line = order.lines[b.lineIndex].number
        sku = b.sku.rawValue
        quantity = b.quantity
        reason = b.reason
    }
}

/// `order.allocated`.
public struct OrderAllocatedPayload: EventPayload, Equatable { public var allocations: [AllocationPayload] }
/// `order.backordered`.
public struct OrderBackorderedPayload: EventPayload, Equatable { public var backorders: [BackorderPayload] }

/// `order.held`: a hold put on the order, by a person or a rule.
public struct OrderHeldPayload: EventPayload, Equatable {
    public var holdId: String
    public var reason: String
    public var source: String
}

/// `order.released`: a hold taken off; `remainingHolds` counts those still on it (as text).
public struct OrderReleasedPayload: EventPayload, Equatable {
    public var holdId: String
    public var reason: String
    public var remainingHolds: String
}

/// `order.cancelled`: the quantities cancelled per line and the order's status after it.
public struct OrderCancelledPayload: EventPayload, Equatable {
    public struct Line: Encodable, Sendable, Equatable {
        public var line: Int
        public var quantity: Int64
        public init(line: Int, quantity: Int64) {
            self.line = line
            self.quantity = quantity
        }
    }
    public var lines: [Line]
    public var reason: String?
    public var status: String
}

/// `order.updated`: which fields changed (`shippingAddress`, `tags`, `lines`); a change of
/// lines also says, per line, the units it kept before and after, and the order's total
/// before and after.
public struct OrderUpdatedPayload: EventPayload, Equatable {
    /// A line's units (ordered less cancelled) before and after; a replaced line names the
    /// line that took its place.
    public struct Line: Encodable, Sendable, Equatable {
        public var line: Int
        public var sku: SKU
        public var quantity: Int64
        public var previous: Int64
        public var replacedBy: Int?
        public init(line: Int, sku: SKU, quantity: Int64, previous: Int64, replacedBy: Int? = nil) {
            self.line = line
            self.sku = sku
            self.quantity = quantity
            self.previous = previous
            self.replacedBy = replacedBy
        }
    }
    public var changed: [String]
    public var lines: [Line]?
    public var previousTotal: Int64?
    public var total: Int64?
}
/// `order.note_added`.
public struct OrderNotePayload: EventPayload, Equatable { public var text: String }

/// `order.rerouted`: units of a rejected fulfillment order routed again, away from the
/// locations in `excluded`.
public struct OrderReroutedPayload: EventPayload, Equatable {
    public var from: String
    public var excluded: [String]
    public var allocations: [AllocationPayload]
    public var backorders: [BackorderPayload]
}

extension DomainEvent {
    public static func orderCreated(_ order: Order, note: String?) -> Self {
        .init(
            .orderCreated, .order(order.id),
            OrderCreatedPayload(
                id: order.id.rawValue, number: order.number, channel: order.channel.rawValue, externalId: order.externalId,
                customerId: order.customerId.rawValue, currency: order.currency.rawValue, total: order.totals.total,
                lines: order.lines.count, note: note))
    }

    public static func orderAllocated(_ order: Order, _ allocations: [RoutingPlanner.Allocation]) -> Self {
        .init(.orderAllocated, .order(order.id), OrderAllocatedPayload(allocations: allocations.map { AllocationPayload(order: order, $0) }))
    }

    public static func orderBackordered(_ order: Order, _ backorders: [RoutingPlanner.Backorder]) -> Self {
        .init(.orderBackordered, .order(order.id), OrderBackorderedPayload(backorders: backorders.map { BackorderPayload(order: order, $0) }))
    }

    public static func orderHeld(_ order: OrderID, _ hold: Hold) -> Self {
        .init(.orderHeld, .order(order), OrderHeldPayload(holdId: hold.id, reason: hold.reason, source: hold.source.rawValue))
    }

    /// `hold` was taken off; `remaining` holds are still on the order.
    public static func orderReleased(_ order: OrderID, _ hold: Hold, remaining: Int) -> Self {
        .init(.orderReleased, .order(order), OrderReleasedPayload(holdId: hold.id, reason: hold.reason, remainingHolds: "\(remaining)"))
    }

    public static func orderCancelled(_ order: Order, lines: [OrderCancelledPayload.Line], reason: String?) -> Self {
        .init(.orderCancelled, .order(order.id), OrderCancelledPayload(lines: lines, reason: reason, status: order.status.rawValue))
    }

    public static func orderUpdated(_ order: OrderID, changed: [String]) -> Self {
        .init(.orderUpdated, .order(order), OrderUpdatedPayload(changed: changed))
    }

    /// `order.updated` for a change of lines (`Order.changing`): `order` as it grew.
    public static func orderLinesChanged(_ order: Order, lines: [OrderUpdatedPayload.Line], before total: Int64) -> Self {
        .init(.orderUpdated, .order(order.id), OrderUpdatedPayload(changed: ["lines"], lines: lines, previousTotal: total, total: order.totals.total))
    }

    public static func orderNoteAdded(_ order: OrderID, text: String) -> Self {
        .init(.orderNoteAdded, .order(order), OrderNotePayload(text: text))
    }

    public static func orderRerouted(_ order: Order, from: LocationID, excluded: Set<LocationID>, _ plan: RoutingPlanner.Plan) -> Self {
        .init(
            .orderRerouted, .order(order.id),
            OrderReroutedPayload(
                from: from.rawValue, excluded: excluded.map(\.rawValue).sorted(),
                allocations: plan.allocations.map { AllocationPayload(order: order, $0) },
                backorders: plan.backorders.map { BackorderPayload(order: order, $0) }))
    }
}

/// An order entering or leaving a stage of its workflow.
public struct StagePayload: EventPayload, Equatable {
    public var workflowId: String
    public var version: Int
    public var stage: String
    /// Why it left (`condition met`, `signal …`, `approved by …`).
    public var reason: String?
    /// Events the stage's entry asks integrations for (`onEntry: [{emit: …}]`).
    public var emit: [String]?
}

extension DomainEvent {
    public static func stageEntered(_ order: OrderID, workflow: Workflow, stage: String, emit: [String]) -> Self {
        .init(
            .orderStageEntered, .order(order),
            StagePayload(workflowId: workflow.id, version: workflow.version, stage: stage, reason: nil, emit: emit.isEmpty ? nil : emit))
    }
    public static func stageLeft(_ order: OrderID, workflow: Workflow, stage: String, reason: String) -> Self {
        .init(
            .orderStageLeft, .order(order), StagePayload(workflowId: workflow.id, version: workflow.version, stage: stage, reason: reason, emit: nil))
    }
}

/// A signal an integration sent about an order.
public struct SignalPayload: EventPayload, Equatable {
    public var name: String
    public var riskScore: Int64?
}

extension DomainEvent {
    public static func signalReceived(_ order: OrderID, name: String, riskScore: Int64?) -> Self {
        .init(.orderSignalReceived, .order(order), SignalPayload(name: name, riskScore: riskScore))
    }
}
