import Foundation

/// A server-assigned staff account id (`usr_…`).
public struct StaffUserID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A person who signs in to the back office: a customer-service agent, a store associate or
/// an administrator. In the browser they act with the same rules as an API key of their role.
public struct StaffUser: Sendable, Equatable {
    /// Back-office roles: the API roles people hold (a sales channel is a system, not a person).
    public enum Role: String, Sendable, Codable, CaseIterable {
        case admin, service, store
    }

    /// The languages the back office speaks (`OrderlyCore.Language`).
    public typealias Language = OrderlyCore.Language

    public var id: StaffUserID
    public var email: String
    public var name: String
    public var role: Role
    /// The stores a `store` user works in.
    public var locations: [LocationID]
    /// The language the back office shows this person its words in.
    public var language: Language = .en

    public init(id: StaffUserID, email: String, name: String, role: Role, locations: [LocationID], language: Language = .en) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.locations = locations
        self.language = language
    }

    /// The principal this person acts as: every page checks the same `Principal.authorize` as the API.
    public var principal: Principal {
        let role: Principal.Role =
            switch self.role {
            case .admin: .admin
            case .service: .service
            case .store: .store
            }
        return Principal(keyId: APIKeyID("staff:\(id)"), name: email, role: role, locations: locations)
    }

    /// An account needs a plausible email, a name, a password of at least 12 characters and,
    /// for a store user, at least one store.
    public static func validate(email: String, name: String, password: String, role: Role, locations: [LocationID]) throws(OrderlyError) {
        var v = Validator()
        let parts = email.split(separator: "@")
        v.check(parts.count == 2 && parts[1].contains(".") && email.count <= 254, "email", "is not an email address")
        v.text(name, "name", max: 200)
        v.check(password.count >= 12, "password", "must be at least 12 characters")
        v.check(password.utf8.count <= 72, "password", "must be at most 72 bytes (bcrypt reads no further)")
        v.check(role != .store || !locations.isEmpty, "locations", "must name at least one store for a store user")
        v.check(role == .store || locations.isEmpty, "locations", "are only for store users")
        try v.validate()
    }
}

extension StaffUser {
    /// What an administrator changes about an account: its name, role, stores, or whether it
    /// may sign in (nil: unchanged).
    public struct Change: Sendable, Equatable {
        public var name: String?
        public var role: Role?
        public var locations: [LocationID]?
        public var disabled: Bool?
        public init(name: String? = nil, role: Role? = nil, locations: [LocationID]? = nil, disabled: Bool? = nil) {
            self.name = name
            self.role = role
            self.locations = locations
            self.disabled = disabled
        }
    }

    /// The account after `change`, checked like a new one (a store user keeps a store, the
    /// others none; a role other than store drops its stores), made by `actor`: nobody locks
    /// themself out (disables their own account or gives up their own admin role).
    public func changed(_ change: Change, by actor: StaffUserID) throws(OrderlyError) -> StaffUser {
        var user = self
        if let name = change.name { user.name = name }
        if let role = change.role {
            user.role = role
            if role != .store && change.locations == nil { user.locations = [] }
        }
        if let locations = change.locations { user.locations = locations }
        var v = Validator()
        v.text(user.name, "name", max: 200)
        v.check(user.role != .store || !user.locations.isEmpty, "locations", "must name at least one store for a store user")
        v.check(user.role == .store || user.locations.isEmpty, "locations", "are only for store users")
        if id == actor {
            v.check(change.disabled != true, "disabled", "you cannot disable your own account")
            v.check(role != .admin || user.role == .admin, "role", "you cannot give up your own admin role: another admin can")
        }
        try v.validate()
        return user
    }

    /// A new password: at least 12 characters, at most 72 bytes (what bcrypt reads).
    public static func validate(password: String, field: String = "password") throws(OrderlyError) {
        var v = Validator()
        v.check(password.count >= 12, field, "must be at least 12 characters")
        v.check(password.utf8.count <= 72, field, "must be at most 72 bytes (bcrypt reads no further)")
        try v.validate()
    }

    /// How long an administrator's password-reset link stays usable.
    public static let resetLifetime: TimeInterval = 24 * 3600
}

/// Slows down password guessing: after `freeFailures` wrong passwords in a row for one email,
/// each further attempt must wait twice as long as the last (1 s, 2 s, 4 s … at most 15 min).
public enum LoginThrottle {
    public static let freeFailures = 5

    /// How long after the last failure the next attempt is refused, given the failures so far.
    public static func wait(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        return min(900, pow(2, Double(failures - freeFailures)))
    }

    /// Seconds until an attempt is allowed again (0: allowed now).
    public static func retryAfter(failures: Int, lastFailure: Date?, now: Date) -> TimeInterval {
        // Below the free failures there is no wait at all (not even a rounding error's worth:
        // times are stored to the millisecond).
        guard let lastFailure, failures >= freeFailures else { return 0 }
        return max(0, lastFailure.addingTimeInterval(wait(afterFailures: failures)).timeIntervalSince(now))
    }
}
