import Foundation
import OrderlyCore
import SQLKit

/// Routing simulated and replayed, before a strategy is switched on: reads only.
extension OrderStore {
    /// The order a simulation routes: a placed one (its units not cancelled, routed anew on
    /// today's stock) or one as a channel would send it.
    public enum RoutedOrder: Sendable {
        case order(OrderID)
        case draft(OrderDraft)
    }

    /// The strategy a simulation or comparison routes by.
    public enum StrategyChoice: Sendable, Equatable {
        /// What the order's channel routes by now (its strategy's active version, or its own policy).
        case current
        /// The channel's own routing policy (`standard`).
        case standard
        /// A saved strategy: its active version, or the one named.
        case saved(String, version: Int?)
        /// A strategy not saved (`{rules}`).
        case inline(RuleValue)

        /// `eu`, `eu@3`, `standard`, `current`.
        public init(_ text: String) throws(OrderlyError) {
            switch text {
            case RoutingStrategy.standardID: self = .standard
            case "current": self = .current
            default:
                let parts = text.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count <= 2, !parts[0].isEmpty else {
                    throw OrderlyError.invalid("strategy", "must be an id, id@version, standard or current")
                }
                guard parts.count == 2 else {
                    self = .saved(String(parts[0]), version: nil)
                    return
                }
                guard let version = Int(parts[1]), version > 0 else {
                    throw OrderlyError.invalid("strategy", "'\(text)': the version must be a number")
                }
                self = .saved(String(parts[0]), version: version)
            }
        }
    }

    /// A simulated routing: the order as it would be, the plan with every rule and candidate
    /// tried, and what would be refused for want of stock.
    public struct RoutingSimulation: Sendable {
        public var order: Order
        public var plan: RoutingPlanner.Plan
        public var refused: [OrderlyError.Shortage]
    }

    /// Routes `routed` by `strategy` on today's stock and writes nothing.
    public func simulateRouting(_ routed: RoutedOrder, strategy choice: StrategyChoice) async throws -> RoutingSimulation {
        if case .draft(let draft) = routed { try draft.validate() }
        let now = time.now
        return try await database.read { db in
            let order: Order
            let channel: Channel
            let customer: CustomerID?
            let products: [SKU: Product]
            switch routed {
            case .order(let id):
                guard let found = try await OrderRows.fetch(db, id) else { throw OrderlyError.notFound("Order", id) }
                guard let foundChannel = try await ChannelStore.fetch(db, found.channel) else {
                    throw OrderlyError.notFound("Channel", found.channel)
                }
                (order, channel, customer) = (found, foundChannel, found.customerId)
                products = try await ProductStore.fetch(db, skus: order.lines.map(\.sku))
            case .draft(let draft):
                let intake: Intake
                (order, customer, intake) = try await Self.simulated(db, draft, at: now, cache: nil)
                (channel, products) = (intake.channel, intake.products)
            }
            var snapshot = try await Self.snapshot(db, channel: channel, skus: order.lines.map(\.sku), destination: order.coordinates, at: now)
            snapshot.strategy = try await Self.strategy(db, choice, channel: channel)
            let facts = try await Self.facts(db, order, customer: customer, at: now)
            let (plan, refused) = RoutingPlanner.attempt(order.routingLines(products: products), snapshot, facts: facts, trace: true)
            return RoutingSimulation(order: order, plan: plan, refused: refused)
        }
    }

    /// Which past orders a comparison replays: the last `last`, or those placed in a range
    /// (the newest `RoutingComparison.maxOrders` of them).
    public enum ReplayedOrders: Sendable {
        case last(Int)
        case placed(since: Date?, until: Date?)
    }

    /// Orders a comparison replays at most, and how long it may take.
    public static let maxReplayedOrders = 1000
    public static let replayTimeLimit: Duration = .seconds(20)

