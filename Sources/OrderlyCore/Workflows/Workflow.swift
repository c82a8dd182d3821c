import Foundation

/// A workflow: the ordered stages an order passes between placement and release to
/// fulfillment, as a business configures them (`PUT /v1/workflows/{id}`). Each stage applies
/// to the orders its `when` matches and ends in one way: a condition over the order's facts
/// that becomes true (`until`), a named signal from an integration, or an approval by a
/// person of an allowed role (a rejection cancels the order). A stage may time out, with an
/// action; it may act on entry (tag the order, hold it with a reason, emit an event).
public struct Workflow: Sendable, Equatable {
    public struct Stage: Sendable, Equatable {
        /// What ends a stage.
        public enum End: Sendable, Equatable {
            /// The condition becomes true (judged again whenever the order changes).
            case until(Condition)
            /// An integration sends this signal (`POST /v1/orders/{id}/signals`).
            case signal(String)
            /// A person of one of these roles approves (or rejects: the order is cancelled).
            case approval(roles: [StaffUser.Role])
        }

        /// What a stage's timeout does.
        public enum TimeoutAction: String, Sendable, CaseIterable {
            /// Cancel the order, releasing its stock.
            case cancel
            /// Release the order to fulfillment at once, skipping the stages after.
            case release
            /// Leave the stage with a hold on the order for a person to lift.
            case hold
            /// Leave the stage and go on to the next.
            case advance
        }

        /// What entering a stage does.
        public enum Action: Sendable, Equatable {
            case tag(String)
            case hold(reason: String)
            /// An event for webhooks, `workflow.<name>`.
            case emit(String)
            /// Route the order by this routing strategy instead of the channel's. Units are
            /// routed at placement, so this counts for the stages the order meets then —
            /// passed at once or entered — whose `when` matches (`Workflow.strategy(for:at:)`).
            case route(String)
        }

        public var name: String
        public var when: Condition
        public var end: End
        public var timeout: ISODuration?
        public var onTimeout: TimeoutAction
        public var onEntry: [Action]
        /// In a side-by-side workflow (`Workflow.sideBySide`), the hold an order waiting in
        /// this stage carries: its id, reason and source.
        public var hold: Hold?

        /// What ends the stage, as people read it: `condition on order.paymentStatus`,
        /// `signal wrapped`, `approval by service`, with its timeout.
        public var ends: String {
            var text: String
            switch end {
            case .until(let condition): text = "condition on " + condition.facts.joined(separator: ", ")
            case .signal(let name): text = "signal \(name)"
            case .approval(let roles): text = "approval by " + roles.map(\.rawValue).joined(separator: " or ")
            }
            if let timeout { text += "; after \(timeout.description): \(onTimeout.rawValue)" }
            return text
        }

        public init(
            name: String, when: Condition = .always, end: End, timeout: ISODuration? = nil, onTimeout: TimeoutAction = .cancel,
            onEntry: [Action] = [], hold: Hold? = nil
        ) {
            self.hold = hold
            self.name = name
            self.when = when
            self.end = end
            self.timeout = timeout
            self.onTimeout = onTimeout
            self.onEntry = onEntry
        }
    }

    public var id: String
    public var version: Int
    public var stages: [Stage]
    /// Whether its stages run side by side, each as its own hold on the order, rather than
    /// one after another: the standard workflow of a channel without one of its own
    /// (`standard(for:)`), whose hold rules and payment gate have always held an order at once.
    public var sideBySide: Bool

    public init(id: String, version: Int = 1, stages: [Stage], sideBySide: Bool = false) {
        self.id = id
        self.version = version
        self.stages = stages
        self.sideBySide = sideBySide
    }

    public static let maxStages = 20

    /// The routing strategy an order placed at `position` is routed by: the last `route` of
    /// the stages it met on the way there (those whose `when` matches, up to the one it waits
    /// in); nil: its channel's.
    public func strategy(for facts: OrderFacts, at position: WorkflowProgress.Position) -> String? {
        let last: Int
        switch position {
        case .stage(let index, _): last = index
        case .released: last = stages.count - 1
        case .cancelled: return nil
        }
        var chosen: String?
        for stage in stages.prefix(last + 1) where facts.satisfy(stage.when) {
            for case .route(let id) in stage.onEntry { chosen = id }
        }
        return chosen
    }

    /// The routing strategies its stages route by (`route` actions), each once.
    public var strategies: [String] {
        var ids: [String] = []
        for stage in stages {
            for case .route(let id) in stage.onEntry where !ids.contains(id) { ids.append(id) }
        }
        return ids
    }
}

// MARK: Reading and writing

extension Workflow {
    /// Reads a workflow from its JSON (`{"stages": [...]}`), refusing every problem by its
    /// JSON path (`stages[2].until.all[0].fact`).
    public static func parse(id: String, version: Int = 1, _ json: RuleValue) throws(OrderlyError) -> Workflow {
        var v = Validator()
        v.identifier(id, "id")
        let stages = try RuleDocument.items(
            json, key: "stages", document: "workflow", itemNoun: "stage", max: maxStages, atLeastOne: false, into: &v, name: \.name,
            item: { Stage.parse($0, at: $1, into: &$2) })
        try v.validate()
        return Workflow(id: id, version: version, stages: stages)
    }

