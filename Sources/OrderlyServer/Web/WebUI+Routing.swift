import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The routing page: everyone who reads the catalogue sees each routing strategy's rules and
/// versions and simulates one against an order (`?simulate=<id>&order=<number>`); who manages
/// the catalogue compares rules with the channel's routing over recent orders before saving
/// them, saves new versions, activates earlier ones and chooses each channel's strategy — the
/// same store calls as `/v1/routing-strategies` and `/v1/routing/*`.
extension WebUI {
    /// Orders the page's comparison replays.
    static let comparedOrders = 100

    func routing(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let query = request.uri.queryParameters
        return try await routingPage(
            request, session, simulate: query["simulate"].map(String.init), order: query["order"].map(String.init), draft: nil)
    }

    /// What a person typed and asked to compare, and the answer.
    struct RoutingDraft {
        var id: String?
        var rules: String
        var comparison: [String: Any]
    }

    func routingPage(
        _ request: Request, _ session: StaffStore.Session, simulate: String?, order: String?, draft: RoutingDraft?
    ) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCatalog)
        let canManage = principal.may(.manageCatalog)
        let orderRef = order?.trimmingCharacters(in: .whitespaces)
        var items: [[String: Any]] = []
        let saved = try await stores.routingStrategies.list()
        // What was compared belongs to the strategy's card when it is saved, else to the new-strategy form.
        let forCard = draft.flatMap { d in saved.contains { $0.document.id == d.id } ? d.id : nil }
        for active in saved {
            let strategy = active.document
            var item: [String: Any] = [
                "id": strategy.id, "version": strategy.version, "canManage": canManage, "csrf": session.csrfToken,
                "json": Self.prettyJSON(strategy.json, key: "rules"), "simulateOrder": simulate == strategy.id ? orderRef ?? "" : "",
                "rules": strategy.rules.enumerated().map { i, rule -> [String: Any] in
                    let summary = rule.summary
                    return [
                        "number": i + 1, "name": rule.name, "applies": summary.applies, "locations": summary.locations, "ranking": summary.ranking,
                        "limits": summary.limits,
                    ]
                },
                "versions": versionRows(try await stores.routingStrategies.versions(strategy.id), canManage: canManage, in: session),
            ]
            if case let errors = Self.fieldErrors(request, form: "strategy-\(strategy.id)"), !errors.isEmpty { item["errors"] = errors }
            if let draft, forCard == strategy.id {
                item["json"] = draft.rules
                item["comparison"] = draft.comparison
            }
            if simulate == strategy.id, let orderRef, !orderRef.isEmpty {
                item["simulation"] = try await routingSimulation(.saved(strategy.id, version: nil), order: orderRef)
            }
            items.append(item)
        }
        let ids = items.compactMap { $0["id"] as? String }
        let channels = try await stores.channels.list(after: nil, limit: 500).items.map { channel -> [String: Any] in
            let policy = channel.routing
            var row: [String: Any] = [
                "id": channel.id.rawValue, "name": channel.name, "strategy": policy.strategy ?? "its own routing policy",
                "options": ids.map { ["id": $0, "selected": $0 == policy.strategy] }, "csrf": session.csrfToken, "canManage": canManage,
                "pool": channel.locations.map(\.rawValue).joined(separator: ", "), "shipFromStore": policy.shipFromStore,
                "shortages": RoutingPolicy.ShortagePolicy.allCases.map { ["value": $0.rawValue, "selected": $0 == policy.onShortage] },
                "tieBreaks": policy.criteria.map(\.rawValue).joined(separator: ", "), "holdRules": Self.prettyHoldRules(channel.holdRules),
            ]
            if let maxSplits = policy.maxSplits { row["maxSplits"] = maxSplits }
            let thresholds: [(String, Int?)] = [
                ("acceptWithinHours", channel.alerts.acceptWithinHours), ("collectWithinDays", channel.alerts.collectWithinDays),
                ("waitBeyondPromiseHours", channel.alerts.waitBeyondPromiseHours), ("waitWithoutPromiseDays", channel.alerts.waitWithoutPromiseDays),
            ]
            for (key, value) in thresholds { if let value { row[key] = value } }
            if case let errors = Self.fieldErrors(request, form: "policy-\(channel.id)", group: "alerts"), !errors.isEmpty { row["errors"] = errors }
            return row
        }
        var values: [String: Any] = ["strategies": items, "channels": channels, "canManage": canManage, "csrf": session.csrfToken]
        if case let errors = Self.fieldErrors(request, form: "new-strategy"), !errors.isEmpty { values["newErrors"] = errors }
        if simulate == RoutingStrategy.standardID, let orderRef, !orderRef.isEmpty {
            values["standardSimulation"] = try await routingSimulation(.current, order: orderRef)
        }
        if let draft, forCard == nil {
            values["newId"] = draft.id ?? ""
            values["newRules"] = draft.rules
            values["draftComparison"] = draft.comparison
        }
        return render("routing", values, session: session, request: request, here: "routing")
    }

    /// How `order` (a number or an id) would be routed by `choice`, for the page.
    private func routingSimulation(_ choice: OrderStore.StrategyChoice, order reference: String) async throws -> [String: Any] {
        let found = try await stores.orders.search(.init(q: reference), after: nil, limit: 5).items.first { $0.number == reference }
        let simulation: OrderStore.RoutingSimulation
        do {
            simulation = try await stores.orders.simulateRouting(.order(found?.id ?? OrderID(reference)), strategy: choice)
        } catch let error as OrderlyError where error.code == .notFound {
            return ["error": "No order \(reference)"]
        }
        let lines = simulation.order.lines
        var outcome = simulation.refused.isEmpty ? "would be placed" : "would be refused for want of stock"
        if let hold = simulation.plan.hold { outcome += ", and held: \(hold)" }
        return [
            "order": simulation.order.number, "strategy": simulation.plan.trace?.strategy ?? "", "outcome": outcome,
            "allocations": simulation.plan.allocations.map {
                [
                    "line": lines[$0.lineIndex].number, "sku": $0.sku.rawValue, "location": $0.locationId.rawValue, "quantity": $0.quantity,
                    "reason": $0.reason,
                ]
            },
            "backorders": simulation.plan.backorders.map { ["line": lines[$0.lineIndex].number, "quantity": $0.quantity, "reason": $0.reason] },
            "rules": (simulation.plan.trace?.rules ?? []).map { rule -> [String: Any] in
                [
                    "number": rule.number, "name": rule.name, "outcome": rule.outcome, "candidates": rule.candidates,
                    "rounds": rule.rounds.map { round -> [String: Any] in
                        [
                            "chosen": round.chosen.rawValue,
                            "others": round.candidates.dropFirst().map { ["location": $0.location.rawValue, "lost": $0.lost ?? ""] },
                        ]
                    },
                ]
            },
        ]
    }

    /// The comparison of `rules` with `against` over the latest orders, for the page.
    private func routingComparison(rules: RuleValue, against: String, in session: StaffStore.Session) async throws -> [String: Any] {
        let result = try await stores.orders.compareRouting(
            [try OrderStore.StrategyChoice(against), .inline(rules)], orders: .last(Self.comparedOrders))
        return [
            "replayed": result.replayed, "total": result.total, "complete": result.complete,
            "summaries": result.summaries.enumerated().map { i, s -> [String: Any] in
                [
                    "strategy": i == 1 ? "these rules" : s.strategy == "standard@0" ? "each channel's own routing" : s.strategy,
                    "fullyRoutable": s.fullyRoutable, "backordered": s.backordered, "refused": s.refused, "held": s.held,
                    "averageLocations": session.user.language.number(s.averageLocations, fractionDigits: 2),
                    "averageDistance": s.averageDistanceKm.map { "\(Int($0.rounded())) km" } ?? "—", "stores": s.unitsFromStores,
                    "warehouses": s.unitsFromWarehouses,
                ]
            },
            "hasDifferences": !result.differences.isEmpty,
            "differences": result.differences.prefix(20).map { ["number": $0.number, "before": $0.plans[0], "after": $0.plans[1]] },
            "differenceCount": result.differences.count,
        ]
    }

    static func prettyHoldRules(_ rules: [HoldRule]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(rules), as: UTF8.self)) ?? "[]"
    }

    static func prettyJSON(_ json: RuleValue, key: String) -> String {
        guard case .object(let fields) = json, let inner = fields[key] else { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(inner), as: UTF8.self)) ?? "[]"
    }

    /// The rules a person typed: a JSON list of rules (or `{"rules": [...]}`).
    static func rules(_ text: String) throws(OrderlyError) -> RuleValue {
        try typed(text, key: "rules", example: "a list of rules such as [{\"name\": \"stores near\", \"locations\": {…}}]")
    }

    func registerRoutingActions(on router: Router<BasicRequestContext>) {
        router.post("/routing") { request, context in
            try await action(request, context, back: "/routing#new-strategy", form: "new-strategy") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(RoutingStrategyForm.self)
                guard let id = fields.id else { throw OrderlyError.invalid("id", "is required") }
                let saved = try await stores.routingStrategies.save(id, try Self.rules(fields.rules), actor: session.user.principal.name)
                return (
                    "/routing#strategy-\(id)",
                    session.says(
                        "Routing strategy \(id) saved as version \(saved.document.version), now active.",
                        "Routeringsstrategie \(id) opgeslagen als versie \(saved.document.version), nu actief.")
                )
            }
        }
        router.post("/routing/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/routing#strategy-\(id)", form: "strategy-\(id)") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let rules = try Self.rules(try form.decode(RoutingStrategyForm.self).rules)
                let saved = try await stores.routingStrategies.save(id, rules, actor: session.user.principal.name)
                return (
                    "/routing#strategy-\(id)",
                    session.says(
                        "Routing strategy \(id) saved as version \(saved.document.version), now active.",
                        "Routeringsstrategie \(id) opgeslagen als versie \(saved.document.version), nu actief.")
                )
            }
        }
        // Compares what was typed before it is saved: the page again, with the figures and the rules kept.
        router.post("/routing/compare") { request, context in
            try await tryOut(request, context) { form, request, session in
                let fields = try form.decode(RoutingStrategyForm.self)
                let comparison = try await Self.outcome {
                    try await routingComparison(
                        rules: try Self.rules(fields.rules), against: fields.against ?? RoutingStrategy.standardID, in: session)
                }
                let draft = RoutingDraft(id: fields.id, rules: fields.rules, comparison: comparison)
                return try await routingPage(request, session, simulate: nil, order: nil, draft: draft)
            }
        }
        router.post("/channels/:id/strategy") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/routing") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let strategy = try form.decode(ChannelStrategyForm.self).strategy
                _ = try await stores.channels.update(ChannelID(id), actor: session.user.principal.name) { $0.routing.strategy = strategy }
                return ("/routing", "Channel \(id): " + (strategy.map { "new orders are routed by \($0)." } ?? "routed by its own policy again."))
            }
        }
        router.post("/channels/:id/routing") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/routing#policy-\(id)", form: "policy-\(id)") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(ChannelRoutingForm.self)
                let change = try fields.change()
                _ = try await stores.channels.update(ChannelID(id), actor: session.user.principal.name, change)
                return (
                    "/routing#policy-\(id)",
                    session.says(
                        "Routing policy and hold rules of channel \(id) saved.", "Routeringsbeleid en blokkaderegels van kanaal \(id) opgeslagen.")
                )
            }
        }
        registerActivation(on: router, path: "/routing", back: { "/routing#strategy-\($0)" }, store: { stores.routingStrategies })
    }
}

