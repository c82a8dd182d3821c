import Foundation

/// Ship lines routed by a strategy's rules: the candidate locations and their stock are read
/// into a dense matrix once per plan, then each rule that applies filters them, and a greedy
/// set cover picks one location per round by the rule's scoring (so a plan costs rounds ×
/// candidates × lines: it grows linearly with locations, never factorially).
extension RoutingPlanner {
    /// What the planner tried, for a simulation (`plan(_:_:facts:trace:)` with `trace: true`).
    public struct Trace: Sendable, Equatable {
        /// The strategy, `id@version` (`standard@0`: the channel's own routing).
        public var strategy: String
        public var rules: [RuleTrace] = []
    }

    public struct RuleTrace: Sendable, Equatable {
        /// 1-based, as reasons name it.
        public var number: Int
        public var name: String
        /// Whether the order matched its `when`.
        public var applied: Bool
        /// Locations its filter and the channel's pool let through.
        public var candidates: Int = 0
        public var rounds: [Round] = []
        /// `filled`, `not applicable`, or what it did with the units it could not place.
        public var outcome: String
    }

    /// One location chosen, and the best of those it beat.
    public struct Round: Sendable, Equatable {
        public var chosen: LocationID
        /// Best first, at most `Round.shown`, the chosen one included.
        public var candidates: [Scored]
        public static let shown = 10
    }

    public struct Scored: Sendable, Equatable {
        public var location: LocationID
        /// The weighted score 0…1 (nil for rules ranked by ordered tie-breaks).
        public var score: Double?
        public var units: Int64
        public var fullLines: Int
        public var distanceKm: Double?
        public var priority: Int
        /// Per weighted criterion, its score 0…1.
        public var criteria: [String: Double]
        /// Why it lost to the chosen location (nil for the chosen one).
        public var lost: String?
    }

    /// The outcome of the strategy for the ship lines.
    struct ShipOutcome {
        var allocations: [Allocation] = []
        var short: [Int: Int64] = [:]
        var shortage: RoutingPolicy.ShortagePolicy
        /// Who decided the shortage policy, as reasons say it: `channel policy`, `rule 'x'`.
        var shortageSource: String
        var hold: String?
    }

    /// An eligible location, reduced to what filters and ranking need.
    struct Candidate {
        var id: LocationID
        var priority: Int
        var distance: Double?
        var kind: Location.Kind
        var tags: [String]
        var capacity: Int?
    }

