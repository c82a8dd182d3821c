import Foundation
import OrderlyCore
import SQLKit

/// Moving orders through their channel's workflow: on a change (a payment), a signal from an
/// integration, an approval by a person, or the clock. Core decides (`WorkflowProgress`,
/// `Order.effects`); this reads the facts and writes the effects in the caller's transaction.
extension OrderStore {
    /// Moves `order` (locked by the caller) by `trigger`; nothing when it has no workflow or
    /// no longer waits (an approval then is refused).
    @discardableResult
    static func advanceWorkflow(
        _ db: Transaction, _ order: inout Order, _ trigger: WorkflowProgress.Trigger, actor: String?, at now: Date
    ) async throws -> Bool {
        if order.status == .cancelled, order.workflow?.due != nil {
            // Cancelled by a person while it waited: its stage no longer times out.
            try await db.raw("UPDATE orders SET stage_due = NULL, workflow_stage = NULL WHERE id = \(bind: order.id.rawValue)").run()
            order.workflow?.due = nil
        }
        guard let state = order.workflow, state.stage != nil, order.status != .cancelled,
            let workflow = try await WorkflowStore.version(db, state.id, state.version)?.document
        else {
            if case .approval = trigger { throw OrderlyError.conflict("Order \(order.number) is not waiting for an approval") }
            return false
        }
        let facts = try await Self.facts(db, order, customer: order.customerId, at: now)
        let advance = try WorkflowProgress.advance(workflow, from: state.position, facts: facts, trigger: trigger, now: now)
        guard !advance.steps.isEmpty else { return false }
        let effects = order.effects(of: advance, in: workflow)
        order.workflow = effects.state
        try await db.raw(
            """
            UPDATE orders SET workflow = \(bind: try StoredJSON.encode(effects.state)), stage_due = \(bind: effects.state.due?.stored),
                workflow_stage = \(bind: effects.state.stage)
            WHERE id = \(bind: order.id.rawValue)
            """
        ).run()
        for event in effects.events { try EventLog.append(db, event, actor: actor, at: now) }
        if !effects.tags.isEmpty {
            order.tags += effects.tags
            try await db.raw("UPDATE orders SET tags = \(bind: try StoredJSON.encode(order.tags)) WHERE id = \(bind: order.id.rawValue)").run()
        }
        for hold in effects.extraHolds {
            try await OrderRows.insertHold(db, order.id, hold, at: now)
            order.holds.append(hold)
            try EventLog.append(db, .orderHeld(order.id, hold), actor: actor, at: now)
        }
        if let reason = effects.cancel {
            order = try await cancel(db, order, lines: nil, reason: reason, actor: actor, at: now)
            return true
        }
        if let hold = effects.hold {
            // Still waiting, in the stage it moved to: the stage hold says which.
            if let index = order.holds.firstIndex(where: { $0.source == .workflow }) {
                order.holds[index] = hold
                try await db.raw(
                    "UPDATE order_holds SET reason = \(bind: hold.reason) WHERE order_id = \(bind: order.id.rawValue) AND hold_id = \(bind: hold.id)"
                ).run()
            } else {
                try await OrderRows.insertHold(db, order.id, hold, at: now)
                order.holds.append(hold)
                try await OrderRows.saveStatus(db, order, at: now)
            }
        } else if effects.liftHold, let hold = order.holds.first(where: { $0.source == .workflow }) {
            try await lift(db, hold, from: &order, actor: actor, at: now)
        }
        return true
    }

    /// A signal from an integration (`fraud_cleared`), with an optional new risk score: the
    /// stage waiting for it ends, and conditions are judged again with the new score.
    public func signal(_ id: OrderID, name: String, riskScore: Int64?, actor: String?) async throws -> Order {
        var v = Validator()
        v.identifier(name, "name")
        if let riskScore { v.check((0...100).contains(riskScore), "data.riskScore", "must be between 0 and 100") }
        try v.validate()
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            try EventLog.append(db, .signalReceived(order.id, name: name, riskScore: riskScore), actor: actor, at: now)
            if let riskScore {
                order.riskScore = riskScore
                try await db.raw("UPDATE orders SET risk_score = \(bind: riskScore) WHERE id = \(bind: id.rawValue)").run()
            }
            try await Self.advanceWorkflow(db, &order, .signal(name), actor: actor, at: now)
            try await Self.advanceWorkflow(db, &order, .changed, actor: actor, at: now)
            return order
        }
    }

    /// A person's decision on the approval stage `stage` the order waits in: approved, it moves
    /// on; rejected, it is cancelled and its stock released.
    public func decide(
        _ id: OrderID, stage: String, approve: Bool, note: String?, role: StaffUser.Role, actor: String?
    ) async throws -> Order {
        if let note {
            var v = Validator()
            v.text(note, "note", max: 2000)
            try v.validate()
        }
        let now = time.now
        return try await database.transaction { db in
            guard var order = try await OrderRows.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Order", id) }
            try await Self.advanceWorkflow(db, &order, .approval(stage: stage, approve: approve, role: role, note: note), actor: actor, at: now)
            return order
        }
    }

    /// Acts on every stage whose timeout has passed at `asOf` (now by default), as the stage
    /// says (`onTimeout`). Each order is claimed with `SKIP LOCKED` and its due time checked
    /// again under the lock, so several instances never act on one twice and whatever ended
    /// the stage first wins. Returns how many orders it moved.
    public func runDueStages(asOf: Date? = nil, actor: String? = "workflow-timeout") async throws -> Int {
        let now = asOf ?? time.now
        let due = try await database.read { db in
            try await db.raw(
                "SELECT id FROM orders WHERE stage_due IS NOT NULL AND stage_due <= \(bind: now.stored) ORDER BY stage_due LIMIT 1000"
            ).all().map { OrderID(try $0.string("id")) }
        }
        var moved = 0
        for id in due {
            let acted = try await database.transaction { db -> Bool in
                // Claimed, and due still, under the lock: another run may have acted first.
                guard
                    try await db.raw(
                        """
                        SELECT id FROM orders WHERE id = \(bind: id.rawValue) AND stage_due IS NOT NULL AND stage_due <= \(bind: now.stored)\(db.forUpdateSkipLocked)
                        """
                    ).first() != nil,
                    var order = try await OrderRows.fetch(db, id)
                else { return false }
                return try await Self.advanceWorkflow(db, &order, .timeout, actor: actor, at: now)
            }
            if acted { moved += 1 }
        }
        return moved
    }

    /// The orders waiting in a workflow stage, oldest first, with the stage each waits in.
    public func waiting(limit: Int = 500) async throws -> [(stage: String, order: OrderSummary)] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(OrderSummary.columns), workflow_stage FROM orders
                WHERE workflow_stage IS NOT NULL AND status <> \(bind: OrderStatus.cancelled.rawValue)
                ORDER BY created_at, id LIMIT \(bind: Int64(limit))
                """
            ).all().map { (try $0.string("workflow_stage"), try OrderSummary($0)) }
        }
    }

    /// The stage order `order` waits in, as its workflow version defines it.
    public func waitingStage(of order: Order) async throws -> Workflow.Stage? {
        guard let state = order.workflow, let index = state.stageIndex else { return nil }
        return try await database.read { db in try await WorkflowStore.version(db, state.id, state.version)?.document.stages[safe: index] }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
