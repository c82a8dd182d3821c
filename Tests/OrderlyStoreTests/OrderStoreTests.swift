import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import SQLKit
import Testing

@Suite("Order store")
struct OrderStoreTests {
    static let address = Address(name: "Ada", line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 LG", country: "NL")

    static func draft(
        _ lines: [OrderDraft.Line], channel: ChannelID = Fixtures.web, externalId: String? = nil, email: String = "ada@example.com",
        tags: [String] = [], reservation: ReservationID? = nil
    ) -> OrderDraft {
        OrderDraft(
            channel: channel, externalId: externalId, customer: .init(email: email, name: "Ada", phone: "+31 6 1234 5678"), currency: "EUR",
            shippingAddress: address, coordinates: Fixtures.amsterdam, lines: lines, tags: tags, reservationId: reservation)
    }

    @Test(arguments: Engine.all)
    func placesRoutesAndReservesInOneTransaction(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.warehouse, 5)
            try await Fixtures.stock(stores, "SKU-2", Fixtures.utrecht, 5)
            let placed = try await stores.orders.place(
                Self.draft(
                    [.init(sku: "SKU-1", quantity: 2, unitPrice: 1250), .init(sku: "SKU-2", quantity: 1, unitPrice: 999)], externalId: "web-1"),
                actor: "web")
            #expect(placed.created)
            let order = placed.order
            #expect(order.number.hasPrefix("ORD-"))
            #expect(order.totals.total == 3499)
            #expect(order.status == .processing)
            #expect(order.lines.map(\.allocatedQuantity) == [2, 1])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 2)
            #expect(
                try await stores.inventory.level(sku: "SKU-2", locationId: Fixtures.warehouse).level.reserved == 1, "one location fills both lines")
            let fos = try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(fos.count == 1)
            #expect(fos.first?.locationId == Fixtures.warehouse && fos.first?.status == .open && fos.first?.type == .ship)
            #expect(fos.first?.lines.map(\.quantity) == [2, 1])
            let timeline = try await stores.orders.timeline(order.id, after: nil, limit: nil).items
            #expect(timeline.map(\.type) == ["order.created", "order.allocated", "fulfillment.created"])
            #expect(timeline[1].data.contains("fewest") || timeline[1].data.contains("fills 2 of 2"))