    static func routeShipLines(
        _ lines: [Line], snapshot: Snapshot, facts: OrderFacts?, stock: inout [SKU: [LocationID: Int64]], trace: inout Trace?
    ) -> ShipOutcome {
        let channel = snapshot.channel
        let strategy = snapshot.strategy ?? .standard(for: channel)
        let isStandard = snapshot.strategy == nil
        let fallback = ShipOutcome(
            shortage: channel.routing.onShortage, shortageSource: isStandard ? "channel policy" : "no rule of \(strategy.reference) filled it")
        guard !lines.isEmpty else { return fallback }
        // Tags are carried only when a rule's filter reads them.
        let readsTags = strategy.rules.contains { $0.locations.facts.contains("location.tags") }
        var candidates: [Candidate] = []
        var indexOf: [LocationID: Int] = [:]
        candidates.reserveCapacity(snapshot.locations.count)
        indexOf.reserveCapacity(snapshot.locations.count)
        for location in snapshot.locations.values {
            guard location.active, location.kind != .supplier, location.capabilities.ship, channel.pools(location.id),
                snapshot.excluded.isEmpty || !snapshot.excluded.contains(location.id),
                snapshot.capacityLeft.isEmpty || (snapshot.capacityLeft[location.id].map({ $0 > 0 }) ?? true)
            else { continue }
            indexOf[location.id] = candidates.count
            let distance = snapshot.destination.flatMap { d in location.coordinates.map { d.distanceKm(to: $0) } }
            candidates.append(
                Candidate(
                    id: location.id, priority: location.priority, distance: distance, kind: location.kind, tags: readsTags ? location.tags : [],
                    capacity: snapshot.capacityLeft.isEmpty ? nil : snapshot.capacityLeft[location.id]))
        }
        let width = lines.count
        // available[c * width + l]: what candidate c has of line l's sku, filled by walking each
        // sku's stock once (lines of one sku share the same units).
        var available = [Int64](repeating: 0, count: candidates.count * width)
        for (l, line) in lines.enumerated() {
            for (location, units) in stock[line.product.sku] ?? [:] where units > 0 {
                if let c = indexOf[location] { available[c * width + l] = units }
            }
        }
        let wanted = lines.map(\.quantity)
        for (r, rule) in strategy.rules.enumerated() {
            let number = r + 1
            guard facts.map({ $0.satisfy(rule.when) }) ?? (rule.when == .always) else {
                trace?.rules.append(.init(number: number, name: rule.name, applied: false, outcome: "not applicable"))
                continue
            }
            let filter = LocationFilter(rule.locations, facts: facts)
            var allowed = [Bool](repeating: true, count: candidates.count)
            if !filter.isAlways {
                for c in candidates.indices { allowed[c] = filter.holds(candidates[c], available: available, row: c * width, wanted: wanted) }
            }
            var ruleTrace: RuleTrace? =
                trace == nil ? nil : .init(number: number, name: rule.name, applied: true, candidates: allowed.count { $0 }, outcome: "")
            let label = isStandard ? nil : "strategy \(strategy.reference) rule \(number) '\(rule.name)'"
            let (picks, remaining) = greedy(
                lines, candidates: candidates, allowed: allowed, available: available, rule: rule, label: label, trace: &ruleTrace)
            let filled = !remaining.contains { $0 > 0 }
            if !filled, rule.onFailure == .next {
                ruleTrace?.outcome = "could not fill the order: next rule"
                if let ruleTrace { trace?.rules.append(ruleTrace) }
                continue
            }
            ruleTrace?.outcome = filled ? "filled" : "could not fill the order: \(rule.onFailure.rawValue)"
            if let ruleTrace { trace?.rules.append(ruleTrace) }
            var outcome = ShipOutcome(
                shortage: rule.onFailure.shortage, shortageSource: label.map { _ in "rule \(number) '\(rule.name)'" } ?? "channel policy")
            for pick in picks {
                let line = lines[pick.line]
                let taken = take(&stock, line.product.sku, candidates[pick.candidate].id, pick.quantity)
                guard taken > 0 else { continue }
                outcome.allocations.append(
                    .init(
                        lineIndex: line.index, sku: line.product.sku, locationId: candidates[pick.candidate].id, quantity: taken, type: .ship,
                        reason: pick.reason))
            }
            for (l, line) in lines.enumerated() where remaining[l] > 0 { outcome.short[line.index] = remaining[l] }
            if !filled, rule.onFailure == .hold, let label { outcome.hold = "\(label) could not fill the order" }
            return outcome
        }
        var outcome = fallback
        for line in lines { outcome.short[line.index] = line.quantity }
        return outcome
    }

    /// Units of line `line` from candidate `candidate`, and why.
    struct Pick {
        var line: Int
        var candidate: Int
        var quantity: Int64
        var reason: String
    }

