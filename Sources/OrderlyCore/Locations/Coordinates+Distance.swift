import Foundation

extension Coordinates {
    /// Great-circle distance in kilometres (haversine formula, mean earth radius 6371 km).
    /// Good to a fraction of a percent, which is all routing needs to rank locations.
    public func distanceKm(to other: Coordinates) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians
        let dLon = (other.longitude - longitude) * radians
        let a =
            sin(dLat / 2) * sin(dLat / 2)
            + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}