    /// Replays past orders against `strategies` on today's stock (`RoutingComparison`); writes nothing.
    public func compareRouting(_ strategies: [StrategyChoice], orders selection: ReplayedOrders) async throws -> RoutingComparison.Result {
        var v = Validator()
        v.check((2...4).contains(strategies.count), "strategies", "must name 2 to 4 strategies")
        for (i, choice) in strategies.enumerated() where choice == .current {
            v.add("strategies[\(i)]", "name a strategy (id, id@version or {rules}) or standard (each channel's own routing)")
        }
        if case .last(let n) = selection {
            v.check((1...Self.maxReplayedOrders).contains(n), "orders.last", "must be 1 to \(Self.maxReplayedOrders)")
        }
        try v.validate()
        let now = time.now
        let deadline = ContinuousClock.now + Self.replayTimeLimit
        return try await database.read { db in
            let rows: [any SQLRow]
            switch selection {
            case .last(let n):
                rows = try await db.raw("SELECT id FROM orders ORDER BY created_at DESC, number DESC LIMIT \(bind: n)").all()
            case .placed(let since, let until):
                rows = try await db.raw(
                    """
                    SELECT id FROM orders WHERE created_at >= \(bind: (since ?? .distantPast).stored) AND created_at < \(bind: (until ?? .distantFuture).stored)
                    ORDER BY created_at DESC, number DESC LIMIT \(bind: Self.maxReplayedOrders)
                    """
                ).all()
            }
            var orders: [Order] = []
            for row in rows { if let order = try await OrderRows.fetch(db, OrderID(try row.string("id"))) { orders.append(order) } }
            let skus = Array(Set(orders.flatMap { $0.lines.map(\.sku) }))
            let products = try await ProductStore.fetch(db, skus: skus)
            var channels: [ChannelID: Channel] = [:]
            for id in Set(orders.map(\.channel)) { channels[id] = try await ChannelStore.fetch(db, id) }
            var cases: [RoutingComparison.Case] = []
            for order in orders.reversed() {
                guard let channel = channels[order.channel] else { continue }
                let person = try await CustomerStore.ruleFacts(db, order.customerId, before: order.createdAt, excluding: nil)
                let facts = OrderFacts(order, customer: person, productTags: products.mapValues(\.tags), now: now)
                cases.append(.init(order: order, channel: channel, facts: facts, lines: order.routingLines(products: products)))
            }
            let base = try await Self.snapshot(
                db, channel: Channel(id: "replay", name: "Replay", kind: .web), skus: skus, destination: nil, at: now)
            var resolved: [RoutingStrategy?] = []
            for choice in strategies { resolved.append(try await Self.strategy(db, choice, channel: base.channel)) }
            return RoutingComparison.compare(cases, strategies: resolved, base: base, deadline: deadline)
        }
    }

    /// The strategy version that placed `order` (nil: its channel's own routing, or a version
    /// no longer stored), by which it is routed again.
    static func strategy(_ db: any SQLDatabase, routed order: Order) async throws -> RoutingStrategy? {
        guard let reference = order.routingStrategy, case .saved(let id, let version?) = try? StrategyChoice(reference) else { return nil }
        return try await RoutingStrategyStore.version(db, id, version)?.document
    }

    /// The strategy `choice` names for an order of `channel` (nil: the channel's own policy).
    static func strategy(_ db: any SQLDatabase, _ choice: StrategyChoice, channel: Channel) async throws -> RoutingStrategy? {
        switch choice {
        case .standard: return nil
        case .current:
            guard let id = channel.routing.strategy else { return nil }
            return try await RoutingStrategyStore.active(db, id)
        case .saved(let id, nil):
            guard let found = try await RoutingStrategyStore.active(db, id) else { throw OrderlyError.notFound("Routing strategy", id) }
            return found
        case .saved(let id, let version?):
            guard let found = try await RoutingStrategyStore.version(db, id, version) else {
                throw OrderlyError.notFound("Routing strategy version", "\(id)@\(version)")
            }
            return found.document
        case .inline(let json): return try RoutingStrategy.parse(id: "draft", version: 0, json)
        }
    }
}
