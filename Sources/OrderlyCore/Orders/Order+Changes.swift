import Foundation

/// One change to an order's lines, as `PATCH /v1/orders/{id}` names it in `lines`.
///
/// With `line`, the line comes to `quantity` units (its ordered units less those cancelled):
/// fewer cancels the difference, more adds units routed on their own. A different `sku`,
/// `unitPrice` or `delivery` replaces the line: its open units are cancelled and a new line
/// of `quantity` units takes its place (a swap, or ship ↔ pickup). Without `line`, a new line.
public struct OrderLineChange: Sendable, Equatable {
    public var line: Int?
    public var quantity: Int64
    public var sku: SKU?
    public var unitPrice: Int64?
    public var delivery: Delivery?

    public init(line: Int? = nil, quantity: Int64, sku: SKU? = nil, unitPrice: Int64? = nil, delivery: Delivery? = nil) {
        self.line = line
        self.quantity = quantity
        self.sku = sku
        self.unitPrice = unitPrice
        self.delivery = delivery
    }

    /// The most changes one request may make.
    public static let maxChanges = 100
}

/// What changing an order's lines writes, in this order: the added units (grown and new lines,
/// their routing and reserves), the cancelled units (`cancellation`), holds, events.
public struct OrderChangePlan: Sendable {
    /// The order after the change.
    public var order: Order
    /// The order with the units added and none taken off yet: the refund of the cancelled
    /// units is measured from it, so that a swap at the same price asks nothing back.
    public var grown: Order
    /// Existing lines with more units (quantity and taxes as they become).
    public var grownLines: [OrderLine]
    /// Lines added (new lines and the replacements of swapped ones).
    public var addedLines: [OrderLine]
    /// Routing of the added units: its allocations are the conditional stock reserves.
    public var routing: RoutingPlanner.Plan
    /// The added units' allocations, merged per line, location and type.
    public var allocations: [OrderAllocation]
    /// The added units going to fulfillment now (none while the order is held).
    public var release: FulfillmentOrder.Release
    /// Holds the change puts on the order (the payment gate's, a routing rule's).
    public var holds: [Hold]
    /// The units taken off, when the change cancels any.
    public var cancellation: CancellationPlan?
    /// What the cancelled units ask back (`RefundRequest.forCancellation` from `grown`).
    public var refund: Int64
    /// Every event, in the order written (the cancellation's and the release's included).
    public var events: [DomainEvent]
}

extension Order {
    /// Whether the order's lines may still change at all.
    public var linesMayChange: Bool { ![.cancelled, .fulfilled, .partiallyReturned, .returned].contains(status) }

    /// The lines a change may touch now: none once the order is done, and never a line with a
    /// unit fulfilled.
    public var changeableLines: [OrderLine] { linesMayChange ? lines.filter { $0.fulfilledQuantity == 0 } : [] }

