import Foundation
import OrderlyCore
import SQLKit

/// Orders from every channel: intake (idempotent per channel and external id), routing and
/// reservation in one transaction, and everything staff do to an order afterwards.
public struct OrderStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// A placed order, and whether this call created it (`false`: a repeat returned the original).
    public struct Placement: Sendable {
        public var order: Order
        public var created: Bool
        /// The fulfillment orders this call opened (all the order has, when it was created).
        public var fulfillmentOrders: [FulfillmentOrder] = []
        /// Incoming supply promised to its waiting units.
        public var promises: [SupplyPromise] = []
    }

    /// Registers an order exactly once, reserves its stock where routing sends it, and
    /// releases it to fulfilment unless a hold rule or a pre-order keeps it back.
    ///
    /// What routing needs is read first, outside the write transaction (on SQLite the readers
    /// work beside the one writer); the transaction then only writes. Stock that moved since
    /// the read fails a conditional update and the order is routed again from a fresh read.
    /// On PostgreSQL new orders that arrive together share one transaction (`placeTogether`).
    ///
    /// An order the channel sent before is not looked up first (a round trip every new order
    /// would pay): placing it again fails on the unique (channel, externalId) at the commit,
    /// or fails on its own (its stock is gone now, its reservation used), and either way the
    /// original is answered — the same order whether the repeat came later or at the same time.
    public func place(_ draft: OrderDraft, actor: String?) async throws -> Placement {
        try draft.validate()
        do {
            let placement = try await Replanning.untilStockSettles { [database, time] in
                let now = time.now
                let intake = try await database.read { db in try await Intake.read(db, draft, at: now, cache: database.cache) }
                let job = Batched(draft: draft, intake: intake, actor: actor, now: now)
                if let batches = database.orderBatches, let key = job.key, let outcome = await batches.submit(job, key: key) {
                    switch outcome {
                    case .placed(let placement): return placement
                    case .refused(let refusal): throw refusal
                    }
                }
                return try await database.transaction { db in try await Self.place(db, draft, intake, actor: actor, at: now) }
            }
            guard let placement else { throw OrderlyError.conflict("Stock kept changing while this order was routed; retry it") }
            return placement
        } catch {
            // A repeat (later, or at the same time) failed on the unique (channel, externalId)
            // or request key, or on its own: answer with the original.
            if draft.externalId != nil || draft.requestKey != nil,
                let existing = try await database.read({ db in try await Self.existing(db, draft) })
            {
                return Placement(order: existing, created: false)
            }
            throw error
        }
    }

    /// Places an order inside the caller's transaction (exchanges, subscriptions). A repeat is
    /// looked up first here: a unique violation would end the caller's whole transaction.
    static func place(_ db: Transaction, _ draft: OrderDraft, actor: String?, at now: Date) async throws -> Placement {
        try draft.validate()
        if let existing = try await existing(db, draft) { return Placement(order: existing, created: false) }
        return try await place(db, draft, try await Intake.read(db, draft, at: now), actor: actor, at: now)
    }

    /// The order the channel already sent with this draft's external id or request key, if any.
    private static func existing(_ db: any SQLDatabase, _ draft: OrderDraft) async throws -> Order? {
        if let externalId = draft.externalId, let order = try await OrderRows.fetch(db, channel: draft.channel, externalId: externalId) {
            return order
        }
        guard let requestKey = draft.requestKey else { return nil }
        return try await OrderRows.fetch(db, requestKey: requestKey)
    }

    /// What placing a new order reads before it writes: the channel, the products, the stock
    /// routing plans from, and the order priced with the tax rates that apply to it.
    struct Intake: Sendable {
        var channel: Channel
        var products: [SKU: Product]
        var priced: PricedOrder
        /// Without incoming supply: a plan depends on it only when it backorders
        /// (`RoutingPlanner.Plan.dependsOnIncoming`), so placing reads it only then.
        var stock: RoutingPlanner.Snapshot
        /// The channel's workflow, active version (`Channel.workflow`).
        var workflow: Workflow?
        /// The routing strategies its stages may choose (`route`), active versions, by id.
        var strategies: [String: RoutingStrategy] = [:]

        /// The active version of routing strategy `id`; a strategy removed since it was named
        /// routes nothing differently: the channel's own routing applies.
        static func strategy(_ db: any SQLDatabase, _ id: String, cache: ConfigCache?) async throws -> RoutingStrategy? {
            try await cache.value("strategy:" + id) { try await RoutingStrategyStore.active(db, id) }
        }

        /// `cache`: channels and locations may come from it (outside a transaction).
        static func read(_ db: any SQLDatabase, _ draft: OrderDraft, at now: Date, cache: ConfigCache? = nil) async throws -> Intake {
            guard let channel = try await cache.value("channel:" + draft.channel.rawValue, { try await ChannelStore.fetch(db, draft.channel) }) else {
                throw OrderlyError.invalid("channel", "channel '\(draft.channel)' does not exist")
            }
            let products = try await ProductStore.fetch(db, skus: draft.lines.map(\.sku))
            try await OrderStore.checkReferences(db, draft, channel: channel, products: products, cache: cache)
            var stock = try await OrderStore.snapshot(
                db, channel: channel, skus: draft.lines.map(\.sku), destination: draft.coordinates, at: now, incoming: false)
            if let id = channel.routing.strategy { stock.strategy = try await Self.strategy(db, id, cache: cache) }
            let priced = try OrderPricing.price(draft, taxRates: try await TaxRateStore.rates(db, for: draft, products: products, cache: cache))
            var workflow: Workflow?
            var strategies: [String: RoutingStrategy] = [:]
            if let id = channel.workflow {
                workflow = try await cache.value("workflow:" + id) { try await WorkflowStore.active(db, id) }
                for id in workflow?.strategies ?? [] { strategies[id] = try await Self.strategy(db, id, cache: cache) }
            }
            return Intake(channel: channel, products: products, priced: priced, stock: stock, workflow: workflow, strategies: strategies)
        }
    }

    /// Places a new order alone: matches its customer, draws its number, decides and writes.
    static func place(
        _ db: Transaction, _ draft: OrderDraft, _ intake: Intake, actor: String?, at now: Date
    ) async throws -> Placement {
        let customer = try await CustomerStore.match(db, draft.customer, address: draft.shippingAddress, at: now)
        let plan = try await decide(
            db, draft, intake, customer: customer.id, isFirstOrder: customer.isFirstOrder, number: try await OrderRows.nextNumber(db),
            at: now)
        return try await write(db, plan, draft: draft, channel: intake.channel, actor: actor, at: now)
    }

    /// Reads what the decision needs beyond the intake (the reservation the order cites, supply
    /// on its way when it backorders) and decides in Core (`OrderPlacement`). Writes nothing: an
    /// order refused here leaves no trace.
    static func decide(
        _ db: any SQLDatabase, _ draft: OrderDraft, _ intake: Intake, customer: CustomerID, isFirstOrder: Bool,
        number: String, at now: Date
    ) async throws -> OrderPlacement.Plan {
        var reservation: Reservation?
        if let id = draft.reservationId { reservation = try await ReservationStore.fetch(db, id) }
        var input = OrderPlacement.Input(
            draft: draft, priced: intake.priced, id: OrderID("ord_" + Token.random(bytes: 10)), number: number, customer: customer,
            isFirstOrder: isFirstOrder, products: intake.products, stock: intake.stock, reservation: reservation, now: now)
        input.strategies = intake.strategies
        input.workflow = intake.workflow
        // What conditions read of the customer, when a workflow stage or a routing rule may read it.
        if intake.workflow != nil || intake.stock.strategy != nil {
            input.customerFacts = try await CustomerStore.ruleFacts(db, customer, before: nil, excluding: nil)
        }
        let plan = try OrderPlacement.decide(input, newFulfillmentOrderID: Allocations.newFulfillmentOrderID)
        guard plan.needsIncoming else { return plan }
        // The backorders' reasons name the supply on its way: read it and decide again.
        input.stock.incoming = try await AvailabilityStore.incoming(db, skus: Array(Set(draft.lines.map(\.sku))))
        return try OrderPlacement.decide(input, newFulfillmentOrderID: Allocations.newFulfillmentOrderID)
    }

    /// The writes of placing an order, each a single statement. A checkout reservation is
    /// closed with a status-conditional update first, so its stock is never free in between.
    /// Stock is reserved, then everything else of the order is written. On PostgreSQL the
    /// conditional reserves are held with the order, its lines, allocations, fulfillment
    /// orders and events, and all go as one statement before the commit (the reserves first): a
    /// hot inventory row stays locked for the rest of that statement and the commit, and stock
    /// that moved throws there. (A concurrent duplicate of the order fails on the unique
    /// (channel, externalId) there and its reservation is rolled back with it.)
    static func write(
        _ db: Transaction, _ plan: OrderPlacement.Plan, draft: OrderDraft, channel: Channel, actor: String?, at now: Date
    ) async throws -> Placement {
        var order = plan.order
        if let use = plan.reservation { try await ReservationStore.consume(db, use, at: now) }
        try await Allocations.reserve(db, plan.routing)
        try await OrderRows.insert(db, order, customer: draft.customer, requestKey: draft.requestKey, at: now)
        try await Allocations.record(db, order.id, plan.allocations, released: plan.released, newOrder: true)
        try await FulfillmentOrderStore.insert(db, plan.release.opened)
        try await Allocations.write(db, plan.release, of: &order, actor: actor, at: now, events: plan.events)
        for sale in draft.prepaid { _ = try await PaymentStore.record(db, sale, on: &order, actor: actor, at: now) }
        // Waiting units are promised supply on its way, if any is left for them.
        var promises: [SupplyPromise] = []
        if order.lines.contains(where: { $0.backorderedQuantity > 0 }) {
            promises = try await SupplyStore.settle(db, order, channel: channel, isNew: true, at: now)
        }
        // In the order reading them returns (created together, so by id).
        return Placement(order: order, created: true, fulfillmentOrders: plan.release.current, promises: promises)
    }

    /// What routing sees: stock at active locations, capacity left today, incoming supply
    /// (unless `incoming` is false: see `Intake.stock`).
    static func snapshot(
        _ db: any SQLDatabase, channel: Channel, skus: [SKU], destination: Coordinates?, excluded: Set<LocationID> = [], at now: Date,
        incoming readIncoming: Bool = true
    ) async throws -> RoutingPlanner.Snapshot {
        let (levels, locations) = try await AvailabilityStore.snapshot(db, skus: Array(Set(skus)))
        var stock: [SKU: [LocationID: Int64]] = [:]
        for level in levels { stock[level.sku, default: [:]][level.locationId] = level.available }
        return RoutingPlanner.Snapshot(
            channel: channel, locations: locations, stock: stock, capacityLeft: try await Allocations.capacityLeft(db, locations, at: now),
            destination: destination, incoming: readIncoming ? try await AvailabilityStore.incoming(db, skus: Array(Set(skus))) : [:],
            excluded: excluded, now: now)
    }

    /// Unknown skus, and pickups at places that cannot hand them over, refuse the order.
    static func checkReferences(
        _ db: any SQLDatabase, _ draft: OrderDraft, channel: Channel, products: [SKU: Product], cache: ConfigCache? = nil
    ) async throws {
        try await checkReferences(
            db, lines: draft.lines.enumerated().map { ($0.offset, $0.element.sku, $0.element.delivery) }, channel: channel, products: products,
            cache: cache)
    }

    /// Unknown skus, and pickups at places that cannot hand them over, refuse the lines
    /// (`index`: where the request names each, `lines[index]`).
    static func checkReferences(
        _ db: any SQLDatabase, lines: [(index: Int, sku: SKU, delivery: Delivery)], channel: Channel, products: [SKU: Product],
        cache: ConfigCache? = nil
    ) async throws {
        var v = Validator()
        let pickupStores = Set(lines.compactMap(\.delivery.storeLocation))
        var stores: [LocationID: Location] = [:]
        for id in pickupStores { stores[id] = try await cache.value("location:" + id.rawValue) { try await LocationStore.fetch(db, id) } }
        for (i, sku, delivery) in lines {
            let line = (sku: sku, delivery: delivery)
            v.check(products[line.sku] != nil, "lines[\(i)].sku", "product '\(line.sku)' does not exist")
            guard let store = line.delivery.storeLocation else { continue }
            guard let location = stores[store] else {
                v.add("lines[\(i)].delivery.locationId", "location '\(store)' does not exist")
                continue
            }
            v.check(
                location.active && location.capabilities.pickup && channel.pools(store), "lines[\(i)].delivery.locationId",
                line.delivery.pickupLocation == nil
                    ? "\(store) is not a store of channel \(channel.id) that hands goods over"
                    : "\(store) is not a pickup location of channel \(channel.id)")
        }
        try v.validate()
    }
}
