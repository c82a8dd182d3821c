import Foundation

/// How a fulfillment order reaches the customer.
public enum FulfillmentType: String, Sendable, Codable, CaseIterable {
    case ship, pickup, dropship
    case carryOut = "carry_out"
}

/// Decides where each unit of an order is fulfilled from: a pure function of the order's
/// lines, a snapshot of stock and locations, and the channel's rules. The store commits the
/// plan with conditional reservations and asks again if stock moved in between.
///
/// Rules, in order: pickup lines go to the chosen store; drop-ship skus go to their supplier;
/// pre-orders wait for their release date; ship lines go to the fewest locations that can
/// fill them (greedy set cover, so it grows linearly with locations, never factorially),
/// tie-broken by the channel's criteria (by default distance, then priority). Whatever cannot
/// be allocated follows the product's and the channel's shortage policy.
public enum RoutingPlanner {
    /// A line (or the rest of one) to allocate.
    public struct Line: Sendable, Equatable {
        public var index: Int
        public var quantity: Int64
        public var delivery: Delivery
        public var product: Product
        public init(index: Int, quantity: Int64, delivery: Delivery, product: Product) {
            self.index = index
            self.quantity = quantity
            self.delivery = delivery
            self.product = product
        }
    }

    /// Everything routing looks at, read in one snapshot.
    public struct Snapshot: Sendable {
        public var channel: Channel
        public var locations: [LocationID: Location]
        /// Available units per sku and location.
        public var stock: [SKU: [LocationID: Int64]]
        /// Fulfillment orders a location may still take today; absent means unlimited.
        public var capacityLeft: [LocationID: Int]
        public var destination: Coordinates?
        public var incoming: [SKU: [SkuAvailability.Incoming]]
        /// Locations not to use (a store that rejected the order).
        public var excluded: Set<LocationID>
        public var now: Date
        /// The channel's routing strategy (its active version); nil routes by the channel's
        /// own policy (`RoutingStrategy.standard(for:)`).
        public var strategy: RoutingStrategy?

        public init(
            channel: Channel, locations: [LocationID: Location], stock: [SKU: [LocationID: Int64]],
            capacityLeft: [LocationID: Int] = [:], destination: Coordinates? = nil,
            incoming: [SKU: [SkuAvailability.Incoming]] = [:], excluded: Set<LocationID> = [], now: Date
        ) {
            self.channel = channel
            self.locations = locations
            self.stock = stock
            self.capacityLeft = capacityLeft
            self.destination = destination
            self.incoming = incoming
            self.excluded = excluded
            self.now = now
        }
    }

    /// Units of one line from one location, and the rule that sent them there.
    public struct Allocation: Sendable, Equatable {
        public var lineIndex: Int
        public var sku: SKU
        public var locationId: LocationID
        public var quantity: Int64
        public var type: FulfillmentType
        public var reason: String
    }

    /// Units of one line that wait for stock, and why.
    public struct Backorder: Sendable, Equatable {
        public var lineIndex: Int
        public var sku: SKU
        public var quantity: Int64
        public var reason: String
        public init(lineIndex: Int, sku: SKU, quantity: Int64, reason: String) {
            self.lineIndex = lineIndex
            self.sku = sku
            self.quantity = quantity
            self.reason = reason
        }
    }

    public struct Plan: Sendable, Equatable {
        public var allocations: [Allocation] = []
        public var backorders: [Backorder] = []
        /// Why the order is to be held: the rule that could not fill it said `hold`.
        public var hold: String?
        /// What was tried, when asked for (a simulation).
        public var trace: Trace?

        /// Whether incoming supply can change this plan: it is named only in the reasons of
        /// backorders, so a plan without any was made the same without it.
        public var dependsOnIncoming: Bool { !backorders.isEmpty }
    }

    /// Plans `lines`; throws `insufficient_stock` (nothing to reserve) when a short line may
    /// not wait: the product is never sold beyond stock and the channel (or the strategy's
    /// rule) rejects shortages. `facts` are the order's, which rules' conditions read (without
    /// them, only rules for every order apply); `trace` records every rule and candidate tried.
    public static func plan(_ lines: [Line], _ snapshot: Snapshot, facts: OrderFacts? = nil) throws(OrderlyError) -> Plan {
        let (plan, refused) = attempt(lines, snapshot, facts: facts, trace: false)
        if !refused.isEmpty { throw OrderlyError.insufficientStock(refused) }
        return plan
    }