/// A routing strategy's rules as typed, with the strategy to compare them with.
struct RoutingStrategyForm: Decodable {
    var id: String?
    var rules: String
    var against: String?
}

/// A channel's own routing policy, pool and hold rules as typed: the pool and tie-breaks
/// separated by commas, the hold rules as JSON.
struct ChannelRoutingForm: Decodable, Sendable {
    var pool: String?
    var shipFromStore: String?
    var onShortage: String
    var maxSplits: FormNumber<Int>?
    var tieBreaks: String?
    var holdRules: String?
    var acceptWithinHours: FormNumber<Int>?
    var collectWithinDays: FormNumber<Int>?
    var waitBeyondPromiseHours: FormNumber<Int>?
    var waitWithoutPromiseDays: FormNumber<Int>?

    /// The change to the channel (checked when it is saved), or the field that cannot be read.
    func change() throws(OrderlyError) -> @Sendable (inout Channel) -> Void {
        guard let shortage = RoutingPolicy.ShortagePolicy(rawValue: onShortage) else {
            throw OrderlyError.invalid("onShortage", "must be reject, backorder or partial")
        }
        var criteria: [RoutingPolicy.Criterion] = []
        for name in WebForm.list(tieBreaks) {
            guard let criterion = RoutingPolicy.Criterion(rawValue: name) else {
                throw OrderlyError.invalid("tieBreaks", "'\(name)' is not fewestLocations, distance or priority")
            }
            criteria.append(criterion)
        }
        let rules: [HoldRule]
        do {
            rules = try JSONDecoder().decode([HoldRule].self, from: Data((holdRules ?? "[]").utf8))
        } catch {
            throw OrderlyError.invalid(
                "holdRules", "is not a JSON list of hold rules such as [{\"name\": \"large order review\", \"minTotal\": 100000}]")
        }
        let pool = WebForm.list(pool).map(LocationID.init)
        let (ships, splits, tieBreaks) = (shipFromStore != nil, maxSplits?.value, criteria.isEmpty ? RoutingPolicy.Criterion.allCases : criteria)
        let alerts = AlertThresholds(
            acceptWithinHours: acceptWithinHours?.value, collectWithinDays: collectWithinDays?.value,
            waitBeyondPromiseHours: waitBeyondPromiseHours?.value, waitWithoutPromiseDays: waitWithoutPromiseDays?.value)
        return { channel in
            channel.alerts = alerts
            channel.locations = pool
            channel.routing.shipFromStore = ships
            channel.routing.onShortage = shortage
            channel.routing.maxSplits = splits
            channel.routing.criteria = tieBreaks
            channel.holdRules = rules
        }
    }
}

/// The routing strategy a channel's orders are routed by (none: its own policy).
struct ChannelStrategyForm: Decodable { var strategy: String? }
