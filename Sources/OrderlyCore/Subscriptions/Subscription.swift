import Foundation

/// A server-assigned subscription id (`sub_…`).
public struct SubscriptionID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An ISO 8601 duration of whole units (`P1M`, `P2W`, `P7D`, `P1Y2M`; with `allowingTime`
/// also `PT48H`, `P1DT12H`), added with calendar arithmetic in UTC: 31 January + P1M is the
/// last day of February.
public struct ISODuration: Sendable, Equatable, CustomStringConvertible {
    public var years = 0
    public var months = 0
    public var weeks = 0
    public var days = 0
    public var hours = 0
    public var minutes = 0
    public var seconds = 0
    public let description: String

    /// `allowingTime`: hours, minutes and seconds may follow a `T` (a subscription runs on
    /// days, a payment timeout may be hours).
    public init?(_ text: String, allowingTime: Bool = false) {
        description = text
        var rest = Substring(text.uppercased())
        guard rest.hasPrefix("P"), rest.count > 1, !rest.hasSuffix("T") else { return nil }
        rest = rest.dropFirst()
        var number = ""
        var inTime = false
        for c in rest {
            if c.isNumber {
                number.append(c)
                continue
            }
            if c == "T" && allowingTime && !inTime && number.isEmpty {
                inTime = true
                continue
            }
            guard let n = Int(number), n > 0, n <= 100_000 else { return nil }
            number = ""
            switch (inTime, c) {
            case (false, "Y"): years = n
            case (false, "M"): months = n
            case (false, "W"): weeks = n
            case (false, "D"): days = n
            case (true, "H"): hours = n
            case (true, "M"): minutes = n
            case (true, "S"): seconds = n
            default: return nil
            }
        }
        guard number.isEmpty, years <= 1000, months <= 1000, weeks <= 1000, days <= 1000 else { return nil }
    }

    /// `start` plus `count` times this duration (computed from the start each time, so
    /// month-end dates never drift: 31 Jan, 28 Feb, 31 Mar…).
    public func advance(_ start: Date, times count: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        var components = DateComponents()
        components.year = years * count
        components.month = months * count
        components.day = (weeks * 7 + days) * count
        components.second = (hours * 3600 + minutes * 60 + seconds) * count
        return calendar.date(byAdding: components, to: start) ?? start
    }
}

/// A recurring order: every `interval` from `startAt`, an ordinary order of `lines` is placed
/// for the customer, exactly once per period.
public struct Subscription: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case active, paused, cancelled }

    public struct Line: Sendable, Equatable, Codable {
        public var sku: SKU
        public var quantity: Int64
        public var unitPrice: Int64
        public init(sku: SKU, quantity: Int64, unitPrice: Int64) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    /// The outcome of one period's run.
    public struct Run: Sendable, Equatable {
        public var period: Int
        public var orderId: OrderID?
        public var error: String?
        public var at: Date
        public init(period: Int, orderId: OrderID?, error: String?, at: Date) {
            self.period = period
            self.orderId = orderId
            self.error = error
            self.at = at
        }
    }

    public var id: SubscriptionID
    public var channel: ChannelID
    public var customer: CustomerDetails
    public var currency: CurrencyCode
    public var lines: [Line]
    public var shippingAddress: Address?
    public var coordinates: Coordinates?
    public var interval: ISODuration
    public var startAt: Date
    /// The next period to run (0 is the first run). Periods only ever count up, so every
    /// period's order keeps its own externalId even when the schedule moves.
    public var period: Int
    /// The period that falls on `startAt`; moving the next run re-anchors the schedule there.
    public var anchorPeriod: Int = 0
    public var status: Status
    public var runs: [Run]

    public init(
        id: SubscriptionID, channel: ChannelID, customer: CustomerDetails, currency: CurrencyCode, lines: [Line], shippingAddress: Address?,
        coordinates: Coordinates?, interval: ISODuration, startAt: Date, period: Int = 0, status: Status = .active, runs: [Run] = []
    ) {
        self.id = id
        self.channel = channel
        self.customer = customer
        self.currency = currency
        self.lines = lines
        self.shippingAddress = shippingAddress
        self.coordinates = coordinates
        self.interval = interval
        self.startAt = startAt
        self.period = period
        self.status = status
        self.runs = runs
    }

    /// When the next period is due.
    public var nextRunAt: Date { interval.advance(startAt, times: period - anchorPeriod) }

    /// Moves the next run to `date`; later runs follow every `interval` from there.
    public mutating func reschedule(nextRunAt date: Date) {
        startAt = date
        anchorPeriod = period
    }

    /// The order a period places: an ordinary order whose externalId is derived from the
    /// subscription and the period, so that no period can ever produce two orders.
    public func draft(period: Int) -> OrderDraft {
        OrderDraft(
            channel: channel, externalId: "sub:\(id):\(period)", customer: customer, currency: currency, shippingAddress: shippingAddress,
            coordinates: coordinates, lines: lines.map { .init(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice) },
            tags: ["subscription"], note: "Subscription \(id), period \(period + 1)")
    }

    /// Checks a subscription as a template: the order it would place must be valid.
    public func validate() throws(OrderlyError) {
        _ = try draft(period: 0).validate()
    }
}

extension Subscription {
    /// Whether the next period should run by `asOf`: active and due.
    public func isDue(asOf: Date) -> Bool { status == .active && nextRunAt <= asOf }

    /// Records a period that ran — the order it placed, or why it could not (`failure`) — and
    /// moves on to the next period, which keeps every period's order unique. Returns the run
    /// and its event (`subscription.ran` or `subscription.run_failed`).
    public mutating func completePeriod(orderId: OrderID?, failure: OrderlyError?, at now: Date) -> (run: Run, event: DomainEvent) {
        let run = Run(period: period, orderId: failure == nil ? orderId : nil, error: failure.map { "\($0.code): \($0.detail)" }, at: now)
        period += 1
        return (run, .subscriptionRan(id, run))
    }
}