    /// The workflow as JSON, as `parse` reads it.
    public var json: RuleValue { .object(["stages": .list(stages.map(\.json))]) }
}

extension Workflow.Stage {
    static let keys: Set<String> = ["name", "when", "until", "signal", "approval", "timeout", "onTimeout", "onEntry"]

    static func parse(_ json: RuleValue, at path: String, into v: inout Validator) -> Workflow.Stage? {
        guard case .object(let f) = json else {
            v.add(path, "must be an object: {name, when?, until | signal | approval, timeout?, onTimeout?, onEntry?}")
            return nil
        }
        let before = v.errors.count
        let (name, when) = RuleDocument.header(f, at: path, keys: keys, itemNoun: "stage", into: &v)
        let ends = ["until", "signal", "approval"].filter { f[$0] != nil }
        var end: End?
        if ends.count != 1 {
            v.add(path, "must end in exactly one way: until, signal or approval")
        } else {
            switch ends[0] {
            case "until":
                end = Condition.parse(f["until"]!, at: path + ".until", scope: .order, into: &v).map(End.until)
            case "signal":
                if case .string(let signal)? = f["signal"] {
                    v.identifier(signal, path + ".signal")
                    end = .signal(signal)
                } else {
                    v.add(path + ".signal", "must be the signal's name")
                }
            default:
                end = approval(f["approval"]!, at: path + ".approval", into: &v)
            }
        }
        var timeout: ISODuration?
        if let json = f["timeout"] {
            if case .string(let text) = json, let duration = ISODuration(text, allowingTime: true) {
                timeout = duration
            } else {
                v.add(path + ".timeout", "must be an ISO 8601 duration such as PT48H or P2D")
            }
        }
        var onTimeout = TimeoutAction.cancel
        if let json = f["onTimeout"] {
            if case .string(let text) = json, let action = TimeoutAction(rawValue: text) {
                onTimeout = action
            } else {
                v.add(path + ".onTimeout", "must be one of " + TimeoutAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if timeout == nil { v.add(path + ".onTimeout", "needs a timeout") }
        }
        var actions: [Action] = []
        if let json = f["onEntry"] {
            if case .list(let items) = json, items.count <= 10 {
                for (i, item) in items.enumerated() {
                    if let action = Action.parse(item, at: "\(path).onEntry[\(i)]", into: &v) { actions.append(action) }
                }
            } else {
                v.add(path + ".onEntry", "must be a list of at most 10 actions")
            }
        }
        guard v.errors.count == before, let end else { return nil }
        return Workflow.Stage(name: name, when: when, end: end, timeout: timeout, onTimeout: onTimeout, onEntry: actions)
    }

    private static func approval(_ json: RuleValue, at path: String, into v: inout Validator) -> End? {
        guard case .object(let f) = json else {
            v.add(path, "must be an object: {roles?}")
            return nil
        }
        for key in f.keys.sorted() where key != "roles" { v.add("\(path).\(key)", "is not part of an approval (roles)") }
        guard let roles = f["roles"] else { return .approval(roles: [.admin, .service]) }
        guard case .list(let items) = roles, !items.isEmpty else {
            v.add(path + ".roles", "must list the roles that may approve: admin, service, store")
            return nil
        }
        var parsed: [StaffUser.Role] = []
        for (i, item) in items.enumerated() {
            if case .string(let text) = item, let role = StaffUser.Role(rawValue: text) {
                parsed.append(role)
            } else {
                v.add("\(path).roles[\(i)]", "must be admin, service or store")
            }
        }
        return .approval(roles: parsed)
    }

    var json: RuleValue {
        var f: [String: RuleValue] = ["name": .string(name)]
        if when != .always { f["when"] = when.json }
        switch end {
        case .until(let condition): f["until"] = condition.json
        case .signal(let signal): f["signal"] = .string(signal)
        case .approval(let roles): f["approval"] = .object(["roles": .list(roles.map { .string($0.rawValue) })])
        }
        if let timeout {
            f["timeout"] = .string(timeout.description)
            f["onTimeout"] = .string(onTimeout.rawValue)
        }
        if !onEntry.isEmpty { f["onEntry"] = .list(onEntry.map(\.json)) }
        return .object(f)
    }
}

extension Workflow.Stage.Action {
    static func parse(_ json: RuleValue, at path: String, into v: inout Validator) -> Self? {
        guard case .object(let f) = json, f.count == 1, let (key, value) = f.first, case .string(let text) = value else {
            v.add(path, "must be one of {tag: …}, {hold: reason}, {emit: name}, {route: strategy}")
            return nil
        }
        switch key {
        case "tag":
            v.check(!text.isEmpty && text.count <= 100, path + ".tag", "must be 1 to 100 characters")
            return .tag(text)
        case "hold":
            v.text(text, path + ".hold")
            return .hold(reason: text)
        case "emit":
            v.identifier(text, path + ".emit")
            return .emit(text)
        case "route":
            v.identifier(text, path + ".route")
            return .route(text)
        default:
            v.add("\(path).\(key)", "is not an action: tag, hold, emit or route")
            return nil
        }
    }

    var json: RuleValue {
        switch self {
        case .tag(let tag): .object(["tag": .string(tag)])
        case .hold(let reason): .object(["hold": .string(reason)])
        case .emit(let name): .object(["emit": .string(name)])
        case .route(let strategy): .object(["route": .string(strategy)])
        }
    }
}
