/// "Where else is this in stock": for a customer at one store, the other stores that have a
/// sku now, nearest first (those without coordinates last, by name), saying whether the
/// customer can collect it there — the 71% who look it up on a phone in the aisle.
public enum StockNearby {
    public struct Place: Sendable, Equatable {
        public var location: Location
        public var available: Int64
        /// Straight-line distance from the asking store; nil when either has no coordinates.
        public var distanceKm: Double?
        /// The store hands orders over at its counter (click and collect).
        public var takesPickups: Bool { location.capabilities.pickup }
    }

    /// The active stores other than `here` with units of the sku available (`available` by
    /// location), nearest first.
    public static func rank(available: [LocationID: Int64], locations: [Location], from here: Location) -> [Place] {
        locations.compactMap { location -> Place? in
            guard location.id != here.id, location.kind == .store, location.active, let units = available[location.id], units > 0 else { return nil }
            let distance = here.coordinates.flatMap { from in location.coordinates.map { from.distanceKm(to: $0) } }
            return Place(location: location, available: units, distanceKm: distance)
        }.sorted { a, b in
            switch (a.distanceKm, b.distanceKm) {
            case let (x?, y?): return (x, a.location.id.rawValue) < (y, b.location.id.rawValue)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.location.name < b.location.name
            }
        }
    }
}
