/// A sales channel: the web shop, a marketplace, a store's POS. Its location pool and
/// routing policy say which stock it may sell and how its orders are sourced.
public struct Channel: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case web, marketplace, pos, social, kiosk, other
    }

    public var id: ChannelID
    public var name: String
    public var kind: Kind
    /// Locations that may sell and fulfil for this channel; empty means all.
    public var locations: [LocationID]
    public var routing: RoutingPolicy
    public var holdRules: [HoldRule]
    public var payments = PaymentPolicy()
    /// The workflow its orders pass (`/v1/workflows`, active version); nil: its standard
    /// workflow, the hold rules and the payment gate as stages side by side (`Workflow.standard(for:)`).
    public var workflow: String?
    /// The language its customers are written to in (customer messages).
    public var language: Language = .en
    /// When its late work raises an alert (`Alert`); what it leaves unset comes from elsewhere.
    public var alerts = AlertThresholds()

    public init(
        id: ChannelID, name: String, kind: Kind, locations: [LocationID] = [], routing: RoutingPolicy = .init(),
        holdRules: [HoldRule] = [], payments: PaymentPolicy = .init()
    ) {
        self.payments = payments
        self.id = id
        self.name = name
        self.kind = kind
        self.locations = locations
        self.routing = routing
        self.holdRules = holdRules
    }

    /// Whether `location` belongs to this channel's pool.
    public func pools(_ location: LocationID) -> Bool {
        locations.isEmpty || locations.contains(location)
    }

    public func validate() throws(OrderlyError) {
        var v = Validator()
        v.identifier(id.rawValue, "id")
        v.text(name, "name")
        v.check(locations.count <= 10_000, "locations", "may list at most 10000 locations")
        v.check(Set(locations).count == locations.count, "locations", "must not list a location twice")
        for (i, location) in locations.enumerated() { v.identifier(location.rawValue, "locations[\(i)]") }
        if let maxSplits = routing.maxSplits {
            v.check((1...100).contains(maxSplits), "routing.maxSplits", "must be between 1 and 100")
        }
        v.check(
            Set(routing.criteria).count == routing.criteria.count, "routing.criteria", "must not repeat a criterion")
        alerts.validate(into: &v, prefix: "alerts")
        for (i, rule) in holdRules.enumerated() {
            v.text(rule.name, "holdRules[\(i)].name", max: 100)
            if let minTotal = rule.minTotal { v.check(minTotal >= 0, "holdRules[\(i)].minTotal", "must not be negative") }
        }
        try v.validate()
    }
}

/// How a channel's orders are sourced. Data, stored with the channel, not code.
public struct RoutingPolicy: Sendable, Equatable, Codable {
    /// What to do when the pool cannot fill an order.
    public enum ShortagePolicy: String, Sendable, Codable, CaseIterable {
        /// Refuse the order (409), reserving nothing: for channels that call at checkout.
        case reject
        /// Promise the short quantity against incoming supply, else leave it awaiting stock.
        case backorder
        /// Allocate what exists; the rest awaits stock.
        case partial
    }

    /// The tie-breaks routing applies, in order.
    public enum Criterion: String, Sendable, Codable, CaseIterable {
        case fewestLocations, distance, priority
    }

    public var shipFromStore: Bool
    public var onShortage: ShortagePolicy
    /// At most this many locations for one order's ship lines; `nil` is no cap.
    public var maxSplits: Int?
    public var criteria: [Criterion]
    /// The routing strategy its orders are routed by (`/v1/routing-strategies`, its active
    /// version); nil routes by this policy (`RoutingStrategy.standard(for:)`).
    public var strategy: String?

    public init(
        shipFromStore: Bool = true, onShortage: ShortagePolicy = .backorder, maxSplits: Int? = nil,
        criteria: [Criterion] = Criterion.allCases
    ) {
        self.shipFromStore = shipFromStore
        self.onShortage = onShortage
        self.maxSplits = maxSplits
        self.criteria = criteria
    }
}

/// A condition that puts a new order on hold for review. Every condition given must hold.
public struct HoldRule: Sendable, Equatable, Codable {
    public var name: String
    /// Order total in minor units at or above which the order is held.
    public var minTotal: Int64?
    /// Hold a customer's first order.
    public var firstOrder: Bool?
    /// Hold orders shipping to one of these countries (ISO 3166-1 alpha-2).
    public var countries: [String]?
    /// Hold orders shipping to one of these postal codes.
    public var postalCodes: [String]?
    /// Hold orders carrying one of these tags.
    public var tags: [String]?

    public init(
        name: String, minTotal: Int64? = nil, firstOrder: Bool? = nil, countries: [String]? = nil,
        postalCodes: [String]? = nil, tags: [String]? = nil
    ) {
        self.name = name
        self.minTotal = minTotal
        self.firstOrder = firstOrder
        self.countries = countries
        self.postalCodes = postalCodes
        self.tags = tags
    }
}