    /// The plan with what was tried (`Plan.trace`), and the lines it would refuse for want of
    /// stock (empty when it would be accepted): what a simulation shows.
    public static func attempt(
        _ lines: [Line], _ snapshot: Snapshot, facts: OrderFacts?, trace: Bool
    ) -> (plan: Plan, refused: [OrderlyError.Shortage]) {
        var stock = snapshot.stock
        var plan = Plan()
        var tried = trace ? Trace(strategy: (snapshot.strategy ?? .standard(for: snapshot.channel)).reference) : nil
        var short: [Int: Int64] = [:]
        var shipLines: [Line] = []

        for line in lines {
            let sku = line.product.sku
            if line.product.sellBeyondStock == .preorder, let release = line.product.releaseDate, release > snapshot.now {
                plan.backorders.append(
                    .init(
                        lineIndex: line.index, sku: sku, quantity: line.quantity,
                        reason: "pre-order: not released before \(release.formatted(.iso8601))"))
                continue
            }
            if let store = line.delivery.storeLocation, let type = line.delivery.storeFulfillment {
                let taken = snapshot.excluded.contains(store) ? 0 : take(&stock, sku, store, line.quantity)
                if taken > 0 {
                    plan.allocations.append(
                        .init(
                            lineIndex: line.index, sku: sku, locationId: store, quantity: taken, type: type,
                            reason: type == .carryOut ? "sold at the counter in \(store)" : "pickup at \(store), the store the customer chose"))
                }
                if taken < line.quantity { short[line.index, default: 0] += line.quantity - taken }
            } else if let supplier = line.product.dropshipSupplier, !snapshot.excluded.contains(supplier) {
                let taken = take(&stock, sku, supplier, line.quantity)
                if taken > 0 {
                    plan.allocations.append(
                        .init(
                            lineIndex: line.index, sku: sku, locationId: supplier, quantity: taken, type: .dropship,
                            reason: "drop-ship by \(supplier), the sku's supplier"))
                }
                if taken < line.quantity { short[line.index, default: 0] += line.quantity - taken }
            } else {
                shipLines.append(line)
            }
        }

        let ship = routeShipLines(shipLines, snapshot: snapshot, facts: facts, stock: &stock, trace: &tried)
        plan.allocations += ship.allocations
        plan.hold = ship.hold
        for (index, quantity) in ship.short { short[index, default: 0] += quantity }
        let shipIndices = Set(shipLines.map(\.index))

        var refused: [OrderlyError.Shortage] = []
        for line in lines {
            guard let missing = short[line.index], missing > 0 else { continue }
            let sku = line.product.sku
            let incoming = (snapshot.incoming[sku] ?? []).filter { snapshot.locations[$0.locationId].map(snapshot.channel.sells(from:)) ?? false }
            let awaiting =
                incoming.first.map { "awaiting supply at \($0.locationId) expected \($0.expectedAt.formatted(.iso8601))" } ?? "awaiting stock"
            // What is sold at the counter must be in the store now: never backordered.
            if case .carryOut(let store) = line.delivery {
                refused.append(.init(sku: sku, locationId: store, requested: line.quantity, available: line.quantity - missing))
                continue
            }
            let isShip = shipIndices.contains(line.index)
            let source = isShip ? ship.shortageSource : "channel policy"
            switch (line.product.sellBeyondStock, isShip ? ship.shortage : snapshot.channel.routing.onShortage) {
            case (.backorder, _), (.preorder, _):
                plan.backorders.append(
                    .init(
                        lineIndex: line.index, sku: sku, quantity: missing,
                        reason: "backorder (\(line.product.sellBeyondStock.rawValue) product): \(awaiting)"))
            case (.never, .backorder):
                plan.backorders.append(.init(lineIndex: line.index, sku: sku, quantity: missing, reason: "backorder (\(source)): \(awaiting)"))
            case (.never, .partial):
                plan.backorders.append(
                    .init(lineIndex: line.index, sku: sku, quantity: missing, reason: "partial allocation (\(source)): awaiting stock"))
            case (.never, .reject):
                let available = line.quantity - missing
                refused.append(.init(sku: sku, locationId: line.delivery.storeLocation, requested: line.quantity, available: available))
            }
        }
        plan.trace = tried
        return (plan, refused)
    }
}
