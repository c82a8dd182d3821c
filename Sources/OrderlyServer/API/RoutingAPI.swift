import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

/// `/v1/routing-strategies` (versioned, saved and activated by who manages the catalogue) and
/// `/v1/routing/simulate|compare`, which route on today's stock and change nothing.
extension OrderlyAPIService {
    func listRoutingStrategies(_ input: Operations.ListRoutingStrategies.Input) async throws -> Operations.ListRoutingStrategies.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(items: try await stores.routingStrategies.list().map(Components.Schemas.RoutingStrategy.init)))))
    }

    func getRoutingStrategy(_ input: Operations.GetRoutingStrategy.Input) async throws -> Operations.GetRoutingStrategy.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(try .init(try await stores.routingStrategies.get(input.path.id)))))
    }

    func saveRoutingStrategy(_ input: Operations.SaveRoutingStrategy.Input) async throws -> Operations.SaveRoutingStrategy.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let saved = try await stores.routingStrategies.save(input.path.id, .object(["rules": try RuleValue(body.rules)]), actor: Self.actor(caller))
        return .ok(.init(body: .json(try .init(saved))))
    }

    func listRoutingStrategyVersions(
        _ input: Operations.ListRoutingStrategyVersions.Input
    ) async throws -> Operations.ListRoutingStrategyVersions.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(
            .init(body: .json(.init(items: try await stores.routingStrategies.versions(input.path.id).map(Components.Schemas.RoutingStrategy.init)))))
    }

    func activateRoutingStrategy(_ input: Operations.ActivateRoutingStrategy.Input) async throws -> Operations.ActivateRoutingStrategy.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let active = try await stores.routingStrategies.activate(input.path.id, version: body.version, actor: Self.actor(caller))
        return .ok(.init(body: .json(try .init(active))))
    }

    func simulateRouting(_ input: Operations.SimulateRouting.Input) async throws -> Operations.SimulateRouting.Output {
        _ = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let routed: OrderStore.RoutedOrder
        switch (body.orderId, body.order) {
        case (let id?, nil):
            _ = try await visibleOrder(id) { .readOrders($0) }
            routed = .order(OrderID(id))
        case (nil, let order?): routed = .draft(try OrderDraft(order))
        default: throw OrderlyError.invalid("order", "give an orderId or an order, not both")
        }
        let choice = try body.strategy.map { try OrderStore.StrategyChoice(try RuleValue($0), field: "strategy") } ?? .current
        let simulation = try await stores.orders.simulateRouting(routed, strategy: choice)
        return .ok(.init(body: .json(.init(simulation))))
    }

    func compareRouting(_ input: Operations.CompareRouting.Input) async throws -> Operations.CompareRouting.Output {
        _ = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let choices = try body.strategies.enumerated().map { i, item in try OrderStore.StrategyChoice(try RuleValue(item), field: "strategies[\(i)]")
        }
        let selection: OrderStore.ReplayedOrders
        switch (body.orders.last, body.orders.since, body.orders.until) {
        case (let last?, nil, nil): selection = .last(last)
        case (nil, let since, let until) where since != nil || until != nil: selection = .placed(since: since, until: until)
        default: throw OrderlyError.invalid("orders", "give {last: N} or {since, until}")
        }
        let result = try await stores.orders.compareRouting(choices, orders: selection)
        return .ok(
            .init(
                body: .json(
                    .init(
                        strategies: result.summaries.map {
                            .init(
                                strategy: $0.strategy, orders: $0.orders, fullyRoutable: $0.fullyRoutable, backordered: $0.backordered,
                                refused: $0.refused,
                                held: $0.held, averageLocations: $0.averageLocations, averageDistanceKm: $0.averageDistanceKm,
                                unitsFromStores: $0.unitsFromStores, unitsFromWarehouses: $0.unitsFromWarehouses,
                                unitsFromSuppliers: $0.unitsFromSuppliers)
                        },
                        differences: result.differences.map { .init(orderId: $0.order.rawValue, number: $0.number, plans: $0.plans) },
                        replayed: result.replayed, total: result.total, complete: result.complete))))
    }
}

extension OrderStore.StrategyChoice {
    /// `"eu"`, `"eu@3"`, `"standard"`, or `{rules}` as the API receives them.
    init(_ json: RuleValue, field: String) throws(OrderlyError) {
        switch json {
        case .string(let text): self = try .init(text)
        case .object: self = .inline(json)
        default: throw OrderlyError.invalid(field, "must be id, id@version, standard, or a strategy not saved: {rules}")
        }
    }
}

extension RuleValue {
    /// Any JSON the API received, as rules read it.
    init(_ value: some Encodable) throws {
        self = try JSONDecoder().decode(RuleValue.self, from: try JSONEncoder().encode(value))
    }
}

extension Components.Schemas.RoutingStrategy {
    init(_ version: RoutingStrategyStore.Version) throws {
        guard case .object(let fields) = version.document.json, let rules = fields["rules"] else { throw OrderlyError.invalid("rules", "unreadable") }
        self.init(
            id: version.document.id, version: version.document.version, active: version.active, actor: version.actor, createdAt: version.createdAt,
            rules: try JSONDecoder().decode([Components.Schemas.RoutingRule].self, from: try JSONEncoder().encode(rules)))
    }
}

extension Components.Schemas.RoutingSimulation {
    init(_ s: OrderStore.RoutingSimulation) {
        let lines = s.order.lines
        self.init(
            strategy: s.plan.trace?.strategy ?? RoutingStrategy.standardID + "@0",
            allocations: s.plan.allocations.map {
                .init(
                    line: lines[$0.lineIndex].number, sku: $0.sku.rawValue, locationId: $0.locationId.rawValue, _type: $0.type.rawValue,
                    quantity: $0.quantity, reason: $0.reason)
            },
            backorders: s.plan.backorders.map {
                .init(line: lines[$0.lineIndex].number, sku: $0.sku.rawValue, quantity: $0.quantity, reason: $0.reason)
            },
            hold: s.plan.hold,
            refused: s.refused.map { .init(sku: $0.sku.rawValue, requested: $0.requested, available: $0.available) },
            rules: (s.plan.trace?.rules ?? []).map { rule in
                .init(
                    number: rule.number, name: rule.name, applied: rule.applied, candidates: rule.candidates, outcome: rule.outcome,
                    rounds: rule.rounds.map { round in
                        .init(
                            chosen: round.chosen.rawValue,
                            candidates: round.candidates.map {
                                .init(
                                    locationId: $0.location.rawValue, score: $0.score, units: $0.units, fullLines: $0.fullLines,
                                    distanceKm: $0.distanceKm,
                                    priority: $0.priority, criteria: .init(additionalProperties: $0.criteria), lost: $0.lost)
                            })
                    })
            })
    }
}
