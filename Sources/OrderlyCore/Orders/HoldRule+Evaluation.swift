extension HoldRule {
    /// Whether this rule holds `order`; `isFirstOrder` says whether the customer had no earlier order.
    /// Every condition the rule gives must hold; a rule with none never matches.
    public func matches(_ order: Order, isFirstOrder: Bool) -> Bool {
        var conditions: [Bool] = []
        if let minTotal { conditions.append(order.totals.total >= minTotal) }
        if let firstOrder { conditions.append(firstOrder == isFirstOrder) }
        if let countries {
            conditions.append(order.shippingAddress?.country.map { country in countries.contains { $0.uppercased() == country } } ?? false)
        }
        if let postalCodes {
            let postalCode = order.shippingAddress?.postalCode.map(OrderFacts.postalCode)
            conditions.append(postalCode.map { code in postalCodes.contains { OrderFacts.postalCode($0) == code } } ?? false)
        }
        if let tags { conditions.append(!Set(tags).isDisjoint(with: order.tags)) }
        return !conditions.isEmpty && conditions.allSatisfy { $0 }
    }
}

extension Channel {
    /// The holds a new order gets from this channel's rules, one per matching rule.
    public func holds(for order: Order, isFirstOrder: Bool) -> [Hold] {
        holdRules.enumerated().filter { $0.element.matches(order, isFirstOrder: isFirstOrder) }.map { index, rule in
            Hold(id: "rule-\(index + 1)", reason: rule.name, source: .rule)
        }
    }
}
