import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The workflows page: everyone who reads the catalogue sees each workflow's stages and
/// versions and simulates one against an order (`?simulate=<id>&order=<number>`); who
/// manages the catalogue saves new versions and activates earlier ones — the same store calls
/// as `/v1/workflows`.
extension WebUI {
    func workflows(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        try await workflowsPage(request, session, draft: nil)
    }

    /// Stages typed and simulated against an order before they are saved.
    struct WorkflowDraft {
        var id: String?
        var stages: String
        var order: String
        var simulation: [String: Any]
    }

    func workflowsPage(_ request: Request, _ session: StaffStore.Session, draft: WorkflowDraft?) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCatalog)
        let canManage = principal.may(.manageCatalog)
        let query = request.uri.queryParameters
        let simulate = query["simulate"].map(String.init)
        let orderRef = query["order"].map(String.init)?.trimmingCharacters(in: .whitespaces)
        var items: [[String: Any]] = []
        let saved = try await stores.workflows.list()
        // What was simulated belongs to the workflow's card when it is saved, else to the new-workflow form.
        let forCard = draft.flatMap { d in saved.contains { $0.document.id == d.id } ? d.id : nil }
        for active in saved {
            let workflow = active.document
            var item: [String: Any] = [
                "id": workflow.id, "version": workflow.version, "canManage": canManage, "csrf": session.csrfToken,
                "json": Self.prettyJSON(workflow.json, key: "stages"), "simulateOrder": simulate == workflow.id ? orderRef ?? "" : "",
                "stages": workflow.stages.map { stage -> [String: Any] in
                    var row: [String: Any] = ["name": stage.name, "ends": stage.ends]
                    if stage.when != .always { row["when"] = "for orders with " + stage.when.facts.joined(separator: ", ") }
                    return row
                },
                "versions": versionRows(try await stores.workflows.versions(workflow.id), canManage: canManage, in: session),
            ]
            if case let errors = Self.fieldErrors(request, form: "workflow-\(workflow.id)"), !errors.isEmpty { item["errors"] = errors }
            if simulate == workflow.id, let orderRef, !orderRef.isEmpty {
                item["simulation"] = try await simulation(workflow, order: orderRef)
            }
            if let draft, forCard == workflow.id {
                item["json"] = draft.stages
                item["draftOrder"] = draft.order
                item["draftSimulation"] = draft.simulation
            }
            items.append(item)
        }
        let ids = items.compactMap { $0["id"] as? String }
        let channels = try await stores.channels.list(after: nil, limit: 500).items.map { channel -> [String: Any] in
            [
                "id": channel.id.rawValue, "name": channel.name, "workflow": channel.workflow ?? "hold rules and payment gate",
                "options": ids.map { ["id": $0, "selected": $0 == channel.workflow] }, "csrf": session.csrfToken, "canManage": canManage,
            ]
        }
        var values: [String: Any] = ["workflows": items, "channels": channels, "canManage": canManage, "csrf": session.csrfToken]
        if case let errors = Self.fieldErrors(request, form: "new-workflow"), !errors.isEmpty { values["newErrors"] = errors }
        if let draft, forCard == nil {
            values["newId"] = draft.id ?? ""
            values["newStages"] = draft.stages
            values["newOrder"] = draft.order
            values["newSimulation"] = draft.simulation
        }
        return render("workflows", values, session: session, request: request, here: "workflows")
    }

    /// What `order` (a number or an id) would meet in `workflow`, for the page.
    private func simulation(_ workflow: Workflow, order reference: String) async throws -> [String: Any] {
        let found = try await stores.orders.search(.init(q: reference), after: nil, limit: 5).items.first { $0.number == reference }
        let id = found?.id ?? OrderID(reference)
        let facts: OrderFacts
        do {
            facts = try await stores.orders.facts(of: id)
        } catch let error as OrderlyError where error.code == .notFound {
            return ["error": "No order \(reference)"]
        }
        let result = WorkflowProgress.simulate(workflow, facts: facts, now: Date())
        return [
            "order": found?.number ?? reference,
            "outcome": result.waitsIn.map { "would wait in “\($0)”" } ?? "would be released at once",
            "stages": result.stages.map {
                ["name": $0.name, "applies": $0.applies ? "applies" : "skipped", "passes": $0.passes ? "passed at once" : ""]
            },
        ]
    }

    func registerWorkflowActions(on router: Router<BasicRequestContext>) {
        router.post("/workflows") { request, context in
            try await action(request, context, back: "/workflows#new-workflow", form: "new-workflow") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(WorkflowForm.self)
                guard let id = fields.id else { throw OrderlyError.invalid("id", "is required") }
                let saved = try await stores.workflows.save(id, try Self.stages(fields.stages), actor: session.user.principal.name)
                return (
                    "/workflows#workflow-\(id)",
                    session.says(
                        "Workflow \(id) saved as version \(saved.document.version), now active.",
                        "Workflow \(id) opgeslagen als versie \(saved.document.version), nu actief.")
                )
            }
        }
        router.post("/workflows/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/workflows#workflow-\(id)", form: "workflow-\(id)") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let stages = try Self.stages(try form.decode(WorkflowForm.self).stages)
                let saved = try await stores.workflows.save(id, stages, actor: session.user.principal.name)
                return (
                    "/workflows#workflow-\(id)",
                    session.says(
                        "Workflow \(id) saved as version \(saved.document.version), now active.",
                        "Workflow \(id) opgeslagen als versie \(saved.document.version), nu actief.")
                )
            }
        }
        // Simulates what was typed before it is saved: the page again, with the stages kept.
        router.post("/workflows/simulate") { request, context in
            try await tryOut(request, context) { form, request, session in
                let fields = try form.decode(WorkflowForm.self)
                let order = fields.order?.trimmingCharacters(in: .whitespaces) ?? ""
                let result = try await Self.outcome {
                    guard !order.isEmpty else { throw OrderlyError.invalid("order", "give the number of an order to simulate the stages against") }
                    return try await simulation(try Workflow.parse(id: fields.id ?? "draft", try Self.stages(fields.stages)), order: order)
                }
                return try await workflowsPage(
                    request, session, draft: WorkflowDraft(id: fields.id, stages: fields.stages, order: order, simulation: result))
            }
        }
        router.post("/channels/:id/workflow") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/workflows") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let workflow = try form.decode(ChannelWorkflowForm.self).workflow
                _ = try await stores.channels.update(ChannelID(id), actor: session.user.principal.name) { $0.workflow = workflow }
                return ("/workflows", "Channel \(id): " + (workflow.map { "new orders pass \($0)." } ?? "hold rules and payment gate again."))
            }
        }
        registerActivation(on: router, path: "/workflows", back: { "/workflows#workflow-\($0)" }, store: { stores.workflows })
    }

    /// The stages a person typed: a JSON list of stages (or `{"stages": [...]}`).
    static func stages(_ text: String) throws(OrderlyError) -> RuleValue {
        try typed(text, key: "stages", example: "a list of stages such as [{\"name\": \"payment\", \"until\": {…}}]")
    }

    /// A list a person typed as JSON under `key` (or the whole object holding it).
    static func typed(_ text: String, key: String, example: String) throws(OrderlyError) -> RuleValue {
        guard let parsed = try? JSONDecoder().decode(RuleValue.self, from: Data(text.utf8)) else {
            throw OrderlyError.invalid(key, "is not JSON: " + example)
        }
        if case .list = parsed { return .object([key: parsed]) }
        return parsed
    }
}

