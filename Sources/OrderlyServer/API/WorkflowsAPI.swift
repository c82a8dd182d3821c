import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

/// `/v1/workflows`: versioned workflows (who manages the catalogue saves and activates them;
/// who reads it reads them), and their simulation against an order, which changes nothing.
extension OrderlyAPIService {
    func listWorkflows(_ input: Operations.ListWorkflows.Input) async throws -> Operations.ListWorkflows.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(items: try await stores.workflows.list().map(Components.Schemas.Workflow.init)))))
    }

    func getWorkflow(_ input: Operations.GetWorkflow.Input) async throws -> Operations.GetWorkflow.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(try .init(try await stores.workflows.get(input.path.id)))))
    }

    func saveWorkflow(_ input: Operations.SaveWorkflow.Input) async throws -> Operations.SaveWorkflow.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let saved = try await stores.workflows.save(input.path.id, try RuleValue(stages: body.stages), actor: Self.actor(caller))
        return .ok(.init(body: .json(try .init(saved))))
    }

    func listWorkflowVersions(_ input: Operations.ListWorkflowVersions.Input) async throws -> Operations.ListWorkflowVersions.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(items: try await stores.workflows.versions(input.path.id).map(Components.Schemas.Workflow.init)))))
    }

    func activateWorkflow(_ input: Operations.ActivateWorkflow.Input) async throws -> Operations.ActivateWorkflow.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let active = try await stores.workflows.activate(input.path.id, version: body.version, actor: Self.actor(caller))
        return .ok(.init(body: .json(try .init(active))))
    }

    func simulateWorkflow(_ input: Operations.SimulateWorkflow.Input) async throws -> Operations.SimulateWorkflow.Output {
        _ = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let workflow: Workflow
        switch (body.workflow.id, body.workflow.version, body.workflow.stages) {
        case (let id?, let version?, nil): workflow = try await stores.workflows.get(id, version: version).document
        case (let id?, nil, nil): workflow = try await stores.workflows.get(id).document
        case (let id, nil, let stages?): workflow = try Workflow.parse(id: id ?? "draft", try RuleValue(stages: stages))
        default: throw OrderlyError.invalid("workflow", "give an id (and a version), or stages")
        }
        let facts: OrderFacts
        switch (body.orderId, body.order) {
        case (let id?, nil):
            _ = try await visibleOrder(id) { .readOrders($0) }
            facts = try await stores.orders.facts(of: OrderID(id))
        case (nil, let order?): facts = try await stores.orders.facts(of: try OrderDraft(order))
        default: throw OrderlyError.invalid("order", "give an orderId or an order, not both")
        }
        let result = WorkflowProgress.simulate(workflow, facts: facts, now: Date())
        return .ok(
            .init(
                body: .json(
                    .init(
                        workflow: .init(id: workflow.id, version: workflow.version), waitsIn: result.waitsIn,
                        stages: result.stages.map { .init(name: $0.name, applies: $0.applies, passes: $0.passes, ends: $0.ends) }))))
    }
}

extension RuleValue {
    /// A workflow's JSON from the stages the API received.
    init(stages: [Components.Schemas.WorkflowStage]) throws { self = .object(["stages": try RuleValue(stages)]) }
}

extension Components.Schemas.Workflow {
    init(_ version: WorkflowStore.Version) throws {
        guard case .object(let fields) = version.document.json, let stages = fields["stages"] else {
            throw OrderlyError.invalid("stages", "unreadable")
        }
        self.init(
            id: version.document.id, version: version.document.version, active: version.active, actor: version.actor, createdAt: version.createdAt,
            stages: try JSONDecoder().decode([Components.Schemas.WorkflowStage].self, from: try JSONEncoder().encode(stages)))
    }
}

/// Signals and approvals that move an order through its workflow.
extension OrderlyAPIService {
    func signalOrder(_ input: Operations.SignalOrder.Input) async throws -> Operations.SignalOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id) { .placeOrder($0) }
        let signalled = try await stores.orders.signal(order.id, name: body.name, riskScore: body.data?.riskScore, actor: actorName())
        return .ok(.init(body: .json(try await orderBody(signalled.id))))
    }

    func approveOrder(_ input: Operations.ApproveOrder.Input) async throws -> Operations.ApproveOrder.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id) { .changeOrder($0) }
        let principal = try RequestScope.caller()
        guard let role = StaffUser.Role(rawValue: principal.role.rawValue) else {
            throw OrderlyError(.forbidden, "Approvals are given by people (admin, service or store), not by a channel's key")
        }
        let decided = try await stores.orders.decide(
            order.id, stage: body.stage, approve: body.decision == .approve, note: body.note, role: role, actor: actorName())
        return .ok(.init(body: .json(try await orderBody(decided.id))))
    }
}

extension OrderlyAPIService {
    func runDueWorkflows(_ input: Operations.RunDueWorkflows.Input) async throws -> Operations.RunDueWorkflows.Output {
        let caller = try RequestScope.caller(may: .runScheduler)
        let moved = try await stores.orders.runDueStages(asOf: input.query.asOf, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(moved: moved))))
    }
}