    /// Decides a change of the order's lines: checks every change (all errors at once, JSON
    /// paths `lines[i].…`), refuses with 409 a line that has shipped units or an order that is
    /// done, grows and adds lines (priced with `taxRates`, existing taxes scaled with the line's
    /// net), routes only the added units over `stock`, cancels exactly the units taken off
    /// (`cancelling`), and puts the payment gate's hold on an order whose money no longer meets
    /// its channel's policy, so the added units wait for it.
    public func changing(
        _ changes: [OrderLineChange], products: [SKU: Product], taxRates: TaxRates, stock: RoutingPlanner.Snapshot,
        allocations: [AllocationState], fulfillment: [OpenFulfillmentLine], reason: String?, now: Date,
        newFulfillmentOrderID: () -> FulfillmentOrderID
    ) throws(OrderlyError) -> OrderChangePlan {
        guard linesMayChange else { throw OrderlyError.conflict("Order \(number) is \(status.rawValue); its lines can no longer change") }
        var v = Validator()
        v.check(!changes.isEmpty, "lines", "must name at least one change")
        v.check(changes.count <= OrderLineChange.maxChanges, "lines", "may make at most \(OrderLineChange.maxChanges) changes")
        for (i, change) in changes.enumerated() {
            guard let number = change.line else { continue }
            if let line = lines.first(where: { $0.number == number }), !changeableLines.contains(where: { $0.number == number }) {
                throw OrderlyError.conflict(
                    "Line \(number) of order \(self.number) has \(line.fulfilledQuantity) unit(s) fulfilled; it can no longer change (lines[\(i)])")
            }
        }

        var grown = self
        var cancellations: [OrderCancellation] = []
        var extras: [(index: Int, quantity: Int64)] = []
        var grownNumbers: [Int] = []
        var addedNumbers: [Int] = []
        var described: [OrderUpdatedPayload.Line] = []
        var nextNumber = (lines.map(\.number).max() ?? 0) + 1
        var named: Set<Int> = []
        for (i, change) in changes.enumerated() {
            let field = "lines[\(i)]"
            if let price = change.unitPrice {
                v.check((0...OrderPricing.maxAmount).contains(price), "\(field).unitPrice", "must be between 0 and \(OrderPricing.maxAmount)")
            }
            if let sku = change.sku { v.check(products[sku] != nil, "\(field).sku", "product '\(sku)' does not exist") }
            guard let number = change.line else {
                v.quantity(change.quantity, "\(field).quantity")
                guard let sku = change.sku else {
                    v.add("\(field).sku", "is required for a new line (or name the line to change)")
                    continue
                }
                guard let price = change.unitPrice else {
                    v.add("\(field).unitPrice", "is required for a new line")
                    continue
                }
                addedNumbers.append(nextNumber)
                grown.lines.append(
                    OrderLine(number: nextNumber, sku: sku, quantity: change.quantity, unitPrice: price, delivery: change.delivery ?? .ship))
                described.append(.init(line: nextNumber, sku: sku, quantity: change.quantity, previous: 0))
                nextNumber += 1
                continue
            }
            v.quantity(change.quantity, "\(field).quantity", allowZero: true)
            guard let index = lines.firstIndex(where: { $0.number == number }) else {
                v.add("\(field).line", "order \(self.number) has no line \(number)")
                continue
            }
            v.check(named.insert(number).inserted, "\(field).line", "line \(number) is named twice")
            let line = lines[index]
            let kept = line.kept
            let replaced =
                (change.sku.map { $0 != line.sku } ?? false) || (change.unitPrice.map { $0 != line.unitPrice } ?? false)
                || (change.delivery.map { $0 != line.delivery } ?? false)
            if replaced {
                v.check(change.quantity > 0, "\(field).quantity", "must be at least 1 for the line that replaces line \(number)")
                guard change.quantity > 0, change.quantity <= Limits.maxQuantity else { continue }
                if line.open > 0 { cancellations.append(OrderCancellation(line: number, quantity: line.open)) }
                addedNumbers.append(nextNumber)
                grown.lines.append(
                    OrderLine(
                        number: nextNumber, sku: change.sku ?? line.sku, quantity: change.quantity, unitPrice: change.unitPrice ?? line.unitPrice,
                        delivery: change.delivery ?? line.delivery))
                described.append(.init(line: number, sku: line.sku, quantity: 0, previous: kept, replacedBy: nextNumber))
                described.append(.init(line: nextNumber, sku: change.sku ?? line.sku, quantity: change.quantity, previous: 0))
                nextNumber += 1
            } else if change.quantity < kept {
                cancellations.append(OrderCancellation(line: number, quantity: kept - change.quantity))
                described.append(.init(line: number, sku: line.sku, quantity: change.quantity, previous: kept))
            } else if change.quantity > kept, change.quantity <= Limits.maxQuantity {
                let extra = change.quantity - kept
                grown.lines[index] = line.resized(to: line.quantity + extra)
                extras.append((index, extra))
                grownNumbers.append(number)
                described.append(.init(line: number, sku: line.sku, quantity: change.quantity, previous: kept))
            }
        }
        try v.validate()
        guard !described.isEmpty else { throw OrderlyError.invalid("lines", "changes nothing: every line already has that quantity") }

        // New lines are priced as a placement prices them; their gross must fit.
        for number in addedNumbers {
            guard let index = grown.lines.firstIndex(where: { $0.number == number }) else { continue }
            var line = grown.lines[index]
            let (gross, overflow) = line.quantity.multipliedReportingOverflow(by: line.unitPrice)
            guard !overflow, gross <= OrderPricing.maxAmount else {
                throw OrderlyError.invalid("lines", "quantity × unitPrice must be at most \(OrderPricing.maxAmount)")
            }
            line.taxes = taxRates.taxes(
                on: line.net, country: taxRates.country(of: line.delivery, shippingAddress: shippingAddress),
                category: taxRates.categories[line.sku] ?? TaxRateRule.standardCategory)
            grown.lines[index] = line
        }
        grown.totals = OrderTotals(lines: grown.lines, shippingLines: shippingLines)

        // Only the added units are routed, each from where this order's lines may be served.
        var routed: [RoutingPlanner.Line] = extras.compactMap { extra in
            products[grown.lines[extra.index].sku].map {
                .init(index: extra.index, quantity: extra.quantity, delivery: grown.lines[extra.index].delivery, product: $0)
            }
        }
        for number in addedNumbers {
            guard let index = grown.lines.firstIndex(where: { $0.number == number }), let product = products[grown.lines[index].sku] else { continue }
            routed.append(.init(index: index, quantity: grown.lines[index].quantity, delivery: grown.lines[index].delivery, product: product))
        }
        let facts = stock.strategy == nil ? nil : OrderFacts(grown, productTags: products.mapValues(\.tags), now: now)
        let routing = try RoutingPlanner.plan(routed, stock, facts: facts)
        grown.apply(routing)
        let added = OrderAllocation.merged(routing.allocations(of: grown))

        var events: [DomainEvent] = [.orderLinesChanged(grown, lines: described, before: totals.total)]
        if !routing.allocations.isEmpty { events.append(.orderAllocated(grown, routing.allocations)) }
        if !routing.backorders.isEmpty { events.append(.orderBackordered(grown, routing.backorders)) }

        var order = grown
        var cancellation: CancellationPlan?
        if !cancellations.isEmpty {
            let plan = try grown.cancelling(cancellations, reason: reason ?? "order change", allocations: allocations, fulfillment: fulfillment)
            order = plan.order
            cancellation = plan
            events.append(plan.event)
        }

        var holds: [Hold] = []
        if let reason = routing.hold, !order.holds.contains(where: { $0.id == "routing" }) {
            holds.append(Hold(id: "routing", reason: reason, source: .routing))
        }
        // More to pay than the standard workflow's payment stage lets through: it holds the order again.
        if order.workflow == nil, !order.holds.contains(where: { $0.source == .payment }),
            let gate = Workflow.standard(for: stock.channel).holds(entering: OrderFacts(order, now: now)).first(where: { $0.source == .payment })
        {
            holds.append(gate)
        }
        order.holds += holds
        events += holds.map { .orderHeld(order.id, $0) }
        let release = try FulfillmentOrder.release(added.map(\.pending), of: order, at: now, id: newFulfillmentOrderID)
        events += release.events
        // More to pay on a channel that captures at placement: ask for the difference.
        if stock.channel.payments.capture == .onPlacement,
            case let more = min(order.amountDue - amountDue, order.amountDue - order.payments.captured), more > 0
        {
            events.append(.captureRequested(order, amount: more, reason: "order change"))
        }
        return OrderChangePlan(
            order: order, grown: grown, grownLines: grownNumbers.compactMap { n in grown.lines.first { $0.number == n } },
            addedLines: addedNumbers.compactMap { n in grown.lines.first { $0.number == n } }, routing: routing, allocations: added,
            release: release, holds: holds, cancellation: cancellation,
            refund: cancellation == nil ? 0 : RefundRequest.forCancellation(before: grown, after: order), events: events)
    }
}

extension OrderLine {
    /// The line with `quantity` units: its taxes scale with its net price (its discounts, its
    /// share of the order's included, stay the amounts they were).
    public func resized(to quantity: Int64) -> OrderLine {
        var line = self
        line.quantity = quantity
        let (before, after) = (net, line.net)
        line.taxes = taxes.map { tax in
            var tax = tax
            tax.amount = before > 0 && after > 0 ? Money.scale(tax.amount, by: after, over: before, rounding: .halfUp) : 0
            return tax
        }
        return line
    }
}
