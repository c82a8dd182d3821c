import Foundation

/// When work left undone becomes something a person must look at: a fulfillment order not
/// accepted within hours, a pickup not collected within days, units waiting for stock beyond
/// their promise. Set on a location (its fulfillment orders) and on a channel (its orders);
/// what neither sets, `standard` decides.
public struct AlertThresholds: Sendable, Equatable, Codable {
    /// A fulfillment order still open (not accepted) this many hours after it was created.
    public var acceptWithinHours: Int?
    /// A pickup ready this many days and not collected.
    public var collectWithinDays: Int?
    /// Units waiting for stock: this many hours past the date incoming supply promised them,
    /// or, with no promise, this many days after the order was placed (`waitWithoutPromiseDays`).
    public var waitBeyondPromiseHours: Int?
    public var waitWithoutPromiseDays: Int?

    public init(acceptWithinHours: Int? = nil, collectWithinDays: Int? = nil, waitBeyondPromiseHours: Int? = nil, waitWithoutPromiseDays: Int? = nil)
    {
        self.acceptWithinHours = acceptWithinHours
        self.collectWithinDays = collectWithinDays
        self.waitBeyondPromiseHours = waitBeyondPromiseHours
        self.waitWithoutPromiseDays = waitWithoutPromiseDays
    }

    /// Four hours to accept, three days to collect, a promise kept to the hour, a week without one.
    public static let standard = AlertThresholds(acceptWithinHours: 4, collectWithinDays: 3, waitBeyondPromiseHours: 0, waitWithoutPromiseDays: 7)

    /// These thresholds, each one not set taken from `fallback`.
    public func over(_ fallback: AlertThresholds) -> AlertThresholds {
        AlertThresholds(
            acceptWithinHours: acceptWithinHours ?? fallback.acceptWithinHours, collectWithinDays: collectWithinDays ?? fallback.collectWithinDays,
            waitBeyondPromiseHours: waitBeyondPromiseHours ?? fallback.waitBeyondPromiseHours,
            waitWithoutPromiseDays: waitWithoutPromiseDays ?? fallback.waitWithoutPromiseDays)
    }

    public func validate(into v: inout Validator, prefix: String) {
        let fields: [(String, Int?, ClosedRange<Int>)] = [
            ("acceptWithinHours", acceptWithinHours, 1...8760), ("collectWithinDays", collectWithinDays, 1...365),
            ("waitBeyondPromiseHours", waitBeyondPromiseHours, 0...8760), ("waitWithoutPromiseDays", waitWithoutPromiseDays, 1...365),
        ]
        for (name, value, range) in fields {
            if let value { v.check(range.contains(value), "\(prefix).\(name)", "must be between \(range.lowerBound) and \(range.upperBound)") }
        }
    }
}

/// Something late, for the dashboard, the store page and webhooks (`alert.raised`, once each).
public struct Alert: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case notAccepted = "not_accepted"
        case notCollected = "not_collected"
        case waitingBeyondPromise = "waiting_beyond_promise"
    }
    public var kind: Kind
    public var orderId: OrderID
    public var orderNumber: String
    public var channel: ChannelID
    public var fulfillmentOrderId: FulfillmentOrderID?
    public var locationId: LocationID?
    /// The waiting line, for `waitingBeyondPromise`.
    public var line: Int?
    /// When it became late.
    public var dueAt: Date
    /// What is late, for people: "open 6 h, not accepted (4 h allowed)".
    public var detail: String

    /// Names it once: an alert is raised (`alert.raised`) once per key.
    public var key: String {
        switch kind {
        case .notAccepted, .notCollected: "\(kind.rawValue):\(fulfillmentOrderId?.rawValue ?? orderId.rawValue)"
        case .waitingBeyondPromise: "\(kind.rawValue):\(orderId.rawValue):\(line ?? 0)"
        }
    }
}

/// Which of the open work is late now (`Alert`), decided from what the store read.
public enum Alerts {
    /// A fulfillment order still open, or ready and not collected.
    public struct OpenFulfillment: Sendable, Equatable {
        public var id: FulfillmentOrderID
        public var orderId: OrderID
        public var orderNumber: String
        public var channel: ChannelID
        public var location: LocationID
        public var status: FulfillmentOrder.Status
        public var createdAt: Date
        public var readyAt: Date?
        public init(
            id: FulfillmentOrderID, orderId: OrderID, orderNumber: String, channel: ChannelID, location: LocationID, status: FulfillmentOrder.Status,
            createdAt: Date, readyAt: Date?
        ) {
            self.id = id
            self.orderId = orderId
            self.orderNumber = orderNumber
            self.channel = channel
            self.location = location
            self.status = status
            self.createdAt = createdAt
            self.readyAt = readyAt
        }
    }

