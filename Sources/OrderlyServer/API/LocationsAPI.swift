import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listLocations(_ input: Operations.ListLocations.Input) async throws -> Operations.ListLocations.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        let page = try await stores.locations.list(
            after: input.query.cursor, limit: input.query.limit, type: input.query._type.flatMap { Location.Kind(rawValue: $0.rawValue) })
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Location.init), nextCursor: page.nextCursor))))
    }

    func createLocation(_ input: Operations.CreateLocation.Input) async throws -> Operations.CreateLocation.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let kind = Location.Kind(rawValue: body._type.rawValue) ?? .warehouse
        var location = Location(id: LocationID(body.id), name: body.name, kind: kind)
        try location.apply(
            address: body.address, latitude: body.latitude, longitude: body.longitude, capabilities: body.capabilities,
            priority: body.priority, dailyCapacity: body.dailyCapacity, active: body.active, tags: body.tags,
            openingHours: body.openingHours, alerts: body.alerts)
        let created = try await stores.locations.create(location, actor: Self.actor(caller))
        return .created(.init(body: .json(.init(created))))
    }

    func getLocation(_ input: Operations.GetLocation.Input) async throws -> Operations.GetLocation.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(try await stores.locations.get(LocationID(input.path.id))))))
    }

    func updateLocation(_ input: Operations.UpdateLocation.Input) async throws -> Operations.UpdateLocation.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let updated = try await stores.locations.update(LocationID(input.path.id), actor: Self.actor(caller)) { location in
            if let name = body.name { location.name = name }
            if let kind = body._type.flatMap({ Location.Kind(rawValue: $0.rawValue) }) { location.kind = kind }
            try location.apply(
                address: body.address, latitude: body.latitude, longitude: body.longitude, capabilities: body.capabilities,
                priority: body.priority, dailyCapacity: body.dailyCapacity, active: body.active, tags: body.tags,
                openingHours: body.openingHours, alerts: body.alerts)
        }
        return .ok(.init(body: .json(.init(updated))))
    }
}

extension Location {
    /// Applies the optional fields a create or patch body carries.
    mutating func apply(
        address: Components.Schemas.Address?, latitude: Double?, longitude: Double?, capabilities: Components.Schemas.Capabilities?,
        priority: Int?, dailyCapacity: Int?, active: Bool?, tags: [String]?, openingHours: String? = nil,
        alerts: Components.Schemas.AlertThresholds? = nil
    ) throws(OrderlyError) {
        if let address { self.address = Address(address) }
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): coordinates = Coordinates(latitude: latitude, longitude: longitude)
        case (nil, nil): break
        case (nil, _): throw OrderlyError.invalid("latitude", "is required with longitude")
        case (_, nil): throw OrderlyError.invalid("longitude", "is required with latitude")
        }
        if let capabilities {
            self.capabilities.ship = capabilities.ship ?? self.capabilities.ship
            self.capabilities.pickup = capabilities.pickup ?? self.capabilities.pickup
            self.capabilities.returns = capabilities.returns ?? self.capabilities.returns
        }
        if let priority { self.priority = priority }
        if let dailyCapacity { self.dailyCapacity = dailyCapacity }
        if let active { self.active = active }
        if let tags { self.tags = tags }
        if let openingHours { self.openingHours = openingHours.isEmpty ? nil : openingHours }
        if let alerts { self.alerts = AlertThresholds(alerts) }
    }
}

extension Address {
    init(_ a: Components.Schemas.Address) {
        self.init(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode,
            country: a.country, phone: a.phone)
    }
}

extension Components.Schemas.Address {
    init(_ a: Address) {
        self.init(
            name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode,
            country: a.country, phone: a.phone)
    }
}

extension Components.Schemas.Location {
    init(_ l: Location) {
        self.init(
            id: l.id.rawValue, name: l.name, _type: .init(rawValue: l.kind.rawValue) ?? .warehouse,
            address: l.address.map(Components.Schemas.Address.init),
            latitude: l.coordinates?.latitude, longitude: l.coordinates?.longitude,
            capabilities: .init(ship: l.capabilities.ship, pickup: l.capabilities.pickup, returns: l.capabilities.returns),
            priority: l.priority, dailyCapacity: l.dailyCapacity, active: l.active, tags: l.tags, openingHours: l.openingHours,
            alerts: .init(l.alerts))
    }
}
