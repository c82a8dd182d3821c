import Foundation

/// How a rule ranks the candidates of a round: by tie-breaks in order, or by weighted
/// criteria each scored 0…1 among the round's candidates.
extension RoutingPlanner {
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
}
