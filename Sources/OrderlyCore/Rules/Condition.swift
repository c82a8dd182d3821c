import Foundation

/// A condition of a workflow stage or a routing rule: a small, typed JSON expression tree.
///
///     {"all": [c, …]}   every one holds (an empty list holds)
///     {"any": [c, …]}   at least one holds (an empty list does not)
///     {"not": c}
///     {"fact": NAME, "op": OP, "value": V}
///
/// Operators: `eq`, `ne` (a number, string or boolean fact against a value of its type);
/// `gt`, `gte`, `lt`, `lte` (number facts); `in` (a number or string fact against a list of
/// values of its type); `contains` (a set of strings holding a string, or a string holding a
/// piece of text); `exists` (the fact is known; no value). A fact the order does not have
/// (no shipping address, no risk score) makes every comparison false: ask with `exists`.
/// Conditions are checked when saved (`parse`): unknown facts, values of another type and
/// malformed nodes are refused naming their JSON path.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case compare(fact: String, op: Operator, value: RuleValue?)

    public enum Operator: String, Sendable, CaseIterable {
        case eq, ne, gt, gte, lt, lte, `in`, contains, exists
    }

    /// The condition that always holds.
    public static let always = Condition.all([])

    /// Conditions nest at most this deep and hold at most this many nodes.
    public static let maxDepth = 12
    public static let maxNodes = 200

    // MARK: Reading and checking

    /// Reads `json` as a condition over the facts known in `scope`, adding every problem to
    /// `v` under `path` (`stages[2].until`): nil when there was one.
    public static func parse(_ json: RuleValue, at path: String, scope: Fact.Scope, into v: inout Validator) -> Condition? {
        var nodes = 0
        let before = v.errors.count
        let condition = parse(json, path, scope, depth: 0, nodes: &nodes, &v)
        if nodes > maxNodes { v.add(path, "may hold at most \(maxNodes) conditions") }
        return v.errors.count == before ? condition : nil
    }

    /// Reads `json` as a condition, or throws the problems.
    public static func parse(_ json: RuleValue, at path: String, scope: Fact.Scope) throws(OrderlyError) -> Condition {
        var v = Validator()
        let condition = parse(json, at: path, scope: scope, into: &v)
        try v.validate()
        return condition ?? .always
    }

    private static func parse(
        _ json: RuleValue, _ path: String, _ scope: Fact.Scope, depth: Int, nodes: inout Int, _ v: inout Validator
    ) -> Condition? {
        nodes += 1
        guard depth < maxDepth else {
            v.add(path, "nests deeper than \(maxDepth) levels")
            return nil
        }
        guard case .object(let fields) = json else {
            v.add(path, "must be an object: {all}, {any}, {not} or {fact, op, value}")
            return nil
        }
        let groups = ["all", "any", "not"].filter { fields[$0] != nil }
        if let group = groups.first {
            guard groups.count == 1, fields.count == 1 else {
                v.add(path, "must hold exactly one of all, any, not, or a fact")
                return nil
            }
            let inner = path + "." + group
            if group == "not" {
                return parse(fields["not"]!, inner, scope, depth: depth + 1, nodes: &nodes, &v).map(Condition.not)
            }
            guard case .list(let items) = fields[group]! else {
                v.add(inner, "must be a list of conditions")
                return nil
            }
            let parsed = items.enumerated().map { parse($1, "\(inner)[\($0)]", scope, depth: depth + 1, nodes: &nodes, &v) }
            guard parsed.allSatisfy({ $0 != nil }) else { return nil }
            return group == "all" ? .all(parsed.map { $0! }) : .any(parsed.map { $0! })
        }
        return comparison(fields, path, scope, &v)
    }

    private static func comparison(_ fields: [String: RuleValue], _ path: String, _ scope: Fact.Scope, _ v: inout Validator) -> Condition? {
        let unknown = Set(fields.keys).subtracting(["fact", "op", "value"]).sorted()
        guard unknown.isEmpty else {
            v.add("\(path).\(unknown[0])", "is not part of a condition (all, any, not, or fact, op and value)")
            return nil
        }
        guard case .string(let name)? = fields["fact"] else {
            v.add(path + ".fact", "is required: the name of a fact such as order.total")
            return nil
        }
        guard let fact = Fact.named(name, in: scope) else {
            let known = Fact.catalog.contains { $0.name == name }
            v.add(path + ".fact", known ? "'\(name)' is not known here (a location fact outside a location filter)" : "'\(name)' is not a fact")
            return nil
        }
        guard case .string(let opName)? = fields["op"], let op = Operator(rawValue: opName) else {
            v.add(path + ".op", "must be one of " + Operator.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        let value = fields["value"]
        if let problem = typeProblem(fact, op, value) {
            v.add(path + "." + problem.field, problem.message)
            return nil
        }
        return .compare(fact: name, op: op, value: value)
    }

    /// Why `op` with `value` cannot ask about `fact`, if it cannot: `op` when the operator does
    /// not fit the fact, `value` when the value does not fit them.
    private static func typeProblem(_ fact: Fact, _ op: Operator, _ value: RuleValue?) -> (field: String, message: String)? {
        func matches(_ value: RuleValue) -> Bool {
            switch (fact.kind, value) {
            case (.integer, .integer), (.number, .integer), (.number, .number), (.string, .string), (.boolean, .bool): true
            default: false
            }
        }
        let kind = fact.kind.rawValue
        let mismatch = { (value: RuleValue) in ("value", "\(fact.name) is \(article(kind)) \(kind); \(value.description) is not") }
        switch op {
        case .exists:
            return value == nil ? nil : ("value", "exists takes no value")
        case .eq, .ne:
            if fact.kind == .strings { return ("op", "\(fact.name) is a set of strings: ask with contains") }
            guard let value else { return ("value", "is required for \(op.rawValue)") }
            return matches(value) ? nil : mismatch(value)
        case .gt, .gte, .lt, .lte:
            guard fact.kind == .integer || fact.kind == .number else { return ("op", "\(op.rawValue) compares numbers; \(fact.name) is not one") }
            guard let value else { return ("value", "is required for \(op.rawValue)") }
            return matches(value) ? nil : mismatch(value)
        case .in:
            guard [.integer, .number, .string].contains(fact.kind) else {
                return ("op", "in asks about a number or a string; \(fact.name) is not one")
            }
            guard case .list(let items)? = value, !items.isEmpty else { return ("value", "in needs a list of values") }
            return items.allSatisfy(matches) ? nil : ("value", "every value must be \(article(kind)) \(kind), as \(fact.name) is")
        case .contains:
            guard fact.kind == .strings || fact.kind == .string else { return ("op", "contains asks about strings; \(fact.name) is not") }
            guard case .string? = value else { return ("value", "contains needs a string") }
            return nil
        }
    }

    private static func article(_ word: String) -> String { "aeiou".contains(word.first ?? "x") ? "an" : "a" }

    // MARK: Judging

    /// Whether the condition holds for `facts` (a fact's value by name; nil when unknown).
    public func holds(_ facts: (String) -> RuleValue?) -> Bool {
        switch self {
        case .all(let conditions): return conditions.allSatisfy { $0.holds(facts) }
        case .any(let conditions): return conditions.contains { $0.holds(facts) }
        case .not(let condition): return !condition.holds(facts)
        case .compare(let name, let op, let value):
            guard let fact = facts(name), fact != .null else { return false }
            return Self.compare(fact, op, value)
        }
    }

    /// Whether the condition holds for the facts in `facts`.
    public func holds(_ facts: [String: RuleValue]) -> Bool { holds { facts[$0] } }

    static func compare(_ fact: RuleValue, _ op: Operator, _ value: RuleValue?) -> Bool {
        switch op {
        case .exists: return true
        case .eq: return value.map { same(fact, $0) } ?? false
        case .ne: return value.map { !same(fact, $0) } ?? false
        case .gt, .gte, .lt, .lte:
            guard let value, let order = ordering(fact, value) else { return false }
            switch op {
            case .gt: return order > 0
            case .gte: return order >= 0
            case .lt: return order < 0
            default: return order <= 0
            }
        case .in:
            guard case .list(let items)? = value else { return false }
            return items.contains { same(fact, $0) }
        case .contains:
            guard case .string(let wanted)? = value else { return false }
            switch fact {
            case .list(let items): return items.contains(.string(wanted))
            case .string(let text): return text.contains(wanted)
            default: return false
            }
        }
    }

    /// Numbers are the same by value (1 and 1.0), everything else by equality.
    private static func same(_ a: RuleValue, _ b: RuleValue) -> Bool {
        if let order = ordering(a, b) { return order == 0 }
        return a == b
    }

    /// -1, 0 or 1 for two numbers (whole ones compared exactly); nil otherwise.
    private static func ordering(_ a: RuleValue, _ b: RuleValue) -> Int? {
        if case .integer(let x) = a, case .integer(let y) = b { return x < y ? -1 : x == y ? 0 : 1 }
        guard let x = a.numeric, let y = b.numeric else { return nil }
        return x < y ? -1 : x == y ? 0 : 1
    }

    /// The facts the condition asks about, each once, in the order they appear.
    public var facts: [String] {
        switch self {
        case .all(let conditions), .any(let conditions):
            var seen: [String] = []
            for name in conditions.flatMap(\.facts) where !seen.contains(name) { seen.append(name) }
            return seen
        case .not(let condition): return condition.facts
        case .compare(let fact, _, _): return [fact]
        }
    }

    // MARK: Writing

    /// The condition as JSON, as it is read.
    public var json: RuleValue {
        switch self {
        case .all(let conditions): return .object(["all": .list(conditions.map(\.json))])
        case .any(let conditions): return .object(["any": .list(conditions.map(\.json))])
        case .not(let condition): return .object(["not": condition.json])
        case .compare(let fact, let op, let value):
            var fields: [String: RuleValue] = ["fact": .string(fact), "op": .string(op.rawValue)]
            if let value { fields["value"] = value }
            return .object(fields)
        }
    }
}
