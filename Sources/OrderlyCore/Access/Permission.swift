/// Everything a caller can ask to do, with the scope it touches. Handlers name the action;
/// `Principal.authorize` is the one place that decides.
public enum Action: Sendable, Equatable {
    /// Read locations, products and channels (the catalogue every integration needs).
    case readCatalog
    /// Create or change locations, products and channels.
    case manageCatalog
    /// Read stock levels and the ledger, optionally at one location.
    case readInventory(LocationID?)
    /// See which other stores have a sku available now (not their levels or ledger), to send
    /// a customer there.
    case findStockNearby
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
    /// Add people to the back office, change their role and stores, disable them, issue
    /// password-reset links.
    case manageStaff
    /// Create, list and delete webhook subscriptions; read and redeliver their deliveries.
    case manageWebhooks
    /// Send an order for a channel.
    case placeOrder(ChannelID)
    /// Read an order of a channel (or search orders: `nil` means across channels).
    case readOrders(ChannelID?)
    /// Find an order at a counter by what the customer shows (`OrderLookup`: exact, never a
    /// browse) and read the order found, to take units back or hand them over.
    case findOrderAtCounter
    /// Cancel, hold, release, annotate or re-address an order of a channel.
    case changeOrder(ChannelID)
    /// Read customer profiles.
    case readCustomers
    /// Edit, tag and merge customer profiles.
    case changeCustomers
    /// Erase a person's data (a GDPR request): admin only, it cannot be undone.
    case eraseCustomers
    /// Read fulfillment orders, optionally at one location.
    case readFulfillment(LocationID?)
    /// Accept, ship, hand over or reject a location's fulfillment orders.
    case fulfil(LocationID)
    /// Open or receive a return at a location.
    case handleReturn(LocationID)
    /// Sell at a store's counter (`CounterSale`): the associate rings up and the customer
    /// leaves with the units, paid at the till.
    case sellAtCounter(LocationID)
    /// Confirm that a refund was paid (the payment integration).
    case confirmRefund
    /// Record a payment transaction on an order of a channel: the channel's payment
    /// integration, or service staff recording a manual capture or refund with a reason.
    case recordPayment(ChannelID)
    /// Create or change a channel's subscriptions.
    case manageSubscriptions(ChannelID)
    /// Run due subscriptions now (operators and tests).
    case runScheduler
}

extension Principal {
    /// Whether this caller may perform `action`.
    public func may(_ action: Action) -> Bool {
        switch role {
        case .admin:
            return true
        case .service:
            switch action {
            case .readCatalog, .readInventory, .findStockNearby, .readAvailability, .readEvents, .readOrders, .findOrderAtCounter, .changeOrder,
                .readCustomers,
                .changeCustomers, .readFulfillment, .handleReturn, .recordPayment:
                return true
            // Phone orders: service enters an order on any channel.
            case .manageSubscriptions, .placeOrder: return true
            case .manageCatalog, .changeInventory, .importInventory, .manageSupply, .reserve, .manageKeys, .manageWebhooks, .fulfil, .sellAtCounter,
                .eraseCustomers, .manageStaff,
                .confirmRefund, .runScheduler:
                return false
            }
        case .channel:
            switch action {
            case .readCatalog: return true
            case .readAvailability(let channel), .reserve(let channel), .placeOrder(let channel), .changeOrder(let channel),
                .manageSubscriptions(let channel), .recordPayment(let channel):
                return channel == self.channel
            case .readOrders(let channel): return channel != nil && channel == self.channel
            default: return false
            }
        case .store:
            switch action {
            case .readCatalog, .findOrderAtCounter, .findStockNearby: return true
            case .readInventory(let location):
                return location.map(locations.contains) ?? false
            case .changeInventory(let location): return locations.contains(location)
            case .readFulfillment(let location): return location.map(locations.contains) ?? false
            case .fulfil(let location), .handleReturn(let location), .sellAtCounter(let location): return locations.contains(location)
            default: return false
            }
        }
    }