    /// Picks locations for the lines one round at a time, the rule's best first, until every
    /// unit is placed, the rule's split cap is reached or nothing allowed has stock. A location
    /// is picked once, so the matrix is only read: what a pick takes is counted in its own row.
    static func greedy(
        _ lines: [Line], candidates: [Candidate], allowed: [Bool], available: [Int64], rule: RoutingStrategy.Rule, label: String?,
        trace: inout RuleTrace?
    ) -> (picks: [Pick], remaining: [Int64]) {
        let width = lines.count
        var remaining = lines.map(\.quantity)
        var used = [Bool](repeating: false, count: candidates.count)
        var usedCount = 0
        var picks: [Pick] = []
        var round: [Stats] = []
        // Ranked by tie-breaks and not traced, the best is kept while scanning (no list of the round).
        var tieBreaks: [RoutingPolicy.Criterion]?
        if case .ordered(let criteria) = rule.scoring, trace == nil { tieBreaks = criteria }
        while remaining.contains(where: { $0 > 0 }) {
            if let maxSplits = rule.maxSplits, usedCount >= maxSplits { break }
            round.removeAll(keepingCapacity: true)
            let left = remaining.reduce(0, +)
            var best: Stats?
            for c in candidates.indices where allowed[c] && !used[c] {
                var stats = Stats(index: c)
                let row = c * width
                for l in 0..<width where remaining[l] > 0 {
                    let have = available[row + l]
                    let take = min(remaining[l], have)
                    stats.units += take
                    stats.after += have - take
                    if have >= remaining[l] { stats.full += 1 }
                }
                guard stats.units > 0 else { continue }
                if let tieBreaks {
                    if let current = best, !better(stats, than: current, candidates: candidates, criteria: tieBreaks) { continue }
                    best = stats
                } else {
                    round.append(stats)
                }
            }
            let chosen: Stats
            var ranked: [Int] = []
            if tieBreaks != nil {
                guard let best else { break }
                chosen = best
            } else {
                guard !round.isEmpty else { break }
                ranked = rank(&round, rule.scoring, candidates: candidates, left: left, keepAll: trace != nil)
                chosen = round[ranked[0]]
            }
            let location = candidates[chosen.index]
            used[chosen.index] = true
            usedCount += 1
            let why = reason(
                chosen, ranked.count > 1 ? round[ranked[1]] : nil, rule: rule, label: label, candidates: candidates, remaining: remaining,
                split: usedCount)
            if trace != nil {
                let shown = ranked.prefix(Round.shown).map { i in
                    scored(round[i], chosen: i == ranked[0] ? nil : chosen, rule: rule, candidates: candidates)
                }
                trace?.rounds.append(Round(chosen: location.id, candidates: Array(shown)))
            }
            let start = chosen.index * width
            var row = Array(available[start..<(start + width)])
            for (l, line) in lines.enumerated() where remaining[l] > 0 {
                let taken = min(remaining[l], row[l])
                guard taken > 0 else { continue }
                remaining[l] -= taken
                // Lines of the same sku draw on the same units.
                for other in lines.indices where lines[other].product.sku == line.product.sku { row[other] -= taken }
                picks.append(Pick(line: l, candidate: chosen.index, quantity: taken, reason: why))
            }
        }
        return (picks, remaining)
    }

    /// A candidate in one round: what it would fill, and its score.
    struct Stats {
        var index: Int
        var units: Int64 = 0
        var full = 0
        /// Units of these lines' skus it keeps after filling what it can.
        var after: Int64 = 0
        var score = 0.0
        var criteria = CriterionScores()
    }

    /// Per weighted criterion, its score 0…1 (a rule weighs each criterion once, so at most
    /// six): plain values, so that copying a candidate's figures counts no references.
    struct CriterionScores {
        private var values: (Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0)

        subscript(_ index: Int) -> Double {
            get {
                switch index {
                case 0: values.0
                case 1: values.1
                case 2: values.2
                case 3: values.3
                case 4: values.4
                default: values.5
                }
            }
            set {
                switch index {
                case 0: values.0 = newValue
                case 1: values.1 = newValue
                case 2: values.2 = newValue
                case 3: values.3 = newValue
                case 4: values.4 = newValue
                default: values.5 = newValue
                }
            }
        }
    }

