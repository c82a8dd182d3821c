import Foundation

/// Where an order stands in the workflow that decides it: which workflow and version, and
/// its position (`WorkflowProgress.Position`) with the stage's name for people.
public struct OrderWorkflow: Sendable, Equatable, Codable {
    public var id: String
    public var version: Int
    /// The stage it waits in; nil once released or cancelled.
    public var stage: String?
    public var stageIndex: Int?
    public var since: Date?
    /// `waiting`, `released` or `cancelled`.
    public var state: String
    /// When the stage times out (its `timeout` after `since`), if it does.
    public var due: Date?

    public var position: WorkflowProgress.Position {
        if let stageIndex, let since { return .stage(stageIndex, since: since) }
        return state == "cancelled" ? .cancelled : .released
    }

    public init(_ workflow: Workflow, at position: WorkflowProgress.Position) {
        id = workflow.id
        version = workflow.version
        switch position {
        case .stage(let index, let since):
            stage = workflow.stages[index].name
            stageIndex = index
            self.since = since
            state = "waiting"
            due = WorkflowProgress.due(workflow, at: position)
        case .released: state = "released"
        case .cancelled: state = "cancelled"
        }
    }
}

/// What an order's move in its workflow writes, decided in one place from the `Advance`.
public struct WorkflowEffects: Sendable {
    /// The order's new place.
    public var state: OrderWorkflow
    /// The stage hold to put on (a stage entered) or to lift (the order released).
    public var hold: Hold?
    public var liftHold: Bool
    /// Holds entry actions and `hold` timeouts add, and tags entry actions add.
    public var extraHolds: [Hold]
    public var tags: [String]
    /// Cancel the order with this reason.
    public var cancel: String?
    public var events: [DomainEvent]
}

extension Order {
    /// The hold an order waiting in a workflow stage carries.
    public static let workflowHoldID = "workflow"

    /// What `advance` in `workflow` does to this order.
    public func effects(of advance: WorkflowProgress.Advance, in workflow: Workflow) -> WorkflowEffects {
        let state = OrderWorkflow(workflow, at: advance.position)
        var effects = WorkflowEffects(state: state, hold: nil, liftHold: false, extraHolds: [], tags: [], cancel: nil, events: [])
        let waiting = holds.contains { $0.source == .workflow }
        for step in advance.steps {
            switch step {
            case .entered(let stage, let actions):
                var emitted: [String] = []
                for action in actions {
                    switch action {
                    case .tag(let tag): if !tags.contains(tag) && !effects.tags.contains(tag) { effects.tags.append(tag) }
                    case .hold(let reason):
                        effects.extraHolds.append(
                            Hold(id: "stage-hold-\(holds.count + effects.extraHolds.count + 1)", reason: reason, source: .manual))
                    case .emit(let name): emitted.append(name)
                    case .route: break  // read at placement (`Workflow.strategy(for:at:)`)
                    }
                }
                effects.events.append(.stageEntered(id, workflow: workflow, stage: stage, emit: emitted))
            case .left(let stage, let reason):
                effects.events.append(.stageLeft(id, workflow: workflow, stage: stage, reason: reason))
            case .held(let reason):
                effects.extraHolds.append(Hold(id: "stage-hold-\(holds.count + effects.extraHolds.count + 1)", reason: reason, source: .manual))
            case .released: effects.liftHold = waiting
            case .cancelled(let reason): effects.cancel = reason
            }
        }
        if let stage = state.stage {
            effects.hold = Hold(id: Self.workflowHoldID, reason: "waiting in stage \(stage)", source: .workflow)
            effects.liftHold = waiting
        }
        return effects
    }
}
