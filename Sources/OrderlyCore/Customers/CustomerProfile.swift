/// One customer across channels: found by email (case-insensitive), else by phone, when an
/// order is placed; edited and tagged by service staff; merged when one person has two.
public struct CustomerProfile: Sendable, Equatable {
    public var id: CustomerID
    public var email: String?
    public var name: String?
    public var phone: String?
    /// Addresses orders shipped to, newest first.
    public var addresses: [Address]
    /// Tags conditions read (`customer.tags`): `vip`, `wholesale`, `fraud-watch`.
    public var tags: [String]
    /// The profile this one was merged into: it is kept so that its email still finds the
    /// person, and answers as that profile.
    public var mergedInto: CustomerID?

    /// Most addresses a profile keeps.
    public static let maxAddresses = 20

    public init(
        id: CustomerID, email: String? = nil, name: String? = nil, phone: String? = nil, addresses: [Address] = [], tags: [String] = [],
        mergedInto: CustomerID? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.phone = phone
        self.addresses = addresses
        self.tags = tags
        self.mergedInto = mergedInto
    }

    /// The profile completed with what an order's details add — a name or phone it lacked, a
    /// new address first — or nil when they add nothing. What it holds is never overwritten.
    public func completed(with details: CustomerDetails, address: Address?) -> CustomerProfile? {
        var profile = self
        if profile.name == nil { profile.name = details.name }
        if profile.phone == nil { profile.phone = details.phone }
        if let address, !profile.addresses.contains(address) {
            profile.addresses = Array(([address] + profile.addresses).prefix(Self.maxAddresses))
        }
        return profile == self ? nil : profile
    }

    /// What service staff change on a profile: a field left nil stays; an empty text clears it.
    public struct Edit: Sendable, Equatable {
        public var email: String?
        public var name: String?
        public var phone: String?
        public var tags: [String]?
        public init(email: String? = nil, name: String? = nil, phone: String? = nil, tags: [String]? = nil) {
            self.email = email
            self.name = name
            self.phone = phone
            self.tags = tags
        }
    }

    /// Editing, decided: the details checked as an order's are (a profile keeps an email or a
    /// phone to be found by), tags as tags. Whether another profile has the email is the
    /// store's to say.
    public func edited(_ edit: Edit) throws(OrderlyError) -> CustomerProfile {
        guard mergedInto == nil else { throw Self.merged(id, into: mergedInto) }
        var profile = self
        let blank = { (text: String) in text.trimmingWhitespace.isEmpty ? nil : text.trimmingWhitespace }
        if let email = edit.email { profile.email = blank(email) }
        if let name = edit.name { profile.name = blank(name) }
        if let phone = edit.phone { profile.phone = blank(phone) }
        var v = Validator()
        if let tags = edit.tags {
            profile.tags = tags.map(\.trimmingWhitespace).uniqued()
            v.tags(profile.tags, "tags")
        }
        CustomerDetails(email: profile.email, name: profile.name, phone: profile.phone).validate(into: &v, prefix: "")
        try v.validate()
        return profile
    }

    /// Taking an email that profile `holder` holds, decided: a profile merged into this one
    /// hands it over (the email finds this profile already, and will), any other holder keeps
    /// it and the edit is refused — the two are one person to merge, or not the same person.
    public func takesEmail(_ email: String, heldBy holder: CustomerID, mergedInto holderMergedInto: CustomerID?) throws(OrderlyError) {
        guard holderMergedInto == id else {
            let finds = holderMergedInto ?? holder
            throw OrderlyError.conflict("Customer \(finds) has the email \(email); merge the two profiles instead")
        }
    }

    /// Merging `other` into this profile, decided: this profile stays and keeps what it holds,
    /// takes the name and phone it lacked, the other's addresses after its own and the tags of
    /// both; the other is kept, merged into this one. Refused for the profile itself, or for
    /// either already merged.
    public func absorbing(_ other: CustomerProfile) throws(OrderlyError) -> (survivor: CustomerProfile, merged: CustomerProfile) {
        guard other.id != id else { throw OrderlyError.invalid("customerId", "is this profile itself") }
        if mergedInto != nil { throw Self.merged(id, into: mergedInto) }
        if other.mergedInto != nil { throw Self.merged(other.id, into: other.mergedInto) }
        var survivor = self
        if survivor.name == nil { survivor.name = other.name }
        if survivor.phone == nil { survivor.phone = other.phone }
        survivor.addresses = Array((addresses + other.addresses).uniqued().prefix(Self.maxAddresses))
        survivor.tags = (tags + other.tags).uniqued()
        var merged = other
        merged.mergedInto = id
        return (survivor, merged)
    }

    private static func merged(_ id: CustomerID, into other: CustomerID?) -> OrderlyError {
        OrderlyError.conflict("Customer \(id) was merged into \(other?.rawValue ?? "another profile"); change that one")
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var result: [Element] = []
        for element in self where !result.contains(element) { result.append(element) }
        return result
    }
}