            let repeatPlacement = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 1250)], externalId: "web-1"), actor: "web")
            #expect(!repeatPlacement.created && repeatPlacement.order.id == order.id)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 2)
        }
    }

    @Test(arguments: Engine.all)
    func aRepeatGetsTheOriginalOrderEvenWhenItCouldNotBePlacedNow(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            let draft = Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "web-last-unit")
            let first = try await stores.orders.place(draft, actor: "web")
            #expect(first.created)
            // The last unit is taken: placing the order now would be refused, but it was placed.
            let again = try await stores.orders.place(draft, actor: "web")
            #expect(!again.created && again.order.id == first.order.id && again.order.number == first.order.number)
            // And with stock again, a repeat still creates nothing and reserves nothing more.
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let third = try await stores.orders.place(draft, actor: "web")
            #expect(!third.created && third.order.id == first.order.id)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 1)
            let created = try await stores.events.list(after: nil, limit: nil, types: ["order.created"]).items
            #expect(created.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func concurrentDuplicatesCreateOneOrder(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 100)
            let ids = try await withThrowingTaskGroup(of: OrderID.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "dup-1"), actor: nil)
                            .order.id
                    }
                }
                return try await group.reduce(into: Set<OrderID>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 1)
            #expect(try await stores.orders.search(.init(), after: nil, limit: nil).items.count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func refusedOrdersStoreNothing(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            let error = await #expect(throws: OrderlyError.self) {
                try await stores.orders.place(
                    Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100), .init(sku: "SKU-2", quantity: 1, unitPrice: 100)]), actor: nil)
            }
            #expect(error?.code == .insufficientStock)
            let invalid = await #expect(throws: OrderlyError.self) {
                var draft = Self.draft([
                    .init(sku: "GHOST", quantity: 0, unitPrice: -1),
                    .init(sku: "SKU-1", quantity: 1, unitPrice: 1, delivery: .pickup(Fixtures.warehouse)),
                ])
                draft.currency = "EUX"
                return try await stores.orders.place(draft, actor: nil)
            }
            #expect(invalid?.fieldErrors.map(\.field) == ["currency", "lines[0].quantity", "lines[0].unitPrice"])
            let pickup = await #expect(throws: OrderlyError.self) {
                try await stores.orders.place(
                    Self.draft([
                        .init(sku: "SKU-1", quantity: 1, unitPrice: 1, delivery: .pickup(Fixtures.warehouse)),
                        .init(sku: "GHOST", quantity: 1, unitPrice: 1),
                    ]), actor: nil)
            }
            #expect(pickup?.fieldErrors.map(\.field) == ["lines[0].delivery.locationId", "lines[1].sku"])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 0)
            #expect(try await stores.orders.search(.init(), after: nil, limit: nil).items.isEmpty)
            #expect(try await stores.customers.search(nil, after: nil, limit: nil).items.isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func backorderThenReceiptAllocatesOldestFirst(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            _ = try await stores.supply.create(
                Supply(
                    id: "PO-1", locationId: Fixtures.warehouse, expectedAt: Date().addingTimeInterval(86400),
                    lines: [.init(sku: "SKU-1", quantity: 3)]), actor: nil)
            let first = try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 3, unitPrice: 100)], externalId: "a"), actor: nil)
                .order
            let second = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 100)], externalId: "b", email: "bob@example.com"), actor: nil
            ).order
            #expect(first.status == .awaitingStock && first.lines[0].allocatedQuantity == 1 && first.lines[0].backorderedQuantity == 2)
            #expect(second.lines[0].backorderedQuantity == 2)
            let backordered = try await stores.orders.timeline(first.id, after: nil, limit: nil).items.first { $0.type == "order.backordered" }
            #expect(backordered?.data.contains("awaiting supply at WH-AMS") == true)

            _ = try await stores.supply.receive("PO-1", lines: nil, actor: "dock")
            let a = try await stores.orders.get(first.id)
            let b = try await stores.orders.get(second.id)
            #expect(a.lines[0].allocatedQuantity == 3 && a.lines[0].backorderedQuantity == 0 && a.status == .processing)
            #expect(b.lines[0].allocatedQuantity == 1 && b.lines[0].backorderedQuantity == 1 && b.status == .awaitingStock)
            let level = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            #expect(level.onHand == 4 && level.reserved == 4)
            let fos = try await stores.fulfillmentOrders.list(orderId: first.id, locationId: nil, status: nil, after: nil, limit: nil).items
            #expect(fos.map { $0.lines.reduce(0) { $0 + $1.quantity } }.sorted() == [1, 2])
        }
    }

    @Test(arguments: Engine.all)
    func freeTextSearchFindsAnyPartAndPostgresAnswersItFromATrigramIndex(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            for (n, email) in ["ada@example.com", "grace.hopper@navy.example", "ada.byron@example.org"].enumerated() {
                _ = try await stores.orders.place(
                    Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "shop-\(n)", email: email), actor: nil)
            }
            let found: (String) async throws -> Int = { q in
                try await stores.orders.search(OrderStore.Search(q: q), after: nil, limit: nil).items.count
            }
            #expect(try await found("example") == 3)
            #expect(try await found("ada.byron") == 1)
            #expect(try await found("hopper@nav") == 1)
            #expect(try await found("SHOP-1") == 1, "case-insensitive, external id")
            #expect(try await found("nobody") == 0)
            guard engine == .postgres else { return }
            let plan = try await stores.database.read { db in
                try await db.raw("SET enable_seqscan = off").run()
                let rows = try await db.raw("EXPLAIN SELECT * FROM orders o WHERE o.search LIKE '%hopper%'").all()
                try await db.raw("RESET enable_seqscan").run()
                return try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            }
            #expect(plan.contains("orders_search_trgm"), "\(plan)")
        }
    }

    /// PostgreSQL only (one connection, whose prepared statements are visible): a free-text
    /// search is never prepared, so PostgreSQL plans it for its pattern every time; a search
    /// without text is prepared like any other statement.
    @Test func freeTextSearchesAreNeverPreparedSoTheirPlanSeesThePattern() async throws {
        try await TestDatabase.withStores(.postgres, poolSize: 1) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            _ = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "s-1", email: "hopper@example.com"), actor: nil)
            for _ in 0..<8 {
                #expect(try await stores.orders.search(OrderStore.Search(q: "hopper"), after: nil, limit: nil).items.count == 1)
                #expect(try await stores.customers.search("hopper", after: nil, limit: nil).items.count == 1)
                #expect(try await stores.orders.search(OrderStore.Search(status: .processing), after: nil, limit: nil).items.count == 1)
            }
            let prepared = try await stores.database.read { db in
                try await db.raw("SELECT statement FROM pg_prepared_statements").all().map { try $0.decode(column: "statement", as: String.self) }
            }
            #expect(!prepared.contains { $0.contains("LIKE") }, "\(prepared)")
            #expect(prepared.contains { $0.contains("FROM orders o WHERE 1 = 1 AND o.status") }, "\(prepared)")
        }
    }

    @Test(arguments: Engine.all)
    func aFirstOrderRuleHoldsOnlyACustomersFirstOrder(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.holdRules = [HoldRule(name: "new customer", firstOrder: true)] }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let first = try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "f-1"), actor: nil)
            #expect(first.order.status == .onHold && first.order.holds.map(\.reason) == ["new customer"])
            #expect(first.fulfillmentOrders.isEmpty)
            // The same customer (matched by email) again: known now, not held.
            let second = try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "f-2"), actor: nil)
            #expect(second.order.customerId == first.order.customerId)
            #expect(second.order.status == .processing && second.order.holds.isEmpty)
            #expect(second.fulfillmentOrders.count == 1)
            let other = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "f-3", email: "grace@example.com"), actor: nil)
            #expect(other.order.status == .onHold)
        }
    }

    @Test(arguments: Engine.all)
    func holdRulesAndManualHoldsKeepStockButNotFulfilment(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.holdRules = [HoldRule(name: "large order", minTotal: 10_000)] }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let big = try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 2, unitPrice: 6000)]), actor: nil).order
            #expect(big.status == .onHold && big.holds.map(\.reason) == ["large order"])
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 2)
            #expect(try await stores.fulfillmentOrders.list(orderId: big.id, locationId: nil, status: nil, after: nil, limit: nil).items.isEmpty)

            let (_, manual) = try await stores.orders.hold(big.id, reason: "address check", actor: "cs")
            _ = try await stores.orders.releaseHold(big.id, hold: big.holds[0].id, actor: "cs")
            #expect(try await stores.fulfillmentOrders.list(orderId: big.id, locationId: nil, status: nil, after: nil, limit: nil).items.isEmpty)
            let released = try await stores.orders.releaseHold(big.id, hold: manual.id, actor: "cs")
            #expect(released.status == .processing)
            #expect(try await stores.fulfillmentOrders.list(orderId: big.id, locationId: nil, status: nil, after: nil, limit: nil).items.count == 1)
            let types = try await stores.orders.timeline(big.id, after: nil, limit: nil).items.map(\.type)
            #expect(
                types == ["order.created", "order.allocated", "order.held", "order.held", "order.released", "order.released", "fulfillment.created"])
        }
    }

    @Test(arguments: Engine.all)
    func cancellationReleasesExactlyTheCancelledUnits(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 3)
            let order = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 5, unitPrice: 100), .init(sku: "SKU-2", quantity: 1, unitPrice: 100)]), actor: nil
            ).order
            #expect(order.lines[0].allocatedQuantity == 3 && order.lines[0].backorderedQuantity == 2)
            let partly = try await stores.orders.cancel(order.id, lines: [.init(line: 1, quantity: 3)], reason: "customer asked", actor: "cs")
            #expect(partly.lines[0].cancelledQuantity == 3 && partly.lines[0].backorderedQuantity == 0 && partly.lines[0].allocatedQuantity == 2)
            #expect(
                try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 2,
                "waiting units go first, then one allocated")
            let fo = try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first
            #expect(fo?.lines.first?.quantity == 2)
            let tooMuch = await #expect(throws: OrderlyError.self) {
                try await stores.orders.cancel(order.id, lines: [.init(line: 1, quantity: 3)], reason: nil, actor: nil)
            }
            #expect(tooMuch?.fieldErrors.first?.field == "lines[0].quantity")
            let all = try await stores.orders.cancel(order.id, lines: nil, reason: nil, actor: nil)
            #expect(all.status == .cancelled)
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 0)
            #expect(try await stores.fulfillmentOrders.get(fo!.id).status == .cancelled)
            await #expect(throws: OrderlyError.self) { try await stores.orders.cancel(order.id, lines: nil, reason: nil, actor: nil) }
        }
    }

    @Test(arguments: Engine.all)
    func reservationBecomesTheAllocation(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.utrecht, 2)
            let hold = try await stores.reservations.create(
                channel: Fixtures.web, lines: [.init(sku: "SKU-1", quantity: 2)], ttlSeconds: 600, actor: nil)
            let order = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], reservation: hold.id), actor: nil
            ).order
            #expect(order.lines[0].allocatedQuantity == 1)
            #expect(try await stores.reservations.get(hold.id).status == .consumed)
            #expect(
                try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.utrecht).level.reserved == 1, "the unused held unit goes back")
            await #expect(throws: OrderlyError.self) {
                try await stores.orders.place(Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], reservation: hold.id), actor: nil)
            }
        }
    }

    @Test(arguments: Engine.all)
    func customersAreOneProfileAcrossChannels(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.create(Channel(id: "pos", name: "POS", kind: .pos), actor: nil)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            let a = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], email: "Ada@Example.com"), actor: nil
            ).order
            let b = try await stores.orders.place(
                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], channel: "pos", email: " ada@example.COM "), actor: nil
            ).order
            #expect(a.customerId == b.customerId)
            let profile = try await stores.customers.get(a.customerId)
            #expect(profile.orders.map(\.channel).sorted() == ["pos", "web"])
            #expect(try await stores.customers.search("ada", after: nil, limit: nil).items.count == 1)
            // The phone as matched (digits: +31612345678) and as written (+31 6 1234 5678).
            #expect(try await stores.customers.search("612345678", after: nil, limit: nil).items.map(\.id) == [a.customerId])
            #expect(try await stores.customers.search("6 1234", after: nil, limit: nil).items.map(\.id) == [a.customerId])
            #expect(try await stores.customers.search("0699", after: nil, limit: nil).items.isEmpty)
            let found = try await stores.orders.search(.init(q: a.number.lowercased()), after: nil, limit: nil).items
            #expect(found.map(\.id) == [a.id])
            #expect(try await stores.orders.search(.init(q: "1234 5678"), after: nil, limit: nil).items.count == 2)
            #expect(try await stores.orders.search(.init(channel: "pos", sku: "SKU-1"), after: nil, limit: nil).items.map(\.id) == [b.id])
            let placedAt = a.createdAt
            #expect(
                try await stores.orders.search(
                    .init(createdFrom: placedAt.addingTimeInterval(-60), createdTo: placedAt.addingTimeInterval(60)), after: nil, limit: nil
                ).items.count == 2)
            #expect(try await stores.orders.search(.init(createdFrom: placedAt.addingTimeInterval(60)), after: nil, limit: nil).items.isEmpty)
            #expect(try await stores.orders.search(.init(createdTo: placedAt.addingTimeInterval(-60)), after: nil, limit: nil).items.isEmpty)
            let page = try await stores.orders.search(.init(), after: nil, limit: 1)
            let next = try await stores.orders.search(.init(), after: page.nextCursor, limit: 1)
            #expect(page.items.count == 1 && next.items.count == 1 && page.items[0].id != next.items[0].id)
        }
    }

    @Test(arguments: Engine.all)
    func competingOrdersForTheLastUnitsAcrossTwoLocationsNeverOversell(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 6)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.rotterdam, 5, safetyStock: 1)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<30 {
                    group.addTask {
                        do {
                            _ = try await stores.orders.place(
                                Self.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: 100)], externalId: "race-\(i)"), actor: nil)
                            return true
                        } catch let error as OrderlyError where error.code == .insufficientStock {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 10)
            let wh = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level
            let rtm = try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.rotterdam).level
            #expect(wh.reserved == 6 && rtm.reserved == 4)
            #expect(try await stores.orders.search(.init(), after: nil, limit: 100).items.count == 10)
        }
    }
}
