/// A place that holds stock and fulfils orders: a warehouse, a store or a drop-ship supplier.
public struct Location: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case warehouse, store, supplier
    }

    /// What a location can do for an order.
    public struct Capabilities: Sendable, Equatable, Codable {
        public var ship: Bool
        public var pickup: Bool
        public var returns: Bool
        public init(ship: Bool, pickup: Bool, returns: Bool) {
            self.ship = ship
            self.pickup = pickup
            self.returns = returns
        }

        /// Sensible defaults per kind: warehouses ship, stores do everything, suppliers ship.
        public static func defaults(for kind: Kind) -> Capabilities {
            switch kind {
            case .warehouse: Capabilities(ship: true, pickup: false, returns: true)
            case .store: Capabilities(ship: true, pickup: true, returns: true)
            case .supplier: Capabilities(ship: true, pickup: false, returns: false)
            }
        }
    }

    public var id: LocationID
    public var name: String
    public var kind: Kind
    public var address: Address?
    public var coordinates: Coordinates?
    public var capabilities: Capabilities
    /// Lower comes first when routing breaks a tie.
    public var priority: Int
    /// Fulfillment orders a day this location accepts; `nil` is unlimited.
    public var dailyCapacity: Int?
    public var active: Bool
    /// Tags conditions read (`location.tags`): `region-north`, `flagship`.
    public var tags: [String] = []
    /// When a store is open, as people write it ("Mon–Sat 9:00–18:00"): pickup messages say it.
    public var openingHours: String?
    /// When its late work raises an alert (`Alert`); what it leaves unset comes from elsewhere.
    public var alerts = AlertThresholds()

    public init(
        id: LocationID, name: String, kind: Kind, address: Address? = nil, coordinates: Coordinates? = nil,
        capabilities: Capabilities? = nil, priority: Int = 100, dailyCapacity: Int? = nil, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.address = address
        self.coordinates = coordinates
        self.capabilities = capabilities ?? .defaults(for: kind)
        self.priority = priority
        self.dailyCapacity = dailyCapacity
        self.active = active
    }

    /// Refuses a location that routing could not use sensibly.
    public func validate() throws(OrderlyError) {
        var v = Validator()
        v.identifier(id.rawValue, "id")
        v.text(name, "name")
        if let coordinates {
            v.check((-90...90).contains(coordinates.latitude), "latitude", "must be between -90 and 90")
            v.check((-180...180).contains(coordinates.longitude), "longitude", "must be between -180 and 180")
        }
        v.check((0...1_000_000).contains(priority), "priority", "must be between 0 and 1000000")
        if let dailyCapacity {
            v.check((0...1_000_000).contains(dailyCapacity), "dailyCapacity", "must be between 0 and 1000000")
        }
        address?.validate(into: &v, prefix: "address")
        v.tags(tags, "tags")
        if let openingHours { v.text(openingHours, "openingHours", max: 300) }
        alerts.validate(into: &v, prefix: "alerts")
        try v.validate()
    }
}

/// A postal address. Country is an ISO 3166-1 alpha-2 code.
public struct Address: Sendable, Equatable, Codable {
    public var name: String?
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var phone: String?

    public init(
        name: String? = nil, line1: String? = nil, line2: String? = nil, city: String? = nil,
        region: String? = nil, postalCode: String? = nil, country: String? = nil, phone: String? = nil
    ) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
        self.phone = phone
    }

    func validate(into v: inout Validator, prefix: String) {
        let fields: [(String, String?)] = [
            ("name", name), ("line1", line1), ("line2", line2), ("city", city), ("region", region),
            ("postalCode", postalCode), ("phone", phone),
        ]
        for (field, value) in fields {
            if let value, value.count > Limits.maxTextLength {
                v.add("\(prefix).\(field)", "must be at most \(Limits.maxTextLength) characters")
            }
        }
        if let country {
            let isCode = country.count == 2 && country.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
            v.check(isCode, "\(prefix).country", "must be an ISO 3166-1 alpha-2 code such as NL")
        }
    }
}

/// A point on earth in degrees (WGS 84).
public struct Coordinates: Sendable, Equatable, Codable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
