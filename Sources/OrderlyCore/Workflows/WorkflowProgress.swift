import Foundation

/// Where an order stands in its workflow, and how it moves on, decided in one place.
///
/// An order starts before the first stage. Moving on, it enters the next stage whose `when`
/// its facts match; a stage whose `until` already holds is passed without being entered.
/// After the last stage it is released to fulfillment. In a stage it stays until what ends the
/// stage happens — its condition becomes true when the order changes (`.changed`), its signal
/// arrives, a person of an allowed role approves (a rejection cancels the order) — or its
/// timeout passes (`.timeout`), which does the stage's `onTimeout`.
public enum WorkflowProgress {
    /// The order's place in its workflow.
    public enum Position: Sendable, Equatable {
        /// Waiting in the stage at this index since `since`.
        case stage(Int, since: Date)
        case released
        case cancelled
    }

    /// What moves an order.
    public enum Trigger: Sendable, Equatable {
        /// The order was placed: it starts.
        case placed
        /// Something about it changed (a payment, a risk score, an address): conditions are judged again.
        case changed
        case signal(String)
        case approval(stage: String, approve: Bool, role: StaffUser.Role, note: String?)
        /// The clock: a stage whose timeout has passed at `now` acts.
        case timeout
    }

    /// One thing that happened, for the timeline, in order.
    public enum Step: Sendable, Equatable {
        case entered(stage: String, actions: [Workflow.Stage.Action])
        case left(stage: String, reason: String)
        case released
        case cancelled(reason: String)
        /// The stage timed out into a hold for a person to lift.
        case held(reason: String)
    }

    public struct Advance: Sendable, Equatable {
        public var position: Position
        public var steps: [Step]
    }

    /// Moves an order at `position` (nil before it starts) in `workflow` by `trigger`, with
    /// `facts` as they are now. A trigger that does not concern the current stage changes
    /// nothing (no steps); an approval for another stage, or by a role the stage does not
    /// allow, is refused.
    public static func advance(
        _ workflow: Workflow, from position: Position?, facts: OrderFacts, trigger: Trigger, now: Date
    ) throws(OrderlyError) -> Advance {
        guard let position else {
            return moveOn(workflow, after: -1, facts: facts, now: now, steps: [])
        }
        guard case .stage(let index, let since) = position, workflow.stages.indices.contains(index) else {
            if case .approval = trigger { throw OrderlyError.conflict("The order is not waiting for an approval") }
            return Advance(position: position, steps: [])
        }
        let stage = workflow.stages[index]
        switch (trigger, stage.end) {
        case (.signal(let name), .signal(let awaited)) where name == awaited:
            return moveOn(workflow, after: index, facts: facts, now: now, steps: [.left(stage: stage.name, reason: "signal \(name)")])
        case (.approval(let name, let approve, let role, let note), _):
            guard name == stage.name, case .approval(let roles) = stage.end else {
                throw OrderlyError.conflict("The order waits in stage '\(stage.name)', which an approval for '\(name)' does not end")
            }
            guard roles.contains(role) else {
                throw OrderlyError(
                    .forbidden, "Stage '\(stage.name)' is approved by \(roles.map(\.rawValue).joined(separator: " or ")), not \(role.rawValue)")
            }
            let by = "by \(role.rawValue)" + (note.map { ": \($0)" } ?? "")
            guard approve else {
                let reason = "rejected in stage '\(stage.name)' \(by)"
                return Advance(position: .cancelled, steps: [.left(stage: stage.name, reason: reason), .cancelled(reason: reason)])
            }
            return moveOn(workflow, after: index, facts: facts, now: now, steps: [.left(stage: stage.name, reason: "approved \(by)")])
        case (.timeout, _):
            guard let timeout = stage.timeout, timeout.advance(since, times: 1) <= now else { return Advance(position: position, steps: []) }
            let reason = "no end within \(timeout.description)"
            let left = Step.left(stage: stage.name, reason: reason)
            switch stage.onTimeout {
            case .cancel: return Advance(position: .cancelled, steps: [left, .cancelled(reason: "\(reason) in stage '\(stage.name)'")])
            case .release: return Advance(position: .released, steps: [left, .released])
            case .advance: return moveOn(workflow, after: index, facts: facts, now: now, steps: [left])
            case .hold: return moveOn(workflow, after: index, facts: facts, now: now, steps: [left, .held(reason: "\(stage.name): \(reason)")])
            }
        default:
            if case .until(let condition) = stage.end, facts.satisfy(condition) {
                return moveOn(workflow, after: index, facts: facts, now: now, steps: [.left(stage: stage.name, reason: "condition met")])
            }
            return Advance(position: position, steps: [])
        }
    }

    /// Enters the first stage after `index` the order's facts call for, passing those that
    /// would end at once; released after the last.
    private static func moveOn(_ workflow: Workflow, after index: Int, facts: OrderFacts, now: Date, steps: [Step]) -> Advance {
        for next in workflow.stages.indices where next > index {
            let stage = workflow.stages[next]
            guard facts.satisfy(stage.when) else { continue }
            if case .until(let condition) = stage.end, facts.satisfy(condition) { continue }
            return Advance(position: .stage(next, since: now), steps: steps + [.entered(stage: stage.name, actions: stage.onEntry)])
        }
        return Advance(position: .released, steps: steps + [.released])
    }

    /// When the stage at `position` times out, if it does.
    public static func due(_ workflow: Workflow, at position: Position) -> Date? {
        guard case .stage(let index, let since) = position, workflow.stages.indices.contains(index),
            let timeout = workflow.stages[index].timeout
        else { return nil }
        return timeout.advance(since, times: 1)
    }
}

extension WorkflowProgress {
    /// One stage as a simulation sees it for an order.
    public struct StagePreview: Sendable, Equatable {
        public var name: String
        /// Whether its `when` matches the order.
        public var applies: Bool
        /// Whether the order passes it at once (its `until` already holds).
        public var passes: Bool
        /// What would end it: `condition …`, `signal …`, `approval by …`, with its timeout.
        public var ends: String
    }

    /// What placing an order with `facts` would meet in `workflow`: every stage with whether
    /// it applies and what would end it, and where the order would wait (nil: released at once).
    /// Changes nothing.
    public static func simulate(_ workflow: Workflow, facts: OrderFacts, now: Date) -> (stages: [StagePreview], waitsIn: String?) {
        let stages = workflow.stages.map { stage -> StagePreview in
            var passes = false
            if case .until(let condition) = stage.end { passes = facts.satisfy(condition) }
            return StagePreview(name: stage.name, applies: facts.satisfy(stage.when), passes: passes, ends: stage.ends)
        }
        let waiting = (try? advance(workflow, from: nil, facts: facts, trigger: .placed, now: now))?.position
        if case .stage(let index, _)? = waiting { return (stages, workflow.stages[index].name) }
        return (stages, nil)
    }
}