    /// The locations a list of fulfillment orders covers for this caller: the one `asked` for
    /// (when it may read it); asked for none, a store key's own locations — its own work, not a
    /// refusal — and nil (every location) for the roles that read them all.
    public func fulfillmentListing(_ asked: LocationID?) throws(OrderlyError) -> [LocationID]? {
        if let asked {
            try authorize(.readFulfillment(asked))
            return [asked]
        }
        if role == .store { return locations }
        try authorize(.readFulfillment(nil))
        return nil
    }

    /// How this caller lists orders: a store looks up the order of the customer at its counter
    /// by `q` alone (exact, `OrderLookup`); a channel key browses its own channel's; service and
    /// admin browse every channel's, or the one `channel` names. `filtered` says whether any
    /// other filter (status, customer, sku, dates, a cursor) was given.
    public func orderListing(q: String?, channel: ChannelID?, filtered: Bool) throws(OrderlyError) -> OrderListing {
        guard role == .store else {
            let scope = channel ?? (role == .channel ? self.channel : nil)
            try authorize(.readOrders(scope))
            return .browse(scope)
        }
        try authorize(.findOrderAtCounter)
        guard channel == nil, !filtered else {
            throw OrderlyError(
                .forbidden,
                "The store key '\(name)' finds an order by q alone (its number, external id, or the customer's email or phone); it cannot browse orders"
            )
        }
        return .counter(try OrderLookup(q ?? ""))
    }

    /// Whether this caller enters orders for customers (by phone) on any channel: the back
    /// office's order entry. A channel key places only its own channel's orders.
    public var entersOrders: Bool { role == .admin || role == .service }

    /// Taking units back at a location's counter: finding the customer's order there and
    /// handling returns at that location.
    public func mayTakeBack(at location: LocationID) -> Bool {
        may(.handleReturn(location)) && may(.findOrderAtCounter)
    }

    /// Throws unless this caller may take units back at `location` (`mayTakeBack`); a location
    /// outside a store key's own is answered as not found.
    public func authorizeTakeBack(at location: LocationID) throws(OrderlyError) {
        try authorize(.handleReturn(location), on: "Location", location, seenWith: .readFulfillment(location))
        try authorize(.findOrderAtCounter)
    }

    /// What reading one order of `channel` asks of this caller: a store reads the order a
    /// customer showed at its counter (its id comes from a look-up or the store's own work).
    public func readingOrder(_ channel: ChannelID) -> Action {
        role == .store ? .findOrderAtCounter : .readOrders(channel)
    }

    /// Throws `forbidden` unless this caller may perform `action`.
    public func authorize(_ action: Action) throws(OrderlyError) {
        guard may(action) else {
            throw OrderlyError(.forbidden, "The \(role.rawValue) key '\(name)' may not do this")
        }
    }

    /// Throws unless this caller may see one resource (with `read`) and then do `action` to it.
    /// A resource outside the key's own channel or locations is answered as not found, so a
    /// key never learns what exists elsewhere; a role that may never do the operation at all
    /// is refused with `forbidden`.
    public func authorize(
        _ action: Action, on resource: String, _ id: some CustomStringConvertible, seenWith read: Action
    ) throws(OrderlyError) {
        if !may(read) && worksOnOwnScope(read) { throw OrderlyError.notFound(resource, id) }
        try authorize(read)
        try authorize(action)
    }

    /// Whether the role does this kind of action within its own channel or locations (so that
    /// refusing it elsewhere is a matter of scope, not of role).
    func worksOnOwnScope(_ action: Action) -> Bool {
        switch (role, action) {
        case (.channel, .readOrders), (.channel, .changeOrder), (.channel, .placeOrder), (.channel, .reserve), (.channel, .readAvailability),
            (.channel, .manageSubscriptions), (.channel, .recordPayment):
            return true
        case (.store, .readInventory), (.store, .changeInventory), (.store, .readFulfillment), (.store, .fulfil), (.store, .handleReturn),
            (.store, .sellAtCounter):
            return true
        default:
            return false
        }
    }
}
