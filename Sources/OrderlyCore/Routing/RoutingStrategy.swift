import Foundation

/// A routing strategy: how a business wants its ship lines sourced, as data
/// (`PUT /v1/routing-strategies/{id}`). An ordered list of rules; each applies to the orders
/// its `when` matches, considers the locations its `locations` filter lets through (within the
/// channel's pool), ranks them by its scoring and uses at most `maxSplits` of them. The first
/// rule that fills the order decides; a rule that cannot does what its `onFailure` says.
///
/// Pickup and counter lines still go to the store the customer chose, drop-ship skus to their
/// supplier and pre-orders wait: a strategy decides where shipped units come from.
public struct RoutingStrategy: Sendable, Equatable {
    /// What a weighted scoring can reward, each judged 0…1 among the candidates of a round.
    public enum Criterion: String, Sendable, CaseIterable {
        /// The share of the units still to place that the location can fill.
        case fewestLocations
        /// Nearer the shipping address is better (no coordinates scores 0).
        case distance
        /// A lower `priority` is better.
        case priority
        /// More of these skus left at the location afterwards is better (balance stock).
        case stockAfter
        /// More fulfillment orders it may still take today is better (unlimited scores 1).
        case capacityLeft
        /// A lower cost of shipping from the location (from the rule's `costs`) is better.
        case shippingCost
    }

    /// One criterion with its weight; `shippingCost` carries its costs per location.
    public struct Weight: Sendable, Equatable {
        public var criterion: Criterion
        public var weight: Double
        /// Shipping cost per location in minor units (`shippingCost` only).
        public var costs: [LocationID: Int64]
        /// The cost of a location `costs` does not name.
        public var defaultCost: Int64

        public init(_ criterion: Criterion, weight: Double = 1, costs: [LocationID: Int64] = [:], defaultCost: Int64 = 0) {
            self.criterion = criterion
            self.weight = weight
            self.costs = costs
            self.defaultCost = defaultCost
        }
    }

    /// How a rule ranks the candidate locations of each round.
    public enum Scoring: Sendable, Equatable {
        /// Today's tie-breaks, compared in order (the channel's `routing.criteria`).
        case ordered([RoutingPolicy.Criterion])
        /// A score 0…1: the weighted mean of the criteria's scores; the highest wins.
        case weighted([Weight])
    }

    /// What a rule does when it cannot fill the order.
    public enum Failure: String, Sendable, CaseIterable {
        /// Try the next rule (after the last: the channel's shortage policy, nothing allocated).
        case next
        /// Keep what it allocated; the rest waits for stock.
        case partial
        /// Keep what it allocated; the rest is promised against incoming supply, else waits.
        case backorder
        /// As backorder, and hold the order for a person.
        case hold
        /// Refuse the order (409) when a short product may not be sold beyond stock.
        case reject

        /// The shortage policy the units left over follow.
        var shortage: RoutingPolicy.ShortagePolicy {
            switch self {
            case .partial: .partial
            case .reject: .reject
            case .next, .backorder, .hold: .backorder
            }
        }
    }

    public struct Rule: Sendable, Equatable {
        public var name: String
        /// The orders the rule applies to.
        public var when: Condition
        /// The locations it may use, over location facts (and order facts).
        public var locations: Condition
        public var scoring: Scoring
        public var maxSplits: Int?
        public var onFailure: Failure

        public init(
            name: String, when: Condition = .always, locations: Condition = .always, scoring: Scoring = .ordered(RoutingPolicy.Criterion.allCases),
            maxSplits: Int? = nil, onFailure: Failure = .next
        ) {
            self.name = name
            self.when = when
            self.locations = locations
            self.scoring = scoring
            self.maxSplits = maxSplits
            self.onFailure = onFailure
        }
    }

    public var id: String
    public var version: Int
    public var rules: [Rule]

    /// What each part of a rule asks, as people read it.
    public struct RuleSummary: Sendable, Equatable {
        /// `orders with order.total`, or `every order`.
        public var applies: String
        /// `locations by location.type, location.tags`, or `every location of the channel`.
        public var locations: String
        /// `distance ×2, priority ×1`, or `tie-breaks fewestLocations, distance, priority`.
        public var ranking: String
        /// `at most 2 locations; otherwise next rule`.
        public var limits: String
    }

    public init(id: String, version: Int = 1, rules: [Rule]) {
        self.id = id
        self.version = version
        self.rules = rules
    }

    public static let maxRules = 50

