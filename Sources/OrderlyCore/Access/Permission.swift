/// Everything a caller can ask to do, with the scope it touches. Handlers name the action;
/// `Principal.authorize` is the one place that decides.
public enum Action: Sendable, Equatable {
    /// Read locations, products and channels (the catalogue every integration needs).
    case readCatalog
    /// Create or change locations, products and channels.
    case manageCatalog
    /// Read stock levels and the ledger, optionally at one location.
    case readInventory(LocationID?)
    /// Count or adjust stock at a location.
    case changeInventory(LocationID)
    /// Import a whole inventory snapshot (many locations at once).
    case importInventory
    /// Create or receive incoming supply.
    case manageSupply
    /// Ask what a channel can sell.
    case readAvailability(ChannelID)
    /// Hold or release checkout stock for a channel.
    case reserve(ChannelID)
    /// Read the global event feed.
    case readEvents
    /// Create, list and revoke API keys.
    case manageKeys
}

extension Principal {
    /// Whether this caller may perform `action`.
    public func may(_ action: Action) -> Bool {
        switch role {
        case .admin:
            return true
        case .service:
            switch action {
            case .readCatalog, .readInventory, .readAvailability, .readEvents: return true
            case .manageCatalog, .changeInventory, .importInventory, .manageSupply, .reserve, .manageKeys: return false
            }
        case .channel:
            switch action {
            case .readCatalog: return true
            case .readAvailability(let channel), .reserve(let channel): return channel == self.channel
            default: return false
            }
        case .store:
            switch action {
            case .readCatalog: return true
            case .readInventory(let location):
                return location.map(locations.contains) ?? false
            case .changeInventory(let location): return locations.contains(location)
            default: return false
            }
        }
    }

    /// Throws `forbidden` unless this caller may perform `action`.
    public func authorize(_ action: Action) throws(OrderlyError) {
        guard may(action) else {
            throw OrderlyError(.forbidden, "The \(role.rawValue) key '\(name)' may not do this")
        }
    }
}
