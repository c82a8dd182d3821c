import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Subscriptions")
struct SubscriptionStoreTests {
    static let jan31 = ISO8601DateFormatter().date(from: "2027-01-31T09:00:00Z")!

    static func subscription(interval: String = "P1M", start: Date = jan31, quantity: Int64 = 1) -> Subscription {
        Subscription(
            id: SubscriptionID("sub_" + UUID().uuidString.prefix(8).lowercased()), channel: Fixtures.web,
            customer: .init(email: "coffee@example.com", name: "Koffie Fan"), currency: "EUR",
            lines: [.init(sku: "SKU-1", quantity: quantity, unitPrice: 1250)], shippingAddress: OrderStoreTests.address,
            coordinates: Fixtures.amsterdam, interval: ISODuration(interval)!, startAt: start)
    }

    @Test func monthArithmeticIsCalendarCorrect() {
        let s = Self.subscription()
        let f = ISO8601DateFormatter()
        #expect(
            (0..<4).map { f.string(from: s.interval.advance(s.startAt, times: $0)) } == [
                "2027-01-31T09:00:00Z", "2027-02-28T09:00:00Z", "2027-03-31T09:00:00Z", "2027-04-30T09:00:00Z",
            ])
        #expect(ISODuration("P2W")?.advance(Self.jan31, times: 1) == Self.jan31.addingTimeInterval(14 * 86400))
        #expect(ISODuration("P0D") == nil && ISODuration("1M") == nil && ISODuration("PT5M") == nil)
    }

    @Test(arguments: Engine.all)
    func duePeriodsPlaceOneOrderEachEvenWhenRunConcurrently(engine: Engine) async throws {
        try await TestDatabase.withStores(engine, poolSize: 16) { stores in
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 100)
            let s = try await stores.subscriptions.create(Self.subscription(), actor: nil)
            let asOf = ISO8601DateFormatter().date(from: "2027-04-15T00:00:00Z")!
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await stores.subscriptions.runDue(asOf: asOf) } }
                return try await group.reduce(0, +)
            }
            #expect(counts == 3, "31 Jan, 28 Feb and 31 Mar are due; each runs once across all callers")
            #expect(try await stores.subscriptions.runDue(asOf: asOf) == 0)
            let orders = try await stores.orders.search(.init(q: "sub:\(s.id)"), after: nil, limit: nil).items
            #expect(orders.count == 3)
            let after = try await stores.subscriptions.get(s.id)
            #expect(after.period == 3 && after.nextRunAt == ISO8601DateFormatter().date(from: "2027-04-30T09:00:00Z"))
            #expect(after.runs.allSatisfy { $0.orderId != nil && $0.error == nil })
            #expect(try await stores.inventory.level(sku: "SKU-1", locationId: Fixtures.warehouse).level.reserved == 3)
        }
    }

    @Test(arguments: Engine.all)
    func failedRunsAreVisibleAndPausedSubscriptionsWait(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            _ = try await stores.channels.update(Fixtures.web, actor: nil) { $0.routing.onShortage = .reject }
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 1)
            let s = try await stores.subscriptions.create(Self.subscription(interval: "P7D", quantity: 2), actor: nil)
            #expect(try await stores.subscriptions.runDue(asOf: Self.jan31) == 1)
            let failed = try await stores.subscriptions.get(s.id)
            #expect(failed.runs.first?.error?.hasPrefix("insufficient_stock") == true && failed.runs.first?.orderId == nil)
            #expect(try await stores.orders.search(.init(), after: nil, limit: nil).items.isEmpty, "a refused period leaves nothing behind")
            #expect(try await stores.customers.search(nil, after: nil, limit: nil).items.isEmpty)

            _ = try await stores.subscriptions.update(s.id, actor: nil) { $0.status = .paused }
            #expect(try await stores.subscriptions.runDue(asOf: Self.jan31.addingTimeInterval(30 * 86400)) == 0)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 10)
            _ = try await stores.subscriptions.update(s.id, actor: nil) { $0.status = .active }
            #expect(try await stores.subscriptions.runDue(asOf: Self.jan31.addingTimeInterval(7 * 86400)) == 1)
            #expect(try await stores.subscriptions.get(s.id).runs.first?.orderId != nil)
            _ = try await stores.subscriptions.update(s.id, actor: nil) { $0.status = .cancelled }
            await #expect(throws: OrderlyError.self) { try await stores.subscriptions.update(s.id, actor: nil) { $0.status = .active } }
        }
    }
}
