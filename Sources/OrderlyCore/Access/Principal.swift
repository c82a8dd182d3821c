/// Who is calling: an API key's identity and the scope its role grants.
public struct Principal: Sendable, Equatable {
    /// The roles of DESIGN.md §4. A role bounds what a key may ever do; the key's channel or
    /// locations bound where.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Everything, including keys and configuration.
        case admin
        /// One sales channel: its orders, availability and reservations.
        case channel
        /// Some locations: their fulfillment orders, pickups, returns and inventory counts.
        case store
        /// Customer service: read everything; cancel, hold, notes, address, returns.
        case service
    }

    public var keyId: APIKeyID
    /// The key's name, recorded on every event the key causes (the audit trail).
    public var name: String
    public var role: Role
    public var channel: ChannelID?
    public var locations: [LocationID]

    public init(keyId: APIKeyID, name: String, role: Role, channel: ChannelID? = nil, locations: [LocationID] = []) {
        self.keyId = keyId
        self.name = name
        self.role = role
        self.channel = channel
        self.locations = locations
    }

    /// A key's scope must fit its role: a channel key names one channel, a store key at least one location.
    public static func validateScope(role: Role, channel: ChannelID?, locations: [LocationID]) throws(OrderlyError) {
        var v = Validator()
        switch role {
        case .channel:
            v.check(channel != nil, "channel", "is required for a channel key")
            v.check(locations.isEmpty, "locationIds", "is only for store keys")
        case .store:
            v.check(!locations.isEmpty, "locationIds", "must name at least one location for a store key")
            v.check(channel == nil, "channel", "is only for channel keys")
        case .admin, .service:
            v.check(channel == nil, "channel", "is only for channel keys")
            v.check(locations.isEmpty, "locationIds", "is only for store keys")
        }
        try v.validate()
    }
}