    /// Orders the round's candidates best first (indices into `round`), scoring them when the
    /// rule weighs criteria. Only the best is needed to route; a trace wants them all.
    static func rank(
        _ round: inout [Stats], _ scoring: RoutingStrategy.Scoring, candidates: [Candidate], left: Int64, keepAll: Bool
    ) -> [Int] {
        let isBetter: (Stats, Stats) -> Bool
        switch scoring {
        case .ordered(let criteria):
            isBetter = { better($0, than: $1, candidates: candidates, criteria: criteria) }
        case .weighted(let weights):
            score(&round, weights, candidates: candidates, left: left)
            isBetter = { a, b in
                a.score != b.score ? a.score > b.score : better(a, than: b, candidates: candidates, criteria: RoutingPolicy.Criterion.allCases)
            }
        }
        if keepAll { return round.indices.sorted { isBetter(round[$0], round[$1]) } }
        var best = 0
        var second: Int?
        for i in round.indices.dropFirst() {
            if isBetter(round[i], round[best]) {
                second = best
                best = i
            } else if second.map({ isBetter(round[i], round[$0]) }) ?? true {
                second = i
            }
        }
        return [best] + (second.map { [$0] } ?? [])
    }

    /// Each candidate's criteria scored 0…1 among the round's candidates (lower-is-better
    /// figures by where they sit between the best and the worst, higher-is-better ones as a
    /// share of the best), and its score their weighted mean.
    static func score(_ round: inout [Stats], _ weights: [RoutingStrategy.Weight], candidates: [Candidate], left: Int64) {
        let total = weights.reduce(0) { $0 + $1.weight }
        for (w, weight) in weights.enumerated() {
            let raw: [Double?] = round.map { stats in
                let candidate = candidates[stats.index]
                switch weight.criterion {
                case .fewestLocations: return Double(stats.units) / Double(max(1, left))
                case .distance: return candidate.distance
                case .priority: return Double(candidate.priority)
                case .stockAfter: return Double(stats.after)
                case .capacityLeft: return candidate.capacity.map(Double.init)
                case .shippingCost: return Double(weight.costs[candidate.id] ?? weight.defaultCost)
                }
            }
            let known = raw.compactMap { $0 }
            let low = known.min() ?? 0
            let high = known.max() ?? 0
            for i in round.indices {
                let s: Double
                switch weight.criterion {
                case .fewestLocations: s = raw[i] ?? 0
                case .distance, .priority, .shippingCost:
                    guard let value = raw[i] else {
                        s = 0
                        break
                    }
                    s = high > low ? (high - value) / (high - low) : 1
                case .stockAfter: s = high > 0 ? (raw[i] ?? 0) / high : 1
                case .capacityLeft: s = raw[i].map { high > 0 ? $0 / high : 0 } ?? 1
                }
                round[i].criteria[w] = s
                round[i].score += weight.weight * s / total
            }
        }
    }

    /// Compares two candidates by tie-breaks, in their order, then by units and id.
    static func better(_ a: Stats, than b: Stats, candidates: [Candidate], criteria: [RoutingPolicy.Criterion]) -> Bool {
        for criterion in criteria {
            switch criterion {
            case .fewestLocations:
                if a.full != b.full { return a.full > b.full }
                if a.units != b.units { return a.units > b.units }
            case .distance:
                let da = candidates[a.index].distance ?? .infinity
                let db = candidates[b.index].distance ?? .infinity
                if da != db { return da < db }
            case .priority:
                let pa = candidates[a.index].priority
                let pb = candidates[b.index].priority
                if pa != pb { return pa < pb }
            }
        }
        // Criteria not listed still decide before the id, so plans never depend on dictionary order.
        if a.units != b.units { return a.units > b.units }
        return candidates[a.index].id < candidates[b.index].id
    }

