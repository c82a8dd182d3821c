import Foundation

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