    /// An order line with units waiting for stock, and the latest date supply promised them.
    public struct WaitingLine: Sendable, Equatable {
        public var orderId: OrderID
        public var orderNumber: String
        public var channel: ChannelID
        public var line: Int
        public var sku: SKU
        public var waiting: Int64
        public var placedAt: Date
        public var promisedBy: Date?
        public init(
            orderId: OrderID, orderNumber: String, channel: ChannelID, line: Int, sku: SKU, waiting: Int64, placedAt: Date, promisedBy: Date?
        ) {
            self.orderId = orderId
            self.orderNumber = orderNumber
            self.channel = channel
            self.line = line
            self.sku = sku
            self.waiting = waiting
            self.placedAt = placedAt
            self.promisedBy = promisedBy
        }
    }

    /// The alerts due at `now`, oldest first. A fulfillment order's thresholds are its
    /// location's, then its channel's, then the standard ones; a waiting line's its channel's.
    public static func due(
        fulfillment: [OpenFulfillment], waiting: [WaitingLine], channels: [ChannelID: AlertThresholds],
        locations: [LocationID: AlertThresholds], now: Date
    ) -> [Alert] {
        func thresholds(_ channel: ChannelID, _ location: LocationID?) -> AlertThresholds {
            let forChannel = (channels[channel] ?? AlertThresholds()).over(.standard)
            return location.flatMap { locations[$0] }.map { $0.over(forChannel) } ?? forChannel
        }
        var alerts: [Alert] = []
        for fo in fulfillment {
            let limits = thresholds(fo.channel, fo.location)
            var alert = Alert(
                kind: .notAccepted, orderId: fo.orderId, orderNumber: fo.orderNumber, channel: fo.channel, fulfillmentOrderId: fo.id,
                locationId: fo.location, dueAt: now, detail: "")
            switch fo.status {
            case .open:
                guard let hours = limits.acceptWithinHours else { continue }
                alert.dueAt = fo.createdAt.addingTimeInterval(Double(hours) * 3600)
                alert.detail = "open \(Self.span(now.timeIntervalSince(fo.createdAt))) at \(fo.location), not accepted (\(hours) h allowed)"
            case .readyForPickup:
                guard let days = limits.collectWithinDays, let ready = fo.readyAt else { continue }
                alert.kind = .notCollected
                alert.dueAt = ready.addingTimeInterval(Double(days) * 86_400)
                alert.detail = "ready at \(fo.location) for \(Self.span(now.timeIntervalSince(ready))), not collected (\(days) d allowed)"
            default:
                continue
            }
            if alert.dueAt <= now { alerts.append(alert) }
        }
        for line in waiting where line.waiting > 0 {
            let limits = thresholds(line.channel, nil)
            var alert = Alert(
                kind: .waitingBeyondPromise, orderId: line.orderId, orderNumber: line.orderNumber, channel: line.channel, line: line.line,
                dueAt: now, detail: "")
            if let promised = line.promisedBy {
                guard let hours = limits.waitBeyondPromiseHours else { continue }
                alert.dueAt = promised.addingTimeInterval(Double(hours) * 3600)
                alert.detail = "\(line.waiting) × \(line.sku) still waiting for stock, promised by \(Self.day(promised))"
            } else {
                guard let days = limits.waitWithoutPromiseDays else { continue }
                alert.dueAt = line.placedAt.addingTimeInterval(Double(days) * 86_400)
                alert.detail =
                    "\(line.waiting) × \(line.sku) waiting for stock for \(Self.span(now.timeIntervalSince(line.placedAt))), no supply promised"
            }
            if alert.dueAt <= now { alerts.append(alert) }
        }
        return alerts.sorted { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }
    }

    /// `6 h`, `3 d 4 h`.
    static func span(_ seconds: TimeInterval) -> String {
        let hours = max(0, Int(seconds / 3600))
        return hours < 24 ? "\(hours) h" : "\(hours / 24) d" + (hours % 24 > 0 ? " \(hours % 24) h" : "")
    }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash))
    }
}