    /// Why the chosen location ships: under the channel's own routing, what it fills with its
    /// distance and priority (as always); under a strategy, the rule, and for a weighted rule
    /// its score against the runner-up with the criterion that told them apart most.
    static func reason(
        _ chosen: Stats, _ runnerUp: Stats?, rule: RoutingStrategy.Rule, label: String?, candidates: [Candidate], remaining: [Int64], split: Int
    ) -> String {
        let location = candidates[chosen.index]
        var why = "ship from \(location.id): "
        if case .weighted(let weights) = rule.scoring, let label {
            why += label + ", score " + format(chosen.score)
            if let runnerUp {
                why += " vs \(candidates[runnerUp.index].id) \(format(runnerUp.score))"
                if let w = weights.indices.max(by: {
                    weights[$0].weight * (chosen.criteria[$0] - runnerUp.criteria[$0]) < weights[$1].weight
                        * (chosen.criteria[$1] - runnerUp.criteria[$1])
                }) {
                    why += ": " + compare(weights[w], chosen, runnerUp, candidates: candidates, left: remaining.reduce(0, +))
                }
            } else {
                why += ", the only location with stock"
            }
        } else {
            if let label { why += label + ", " }
            why += "fills \(chosen.full) of \(remaining.filter { $0 > 0 }.count) remaining line(s)"
            if let distance = location.distance { why += ", \((distance * 10).rounded() / 10) km" }
            why += ", priority \(location.priority)"
        }
        if split > 1 { why += " (split \(split))" }
        return why
    }

    /// `distance 12 km vs 96 km`: one criterion's figures for two candidates.
    static func compare(_ weight: RoutingStrategy.Weight, _ a: Stats, _ b: Stats, candidates: [Candidate], left: Int64) -> String {
        let ca = candidates[a.index]
        let cb = candidates[b.index]
        switch weight.criterion {
        case .fewestLocations: return "fills \(a.units) vs \(b.units) of \(left) unit(s)"
        case .distance: return "distance \(km(ca.distance)) vs \(km(cb.distance))"
        case .priority: return "priority \(ca.priority) vs \(cb.priority)"
        case .stockAfter: return "\(a.after) vs \(b.after) unit(s) left after"
        case .capacityLeft:
            return "capacity left \(ca.capacity.map(String.init) ?? "unlimited") vs \(cb.capacity.map(String.init) ?? "unlimited")"
        case .shippingCost: return "shipping cost \(weight.costs[ca.id] ?? weight.defaultCost) vs \(weight.costs[cb.id] ?? weight.defaultCost)"
        }
    }

    static func scored(_ stats: Stats, chosen: Stats?, rule: RoutingStrategy.Rule, candidates: [Candidate]) -> Scored {
        let candidate = candidates[stats.index]
        var criteria: [String: Double] = [:]
        var score: Double?
        var lost: String?
        if case .weighted(let weights) = rule.scoring {
            score = (stats.score * 1000).rounded() / 1000
            for (w, weight) in weights.enumerated() { criteria[weight.criterion.rawValue] = (stats.criteria[w] * 1000).rounded() / 1000 }
            if let chosen,
                let w = weights.indices.max(by: {
                    weights[$0].weight * (chosen.criteria[$0] - stats.criteria[$0]) < weights[$1].weight * (chosen.criteria[$1] - stats.criteria[$1])
                })
            {
                lost =
                    "score \(format(stats.score)) vs \(format(chosen.score)): "
                    + compare(weights[w], chosen, stats, candidates: candidates, left: 0)
                    .replacingOccurrences(of: " of 0 unit(s)", with: "")
            }
        } else if let chosen, case .ordered(let order) = rule.scoring {
            lost = tieBreak(chosen, stats, order, candidates: candidates)
        }
        return Scored(
            location: candidate.id, score: score, units: stats.units, fullLines: stats.full,
            distanceKm: candidate.distance.map { ($0 * 10).rounded() / 10 }, priority: candidate.priority, criteria: criteria, lost: lost)
    }

    /// The first tie-break that put `winner` before `loser`, in words.
    static func tieBreak(_ winner: Stats, _ loser: Stats, _ order: [RoutingPolicy.Criterion], candidates: [Candidate]) -> String {
        let w = candidates[winner.index]
        let l = candidates[loser.index]
        for criterion in order {
            switch criterion {
            case .fewestLocations where winner.full != loser.full || winner.units != loser.units:
                return "fills \(loser.full) line(s), \(loser.units) unit(s) vs \(winner.full), \(winner.units)"
            case .distance where w.distance != l.distance: return "distance \(km(l.distance)) vs \(km(w.distance))"
            case .priority where w.priority != l.priority: return "priority \(l.priority) vs \(w.priority)"
            default: continue
            }
        }
        return winner.units != loser.units ? "fills \(loser.units) unit(s) vs \(winner.units)" : "same figures; \(w.id) comes first by id"
    }

