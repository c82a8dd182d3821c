import Foundation

/// What routing says about its choices: the reason on each allocation, and for a simulation
/// every rule tried with the best candidates of each round and why each lost.
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
}