    /// The strategy a channel without one routes by: one rule, the channel's routing policy
    /// (ship from stores or not, its tie-breaks, split cap and shortage policy) — today's routing.
    public static func standard(for channel: Channel) -> RoutingStrategy {
        let policy = channel.routing
        let failure: Failure =
            switch policy.onShortage {
            case .reject: .reject
            case .partial: .partial
            case .backorder: .backorder
            }
        let locations: Condition =
            policy.shipFromStore ? .always : .not(.compare(fact: "location.type", op: .eq, value: .string(Location.Kind.store.rawValue)))
        return RoutingStrategy(
            id: standardID, version: 0,
            rules: [
                Rule(
                    name: "channel routing", locations: locations, scoring: .ordered(policy.criteria), maxSplits: policy.maxSplits, onFailure: failure
                )
            ]
        )
    }

    /// The id of `standard(for:)`, which no saved strategy may take.
    public static let standardID = "standard"

    /// `id@version`, as reasons and answers name it.
    public var reference: String { "\(id)@\(version)" }
}

// MARK: Reading and writing

extension RoutingStrategy {
    /// Reads a strategy from its JSON (`{"rules": [...]}`), refusing every problem by its
    /// JSON path (`rules[1].locations.all[0].fact`).
    public static func parse(id: String, version: Int = 1, _ json: RuleValue) throws(OrderlyError) -> RoutingStrategy {
        var v = Validator()
        v.identifier(id, "id")
        v.check(id != standardID, "id", "'\(standardID)' is the channel's own routing; choose another id")
        let rules = try RuleDocument.items(
            json, key: "rules", document: "routing strategy", itemNoun: "rule", max: maxRules, atLeastOne: true, into: &v, name: \.name,
            item: { Rule.parse($0, at: $1, into: &$2) })
        try v.validate()
        return RoutingStrategy(id: id, version: version, rules: rules)
    }

    /// The strategy as JSON, as `parse` reads it.
    public var json: RuleValue { .object(["rules": .list(rules.map(\.json))]) }
}

extension RoutingStrategy.Rule {
    static let keys: Set<String> = ["name", "when", "locations", "scoring", "tieBreaks", "maxSplits", "onFailure"]

    public var summary: RoutingStrategy.RuleSummary {
        let ranking: String
        switch scoring {
        case .ordered(let criteria): ranking = "tie-breaks " + criteria.map(\.rawValue).joined(separator: ", ")
        case .weighted(let weights):
            ranking =
                "scored by "
                + weights.map { "\($0.criterion.rawValue) ×\($0.weight.formatted(.number.precision(.fractionLength(0...2))))" }.joined(
                    separator: ", ")
        }
        let failure =
            switch onFailure {
            case .next: "otherwise the next rule"
            case .partial: "otherwise what it finds, the rest waits"
            case .backorder: "otherwise what it finds, the rest backordered"
            case .hold: "otherwise what it finds, and the order held"
            case .reject: "otherwise the order is refused"
            }
        return .init(
            applies: when == .always ? "every order" : "orders by " + when.facts.joined(separator: ", "),
            locations: locations == .always ? "every location of the channel" : "locations by " + locations.facts.joined(separator: ", "),
            ranking: ranking, limits: (maxSplits.map { "at most \($0) location\($0 == 1 ? "" : "s"); " } ?? "") + failure)
    }

