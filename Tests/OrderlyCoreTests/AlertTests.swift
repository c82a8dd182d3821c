import Foundation
import OrderlyCore
import Testing

/// Which open work is late (`Alerts.due`), without a database.
@Suite("Alerts")
struct AlertTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    func fo(
        _ id: String, at location: LocationID, _ status: FulfillmentOrder.Status, hoursAgo: Double, readyHoursAgo: Double? = nil
    )
        -> Alerts.OpenFulfillment
    {
        Alerts.OpenFulfillment(
            id: FulfillmentOrderID(id), orderId: "ord_1", orderNumber: "ORD-1", channel: "web", location: location, status: status,
            createdAt: Self.now.addingTimeInterval(-hoursAgo * 3600), readyAt: readyHoursAgo.map { Self.now.addingTimeInterval(-$0 * 3600) })
    }

    @Test func aLocationsThresholdComesBeforeItsChannelsBeforeTheStandard() {
        let open = [fo("fo_dc", at: "DC", .open, hoursAgo: 5), fo("fo_st", at: "ST", .open, hoursAgo: 5), fo("fo_x", at: "X", .open, hoursAgo: 3)]
        #expect(
            Alerts.due(fulfillment: open, waiting: [], channels: [:], locations: [:], now: Self.now).map(\.key) == [
                "not_accepted:fo_dc", "not_accepted:fo_st",
            ])
        let alerts = Alerts.due(
            fulfillment: open, waiting: [], channels: ["web": AlertThresholds(acceptWithinHours: 2)],
            locations: ["ST": AlertThresholds(acceptWithinHours: 8)], now: Self.now)
        #expect(alerts.map(\.key) == ["not_accepted:fo_dc", "not_accepted:fo_x"], "the channel's 2 h, except at ST (8 h)")
        #expect(alerts.first?.dueAt == Self.now.addingTimeInterval(-3 * 3600) && alerts.first?.detail == "open 5 h at DC, not accepted (2 h allowed)")
    }

    @Test func pickupsCountFromWhenTheyWereReady() {
        let ready = [
            fo("fo_1", at: "ST", .readyForPickup, hoursAgo: 100, readyHoursAgo: 71),
            fo("fo_2", at: "ST", .readyForPickup, hoursAgo: 100, readyHoursAgo: 73),
        ]
        let alerts = Alerts.due(fulfillment: ready, waiting: [], channels: [:], locations: [:], now: Self.now)
        #expect(alerts.map(\.key) == ["not_collected:fo_2"] && alerts.first?.detail == "ready at ST for 3 d 1 h, not collected (3 d allowed)")
        #expect(
            Alerts.due(fulfillment: [fo("fo_3", at: "ST", .accepted, hoursAgo: 500)], waiting: [], channels: [:], locations: [:], now: Self.now)
                .isEmpty)
    }

    @Test func waitingUnitsAreLatePastTheirPromiseOrAfterDaysWithoutOne() {
        func line(_ n: Int, placedDaysAgo: Double, promisedHoursAgo: Double?) -> Alerts.WaitingLine {
            Alerts.WaitingLine(
                orderId: "ord_1", orderNumber: "ORD-1", channel: "web", line: n, sku: "A", waiting: 2,
                placedAt: Self.now.addingTimeInterval(-placedDaysAgo * 86_400),
                promisedBy: promisedHoursAgo.map { Self.now.addingTimeInterval(-$0 * 3600) })
        }
        let waiting = [
            line(1, placedDaysAgo: 1, promisedHoursAgo: 1), line(2, placedDaysAgo: 1, promisedHoursAgo: -1),
            line(3, placedDaysAgo: 8, promisedHoursAgo: nil), line(4, placedDaysAgo: 6, promisedHoursAgo: nil),
        ]
        #expect(
            Alerts.due(fulfillment: [], waiting: waiting, channels: [:], locations: [:], now: Self.now).map(\.key) == [
                "waiting_beyond_promise:ord_1:3", "waiting_beyond_promise:ord_1:1",
            ])
        let lenient = Alerts.due(
            fulfillment: [], waiting: waiting, channels: ["web": AlertThresholds(waitBeyondPromiseHours: 24, waitWithoutPromiseDays: 10)],
            locations: [:], now: Self.now)
        #expect(lenient.isEmpty)
    }

    @Test func thresholdsOutOfRangeAreNamed() {
        var v = Validator()
        AlertThresholds(acceptWithinHours: 0, collectWithinDays: 366, waitBeyondPromiseHours: 0, waitWithoutPromiseDays: 7).validate(
            into: &v, prefix: "alerts")
        #expect(throws: OrderlyError.self) { try v.validate() }
        #expect(
            AlertThresholds(collectWithinDays: 5).over(.standard)
                == AlertThresholds(acceptWithinHours: 4, collectWithinDays: 5, waitBeyondPromiseHours: 0, waitWithoutPromiseDays: 7))
    }
}
