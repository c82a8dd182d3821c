import Foundation

extension Workflow {
    /// The workflow of a channel without one of its own: its payment gate and hold rules as
    /// stages that run side by side (`sideBySide`), each held by its own hold, so that an
    /// order waits for all of them at once as it always has.
    /// - one stage per hold rule, for the orders the rule matches (every condition it gives;
    ///   none never): ended by an admin or service person releasing its hold (hold `rule-N`,
    ///   source `rule`, the rule's name as the reason);
    /// - `payment`, when the channel requires payment: ends when the payment status meets the
    ///   requirement, cancels after the channel's timeout (hold `payment`, source `payment`).
    public static func standard(for channel: Channel) -> Workflow {
        var stages: [Stage] = []
        var names: Set<String> = []
        for (i, rule) in channel.holdRules.enumerated() {
            var name = rule.name
            if names.contains(name) { name += " (rule \(i + 1))" }
            names.insert(name)
            stages.append(
                Stage(
                    name: name, when: rule.condition, end: .approval(roles: [.admin, .service]),
                    hold: Hold(id: "rule-\(i + 1)", reason: rule.name, source: .rule)))
        }
        if let allowed = channel.payments.allowed {
            stages.append(
                Stage(
                    name: names.contains("payment") ? "payment (gate)" : "payment",
                    end: .until(.compare(fact: "order.paymentStatus", op: .in, value: .list(allowed.map { .string($0.rawValue) }))),
                    timeout: channel.payments.timeout, onTimeout: .cancel,
                    hold: Hold(id: paymentHoldID, reason: "awaiting payment (\(channel.payments.require.rawValue))", source: .payment)))
        }
        return Workflow(id: "standard:\(channel.id)", version: 1, stages: stages, sideBySide: true)
    }

    /// The id of the payment stage's hold on an order.
    public static let paymentHoldID = "payment"

    /// The holds a side-by-side workflow puts on an order with `facts`: one for each stage
    /// whose `when` matches and whose `until`, if it has one, does not hold yet.
    public func holds(entering facts: OrderFacts) -> [Hold] {
        stages.compactMap { stage in
            guard let hold = stage.hold, facts.satisfy(stage.when) else { return nil }
            if case .until(let condition) = stage.end, facts.satisfy(condition) { return nil }
            return hold
        }
    }

    /// The holds of `order` (with `facts`) whose side-by-side stage has ended: its `until` holds
    /// now, or — for the payment gate's hold — the channel no longer requires payment.
    public func ended(_ order: Order, facts: OrderFacts) -> [Hold] {
        order.holds.filter { hold in
            guard let stage = stage(holding: hold.id) else { return hold.id == Self.paymentHoldID && hold.source == .payment }
            guard case .until(let condition) = stage.end else { return false }
            return facts.satisfy(condition)
        }
    }

    /// The side-by-side stage whose hold has this id.
    public func stage(holding holdID: String) -> Stage? { stages.first { $0.hold?.id == holdID } }
}

extension Workflow.Stage {
    /// Whether a stage entered at `since` has run past its timeout at `now`.
    public func timedOut(since: Date, now: Date) -> Bool {
        guard let timeout else { return false }
        return timeout.advance(since, times: 1) <= now
    }
}

extension HoldRule {
    /// The rule as a condition: every condition it gives (none never matches).
    public var condition: Condition {
        var all: [Condition] = []
        if let minTotal { all.append(.compare(fact: "order.total", op: .gte, value: .integer(minTotal))) }
        if let firstOrder { all.append(.compare(fact: "customer.orderCount", op: firstOrder ? .eq : .gt, value: .integer(0))) }
        if let countries { all.append(.compare(fact: "shipping.country", op: .in, value: .list(countries.map { .string($0.uppercased()) }))) }
        if let postalCodes {
            all.append(.compare(fact: "shipping.postalCode", op: .in, value: .list(postalCodes.map { .string(OrderFacts.postalCode($0)) })))
        }
        if let tags { all.append(.any(tags.map { .compare(fact: "order.tags", op: .contains, value: .string($0)) })) }
        return all.isEmpty ? .any([]) : .all(all)
    }
}