    static func parse(_ json: RuleValue, at path: String, into v: inout Validator) -> Self? {
        guard case .object(let f) = json else {
            v.add(path, "must be an object: {name, when?, locations?, scoring? | tieBreaks?, maxSplits?, onFailure?}")
            return nil
        }
        let before = v.errors.count
        let (name, when) = RuleDocument.header(f, at: path, keys: keys, itemNoun: "rule", into: &v)
        var locations = Condition.always
        if let json = f["locations"] { locations = Condition.parse(json, at: path + ".locations", scope: .location, into: &v) ?? .always }
        var scoring = RoutingStrategy.Scoring.ordered(RoutingPolicy.Criterion.allCases)
        if f["scoring"] != nil, f["tieBreaks"] != nil { v.add(path, "ranks by scoring or by tieBreaks, not both") }
        if let json = f["scoring"] { scoring = .weighted(weights(json, at: path + ".scoring", into: &v)) }
        if let json = f["tieBreaks"] { scoring = .ordered(tieBreaks(json, at: path + ".tieBreaks", into: &v)) }
        var maxSplits: Int?
        if let json = f["maxSplits"] {
            if case .integer(let n) = json, (1...100).contains(n) {
                maxSplits = Int(n)
            } else {
                v.add(path + ".maxSplits", "must be a whole number between 1 and 100")
            }
        }
        var onFailure = RoutingStrategy.Failure.next
        if let json = f["onFailure"] {
            if case .string(let text) = json, let failure = RoutingStrategy.Failure(rawValue: text) {
                onFailure = failure
            } else {
                v.add(path + ".onFailure", "must be one of " + RoutingStrategy.Failure.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        guard v.errors.count == before else { return nil }
        return .init(name: name, when: when, locations: locations, scoring: scoring, maxSplits: maxSplits, onFailure: onFailure)
    }

    private static func weights(_ json: RuleValue, at path: String, into v: inout Validator) -> [RoutingStrategy.Weight] {
        let criteria = RoutingStrategy.Criterion.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .list(let items) = json, !items.isEmpty, items.count <= RoutingStrategy.Criterion.allCases.count else {
            v.add(path, "must list 1 to \(RoutingStrategy.Criterion.allCases.count) weighted criteria: {criterion, weight}")
            return []
        }
        var weights: [RoutingStrategy.Weight] = []
        for (i, item) in items.enumerated() {
            let at = "\(path)[\(i)]"
            guard case .object(let f) = item else {
                v.add(at, "must be an object: {criterion, weight, costs?, default?}")
                continue
            }
            for key in f.keys.sorted() where !["criterion", "weight", "costs", "default"].contains(key) {
                v.add("\(at).\(key)", "is not part of a weighted criterion")
            }
            guard case .string(let text)? = f["criterion"], let criterion = RoutingStrategy.Criterion(rawValue: text) else {
                v.add(at + ".criterion", "must be one of \(criteria)")
                continue
            }
            if weights.contains(where: { $0.criterion == criterion }) { v.add(at + ".criterion", "'\(text)' is weighted twice") }
            var weight = RoutingStrategy.Weight(criterion)
            if let json = f["weight"] {
                if let number = json.numeric, number > 0, number <= 1000 {
                    weight.weight = number
                } else {
                    v.add(at + ".weight", "must be a number above 0 and at most 1000")
                }
            }
            if criterion != .shippingCost, f["costs"] != nil || f["default"] != nil {
                v.add(at, "costs and default belong to shippingCost only")
            }
            if case .object(let costs)? = f["costs"] {
                for (location, cost) in costs.sorted(by: { $0.key < $1.key }) {
                    guard case .integer(let amount) = cost, amount >= 0 else {
                        v.add("\(at).costs.\(location)", "must be a cost in minor units, 0 or more")
                        continue
                    }
                    weight.costs[LocationID(location)] = amount
                }
            } else if f["costs"] != nil {
                v.add(at + ".costs", "must map location ids to costs in minor units")
            }
            if let json = f["default"] {
                if case .integer(let amount) = json, amount >= 0 {
                    weight.defaultCost = amount
                } else {
                    v.add(at + ".default", "must be a cost in minor units, 0 or more")
                }
            }
            weights.append(weight)
        }
        return weights
    }

    private static func tieBreaks(_ json: RuleValue, at path: String, into v: inout Validator) -> [RoutingPolicy.Criterion] {
        guard case .list(let items) = json else {
            v.add(path, "must list criteria: fewestLocations, distance, priority")
            return []
        }
        var criteria: [RoutingPolicy.Criterion] = []
        for (i, item) in items.enumerated() {
            guard case .string(let text) = item, let criterion = RoutingPolicy.Criterion(rawValue: text), !criteria.contains(criterion) else {
                v.add("\(path)[\(i)]", "must be fewestLocations, distance or priority, each once")
                continue
            }
            criteria.append(criterion)
        }
        return criteria
    }

    var json: RuleValue {
        var f: [String: RuleValue] = ["name": .string(name), "onFailure": .string(onFailure.rawValue)]
        if when != .always { f["when"] = when.json }
        if locations != .always { f["locations"] = locations.json }
        switch scoring {
        case .ordered(let criteria): f["tieBreaks"] = .list(criteria.map { .string($0.rawValue) })
        case .weighted(let weights):
            f["scoring"] = .list(
                weights.map { w in
                    var item: [String: RuleValue] = ["criterion": .string(w.criterion.rawValue), "weight": .number(w.weight)]
                    if w.criterion == .shippingCost {
                        item["costs"] = .object(Dictionary(uniqueKeysWithValues: w.costs.map { ($0.key.rawValue, RuleValue.integer($0.value)) }))
                        item["default"] = .integer(w.defaultCost)
                    }
                    return .object(item)
                })
        }
        if let maxSplits { f["maxSplits"] = .integer(Int64(maxSplits)) }
        return .object(f)
    }
}