/// Orders waiting in workflow stages, and the decisions people take on them.
extension WebUI {
    func waiting(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        try session.user.principal.authorize(.readOrders(nil))
        var stages: [(name: String, orders: [[String: Any]])] = []
        for (stage, order) in try await stores.orders.waiting() {
            let row: [String: Any] = [
                "id": order.id.rawValue, "number": order.number, "channel": order.channel.rawValue,
                "total": Self.money(order.total, order.currency, in: session),
                "createdAt": when(order.createdAt, in: session),
            ]
            if let index = stages.firstIndex(where: { $0.name == stage }) { stages[index].orders.append(row) } else { stages.append((stage, [row])) }
        }
        return render(
            "waiting", ["stages": stages.map { ["name": $0.name, "count": $0.orders.count, "orders": $0.orders] }], session: session,
            request: request, here: "waiting")
    }

    func registerApprovalActions(on router: Router<BasicRequestContext>) {
        router.post("/orders/:id/approvals") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                let order = try await changeable(id, session)
                let fields = try form.decode(StageDecisionForm.self)
                guard ["approve", "reject"].contains(fields.decision) else { throw OrderlyError.invalid("decision", "must be approve or reject") }
                let decided = try await stores.orders.decide(
                    order.id, stage: fields.stage, approve: fields.decision == "approve", note: fields.note, role: session.user.role,
                    actor: session.user.principal.name)
                let outcome =
                    decided.status == .cancelled
                    ? session.says("rejected and cancelled", "afgewezen en geannuleerd")
                    : decided.workflow?.stage.map { session.says("approved; now in \($0)", "goedgekeurd; nu in \($0)") }
                        ?? session.says("approved and released", "goedgekeurd en vrijgegeven")
                return ("/orders/\(id)", session.says("Order \(decided.number) \(outcome).", "Bestelling \(decided.number) \(outcome)."))
            }
        }
    }
}
