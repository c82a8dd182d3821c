import Foundation

extension Workflow {
    /// The workflow a channel has without one of its own: today's payment gate and hold rules
    /// as stages. First `payment` when the channel requires payment (ends when the payment
    /// status meets it, cancels after the channel's timeout); then one stage per hold rule
    /// (for the orders the rule matches: every condition it gives, none never), ended by an
    /// approval of admin or service staff.
    public static func standard(for channel: Channel) -> Workflow {
        var stages: [Stage] = []
        if let allowed = channel.payments.allowed {
            stages.append(
                Stage(
                    name: "payment",
                    end: .until(.compare(fact: "order.paymentStatus", op: .in, value: .list(allowed.map { .string($0.rawValue) }))),
                    timeout: channel.payments.timeout, onTimeout: .cancel))
        }
        var names: Set<String> = Set(stages.map(\.name))
        for (i, rule) in channel.holdRules.enumerated() {
            var name = rule.name
            if names.contains(name) { name += " (rule \(i + 1))" }
            names.insert(name)
            stages.append(Stage(name: name, when: rule.condition, end: .approval(roles: [.admin, .service])))
        }
        return Workflow(id: "standard:\(channel.id)", version: 1, stages: stages)
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
