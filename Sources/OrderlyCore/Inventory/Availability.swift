import Foundation

/// What a channel can sell of one sku: its network ATP, the share of each location, and the
/// supply on its way.
public struct SkuAvailability: Sendable, Equatable {
    public struct AtLocation: Sendable, Equatable {
        public var locationId: LocationID
        public var available: Int64
        public var pickup: Bool
        public var distanceKm: Double?
    }

    public struct Incoming: Sendable, Equatable {
        public var locationId: LocationID
        public var quantity: Int64
        public var expectedAt: Date
        public init(locationId: LocationID, quantity: Int64, expectedAt: Date) {
            self.locationId = locationId
            self.quantity = quantity
            self.expectedAt = expectedAt
        }
    }

    public var sku: SKU
    public var available: Int64
    public var locations: [AtLocation]
    public var incoming: [Incoming]
}

extension Channel {
    /// Whether stock at `location` counts for this channel: an active location in its pool
    /// that can ship (stores only when the channel ships from stores) or hand over pickups.
    public func sells(from location: Location) -> Bool {
        guard location.active, pools(location.id) else { return false }
        let ships = location.capabilities.ship && (location.kind != .store || routing.shipFromStore)
        return ships || location.capabilities.pickup
    }
}

/// Channel availability arithmetic: the one place that sums location ATP into network ATP.
public enum AvailabilityCalculator {
    /// Availability of each sku in `skus` (in that order) for `channel`. Locations are ordered
    /// nearest first when `origin` is given, else by priority then id; with `locationLimit`
    /// only the first that many are listed, while `available` is still the whole network's.
    public static func compute(
        channel: Channel, skus: [SKU], levels: [InventoryLevel], locations: [LocationID: Location],
        incoming: [SKU: [SkuAvailability.Incoming]], origin: Coordinates?, locationLimit: Int? = nil
    ) -> [SkuAvailability] {
        // Where and in which order a sku is shown depends on the location only: order the
        // locations the channel sells from once (nearest, then priority, then id), not per sku.
        let ordered = locations.values.filter(channel.sells(from:)).map { location in
            (location, origin.flatMap { o in location.coordinates.map { (o.distanceKm(to: $0) * 10).rounded() / 10 } })
        }.sorted { a, b in
            if let da = a.1, let db = b.1, da != db { return da < db }
            if a.0.priority != b.0.priority { return a.0.priority < b.0.priority }
            return a.0.id < b.0.id
        }
        var bySku: [SKU: [LocationID: Int64]] = [:]
        for level in levels { bySku[level.sku, default: [:]][level.locationId] = level.available }
        return skus.map { sku in
            let stock = bySku[sku] ?? [:]
            let atLocations =
                stock.isEmpty
                ? []
                : ordered.compactMap { location, distance in
                    stock[location.id].map {
                        SkuAvailability.AtLocation(locationId: location.id, available: $0, pickup: location.capabilities.pickup, distanceKm: distance)
                    }
                }
            let pooledIncoming = (incoming[sku] ?? []).filter { supply in
                locations[supply.locationId].map(channel.sells(from:)) ?? false
            }.sorted { ($0.expectedAt, $0.locationId) < ($1.expectedAt, $1.locationId) }
            return SkuAvailability(
                sku: sku, available: atLocations.reduce(0) { $0 + $1.available },
                locations: locationLimit.map { Array(atLocations.prefix($0)) } ?? atLocations, incoming: pooledIncoming)
        }
    }
}
