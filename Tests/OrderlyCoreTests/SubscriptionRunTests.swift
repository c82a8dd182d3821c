import Foundation
import OrderlyCore
import Testing

@Suite("Subscription periods")
struct SubscriptionRunTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    func subscription(status: Subscription.Status = .active) throws -> Subscription {
        Subscription(
            id: "sub_1", channel: "web", customer: .init(email: "a@b.nl"), currency: "EUR", lines: [], shippingAddress: nil, coordinates: nil,
            interval: try #require(ISODuration("P7D")), startAt: Self.start, status: status)
    }

    @Test func aPeriodIsDueFromItsDateWhileActive() throws {
        #expect(try subscription().isDue(asOf: Self.start))
        #expect(try !subscription().isDue(asOf: Self.start - 1))
        #expect(try !subscription(status: .paused).isDue(asOf: Self.start + 86400 * 30))
    }

    @Test func eachPeriodRunsOnceWhetherItPlacedAnOrderOrNot() throws {
        var s = try subscription()
        let placed = s.completePeriod(orderId: "ord_1", failure: nil, at: Self.start)
        #expect(placed.run.period == 0 && placed.run.orderId == "ord_1" && placed.run.error == nil)
        #expect(placed.event.type == .subscriptionRan)
        #expect(s.period == 1 && s.nextRunAt == Self.start + 7 * 86400)
        let failed = s.completePeriod(orderId: nil, failure: .conflict("out of TENT-2P"), at: Self.start)
        #expect(failed.run.period == 1 && failed.run.orderId == nil && failed.run.error == "conflict: out of TENT-2P")
        #expect(failed.event.type == .subscriptionRunFailed)
        #expect(s.period == 2, "a failed period is not retried: the next one follows on schedule")
    }
}