    static func km(_ distance: Double?) -> String { distance.map { "\(Int($0.rounded())) km" } ?? "unknown" }
    static func format(_ score: Double) -> String { String(format: "%.2f", score) }

    static func take(_ stock: inout [SKU: [LocationID: Int64]], _ sku: SKU, _ location: LocationID, _ quantity: Int64) -> Int64 {
        let have = stock[sku]?[location] ?? 0
        let taken = max(0, min(have, quantity))
        stock[sku, default: [:]][location] = have - taken
        return taken
    }
}

/// A rule's location filter, made ready for a thousand candidates: order facts are judged
/// once (they are the same for every location), location facts read from the candidate.
struct LocationFilter {
    indirect enum Node {
        case constant(Bool)
        case all([Node])
        case any([Node])
        case not(Node)
        case fact(Fact, Condition.Operator, RuleValue?)
    }

    enum Fact {
        case id, type, tags, distanceKm, available, availableUnits, capacityLeft
    }

    let root: Node

    init(_ condition: Condition, facts: OrderFacts?) {
        root = Self.compile(condition, facts)
    }

    var isAlways: Bool {
        if case .constant(true) = root { return true }
        return false
    }

    static func compile(_ condition: Condition, _ facts: OrderFacts?) -> Node {
        switch condition {
        case .all(let items):
            let nodes = items.map { compile($0, facts) }
            if nodes.allSatisfy({ if case .constant(true) = $0 { true } else { false } }) { return .constant(true) }
            return .all(nodes)
        case .any(let items): return .any(items.map { compile($0, facts) })
        case .not(let inner): return .not(compile(inner, facts))
        case .compare(let name, let op, let value):
            let fact: Fact? =
                switch name {
                case "location.id": .id
                case "location.type": .type
                case "location.tags": .tags
                case "location.distanceKm": .distanceKm
                case "location.available": .available
                case "location.availableUnits": .availableUnits
                case "location.capacityLeft": .capacityLeft
                default: nil
                }
            if let fact { return .fact(fact, op, value) }
            return .constant(facts.map { condition.holds($0.values) } ?? false)
        }
    }

    func holds(_ candidate: RoutingPlanner.Candidate, available: [Int64], row: Int, wanted: [Int64]) -> Bool {
        Self.holds(root, candidate, available, row, wanted)
    }

    private static func holds(_ node: Node, _ c: RoutingPlanner.Candidate, _ available: [Int64], _ row: Int, _ wanted: [Int64]) -> Bool {
        switch node {
        case .constant(let value): return value
        case .all(let nodes): return nodes.allSatisfy { holds($0, c, available, row, wanted) }
        case .any(let nodes): return nodes.contains { holds($0, c, available, row, wanted) }
        case .not(let inner): return !holds(inner, c, available, row, wanted)
        case .fact(let fact, let op, let value):
            let actual: RuleValue?
            switch fact {
            case .id: actual = .string(c.id.rawValue)
            case .type: actual = .string(c.kind.rawValue)
            case .tags:
                if op == .contains, case .string(let tag)? = value { return c.tags.contains(tag) }
                actual = .list(c.tags.map(RuleValue.string))
            case .distanceKm: actual = c.distance.map(RuleValue.number)
            case .available: actual = .bool(wanted.indices.allSatisfy { available[row + $0] >= wanted[$0] })
            case .availableUnits: actual = .integer(wanted.indices.reduce(0) { $0 + min(available[row + $1], wanted[$1]) })
            case .capacityLeft: actual = c.capacity.map { .integer(Int64($0)) }
            }
            guard let actual else { return false }
            return Condition.compare(actual, op, value)
        }
    }
}
