import Foundation

/// A checkout hold: stock reserved for a channel's shopper until the order is placed,
/// the hold is released, or it expires.
public struct Reservation: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active, released, expired, consumed
    }

    public struct Line: Sendable, Equatable {
        public var sku: SKU
        public var locationId: LocationID
        public var quantity: Int64
        public init(sku: SKU, locationId: LocationID, quantity: Int64) {
            self.sku = sku
            self.locationId = locationId
            self.quantity = quantity
        }
    }

    public var id: ReservationID
    public var channel: ChannelID
    public var status: Status
    public var lines: [Line]
    public var expiresAt: Date
    public var createdAt: Date

    public init(
        id: ReservationID, channel: ChannelID, status: Status, lines: [Line], expiresAt: Date, createdAt: Date
    ) {
        self.id = id
        self.channel = channel
        self.status = status
        self.lines = lines
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }

    public static let defaultTTLSeconds = 900
    public static let maxTTLSeconds = 7 * 24 * 3600

    /// Checks a reservation request before any stock is read.
    public static func validateRequest(lines: [ReservationPlanner.Line], ttlSeconds: Int) throws(OrderlyError) {
        var v = Validator()
        v.check(!lines.isEmpty, "lines", "must hold at least one line")
        v.check(lines.count <= 500, "lines", "may hold at most 500 lines")
        for (i, line) in lines.enumerated() {
            v.identifier(line.sku.rawValue, "lines[\(i)].sku")
            v.quantity(line.quantity, "lines[\(i)].quantity")
            if let location = line.locationId { v.identifier(location.rawValue, "lines[\(i)].locationId") }
        }
        v.check(
            (1...maxTTLSeconds).contains(ttlSeconds), "ttlSeconds", "must be between 1 and \(maxTTLSeconds)")
        try v.validate()
    }
}
