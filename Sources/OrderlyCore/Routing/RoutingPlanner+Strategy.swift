import Foundation

/// Ship lines routed by a strategy's rules: the candidate locations and their stock are read
/// into a dense matrix once per plan, then each rule that applies filters them, and a greedy
/// set cover picks one location per round by the rule's scoring (so a plan costs rounds ×
/// candidates × lines: it grows linearly with locations, never factorially).
extension RoutingPlanner {
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

    /// Takes up to `quantity` of `sku` at `location` from `stock`; answers what it took.
    static func take(_ stock: inout [SKU: [LocationID: Int64]], _ sku: SKU, _ location: LocationID, _ quantity: Int64) -> Int64 {
        let have = stock[sku]?[location] ?? 0
        let taken = max(0, min(have, quantity))
        stock[sku, default: [:]][location] = have - taken
        return taken
    }
}
