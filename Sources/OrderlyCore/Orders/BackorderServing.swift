import Foundation

/// Serving waiting lines when stock arrives (a supply receipt, a count, an adjustment, an
/// import) or a pre-order's release date passes: which orders come first, which of their
/// lines may take the new stock, and from where — with the same routing rules as at placement.
public enum BackorderServing {
    /// A waiting order, as the serving order needs it.
    public struct Candidate: Sendable, Equatable {
        public var id: OrderID
        public var createdAt: Date
        public var number: String
        /// Whether the supply that arrived was promised to it.
        public var promised: Bool

        public init(id: OrderID, createdAt: Date, number: String, promised: Bool) {
            self.id = id
            self.createdAt = createdAt
            self.number = number
            self.promised = promised
        }
    }

    /// Orders to serve, each once: those the arrived supply was promised to first, then the
    /// others, each group oldest first (then by number).
    public static func servingOrder(_ candidates: [Candidate]) -> [OrderID] {
        var seen = Set<OrderID>()
        return
            candidates
            .sorted { ($0.promised ? 0 : 1, $0.createdAt, $0.number) < ($1.promised ? 0 : 1, $1.createdAt, $1.number) }
            .compactMap { seen.insert($0.id).inserted ? $0.id : nil }
    }

    /// The waiting lines of `order` that may take stock of `skus` (at `location`, when stock
    /// arrived there only: a pickup line waits for its own store).
    public static func lines(of order: Order, skus: Set<SKU>, at location: LocationID?, products: [SKU: Product]) -> [RoutingPlanner.Line] {
        order.lines.enumerated().compactMap { index, line in
            guard line.backorderedQuantity > 0, skus.contains(line.sku), let product = products[line.sku] else { return nil }
            if let store = line.delivery.storeLocation, let location, store != location { return nil }
            return .init(index: index, quantity: line.backorderedQuantity, delivery: line.delivery, product: product)
        }
    }

    /// What to allocate to `lines` of `order` from `snapshot`: only stock at `location` when it
    /// arrived there (other stock was already considered when the order began to wait), by the
    /// routing that placed the order (`snapshot.strategy`, the version it recorded; else the
    /// channel's policy) judging the order's facts, whatever can be served now (what cannot
    /// keeps waiting: a rule that cannot fill the order keeps what it allocated, nothing is
    /// refused, held or backordered again), each allocation's reason prefixed with why stock
    /// came. Nil when nothing can be served.
    public static func plan(
        _ lines: [RoutingPlanner.Line], _ snapshot: RoutingPlanner.Snapshot, at location: LocationID?, reason: String, order: Order,
        products: [SKU: Product]
    ) -> RoutingPlanner.Plan? {
        guard !lines.isEmpty else { return nil }
        var snapshot = snapshot
        if let location { snapshot.stock = snapshot.stock.mapValues { $0.filter { $0.key == location } } }
        snapshot.channel.routing.onShortage = .partial
        var facts: OrderFacts?
        if var strategy = snapshot.strategy {
            strategy.rules = strategy.rules.map { rule in
                var rule = rule
                if rule.onFailure != .next { rule.onFailure = .partial }
                return rule
            }
            snapshot.strategy = strategy
            facts = OrderFacts(order, productTags: products.mapValues(\.tags), now: snapshot.now)
        }
        guard let plan = try? RoutingPlanner.plan(lines, snapshot, facts: facts), !plan.allocations.isEmpty else { return nil }
        var served = RoutingPlanner.Plan()
        served.allocations = plan.allocations.map { allocation in
            var allocation = allocation
            allocation.reason = "\(reason); \(allocation.reason)"
            return allocation
        }
        return served
    }
}
