import Dispatch
import Foundation
import HummingbirdBcrypt
import OrderlyCore
import SQLKit

/// Back-office accounts (bcrypt password hashes), sign-in with throttling, and sessions
/// (only a hash of each session token is stored, with the session's CSRF token).
public struct StaffStore: Sendable {
    let database: Database
    let time: any TimeSource
    /// bcrypt's cost: 12 in production (about a quarter second per hash); tests lower it.
    let bcryptCost: UInt8

    /// A signed-in session: who, and the token forms must carry.
    public struct Session: Sendable, Equatable {
        public var user: StaffUser
        public var csrfToken: String
        public var expiresAt: Date
    }

    /// What a sign-in attempt came to.
    public enum SignIn: Sendable, Equatable {
        case signedIn(token: String, session: Session)
        case refused
        /// Too many wrong passwords for this email: try again after this many seconds.
        case throttled(retryAfter: Int)
    }

    public static let sessionLifetime: TimeInterval = 12 * 3600

    /// Creates an account; the email must be new.
    @discardableResult
    public func create(
        email: String, name: String, password: String, role: StaffUser.Role, locations: [LocationID], actor: String?
    ) async throws -> StaffUser {
        try StaffUser.validate(email: email, name: name, password: password, role: role, locations: locations)
        let hash = await Self.bcrypt(password, cost: bcryptCost)
        let now = time.now
        let user = StaffUser(id: StaffUserID("usr_" + Token.random(bytes: 10)), email: email, name: name, role: role, locations: locations)
        try await database.transaction { db in
            if role == .store {
                let known = try await LocationStore.existing(db, locations)
                for (i, location) in locations.enumerated() where !known.contains(location) {
                    throw OrderlyError.invalid("locations[\(i)]", "location '\(location)' does not exist")
                }
            }
            let inserted = try await db.raw(
                """
                INSERT INTO staff_users (id, email, email_key, name, password_hash, role, location_ids, created_at)
                VALUES (\(bind: user.id.rawValue), \(bind: email), \(bind: Self.key(email)), \(bind: name), \(bind: hash), \(bind: role.rawValue),
                    \(bind: try StoredJSON.encode(locations)), \(bind: now.stored))
                ON CONFLICT (email_key) DO NOTHING RETURNING id
                """
            ).all()
            guard !inserted.isEmpty else { throw OrderlyError.conflict("A staff account for \(email) already exists") }
            try EventLog.append(db, .staffCreated(user.id, email: email, role: role), actor: actor, at: now)
        }
        return user
    }

    /// Creates the bootstrap admin (`ORDERLY_ADMIN_EMAIL` / `ORDERLY_ADMIN_PASSWORD`) unless that email has an account.
    public func ensureAdmin(email: String, password: String) async throws {
        let exists = try await database.read { db in
            try await db.raw("SELECT id FROM staff_users WHERE email_key = \(bind: Self.key(email))").first() != nil
        }
        if !exists { try await create(email: email, name: "Administrator", password: password, role: .admin, locations: [], actor: "system") }
    }

    /// Checks a password and opens a session. Wrong passwords count per email; past a few,
    /// attempts are refused until the throttle's wait is over (without checking the password).
    public func signIn(email: String, password: String) async throws -> SignIn {
        let key = Self.key(email)
        let now = time.now
        let (row, failures) = try await database.read { db in
            let row = try await db.raw(
                "SELECT \(Self.userColumns), password_hash FROM staff_users WHERE email_key = \(bind: key) AND disabled_at IS NULL"
            ).first()
            let failures = try await db.raw("SELECT failures, last_failure_at FROM staff_login_failures WHERE email_key = \(bind: key)").first()
            return (row, failures)
        }
        let count = Int(try failures?.int64("failures") ?? 0)
        let wait = LoginThrottle.retryAfter(failures: count, lastFailure: try failures?.date("last_failure_at"), now: now)
        if wait > 0 { return .throttled(retryAfter: Int(wait.rounded(.up))) }
        var matches = false
        if let hash = try row?.string("password_hash") {
            matches = await Self.verify(password, hash: hash)
        } else {
            // Unknown emails cost a bcrypt too, so that timing does not tell which accounts exist.
            _ = await Self.bcrypt(password, cost: bcryptCost)
        }
        guard matches, let row else {
            try await database.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO staff_login_failures (email_key, failures, last_failure_at) VALUES (\(bind: key), 1, \(bind: now.stored))
                    ON CONFLICT (email_key) DO UPDATE SET failures = staff_login_failures.failures + 1, last_failure_at = excluded.last_failure_at
                    """
                ).run()
            }
            return .refused
        }
        let user = try Self.decode(row)
        let token = Token.random(bytes: 32)
        let session = Session(user: user, csrfToken: Token.random(bytes: 16), expiresAt: now.addingTimeInterval(Self.sessionLifetime))
        try await database.transaction { db in
            try await db.raw("DELETE FROM staff_login_failures WHERE email_key = \(bind: key)").run()
            try await db.raw("DELETE FROM staff_sessions WHERE expires_at < \(bind: now.stored)").run()
            try await db.raw(
                """
                INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Token.hash(token)), \(bind: user.id.rawValue), \(bind: session.csrfToken), \(bind: now.stored), \(bind: session.expiresAt.stored))
                """
            ).run()
            try EventLog.append(db, .staffSignedIn(user), actor: user.email, at: now)
        }
        return .signedIn(token: token, session: session)
    }

    /// The live session a cookie's token stands for, if any.
    public func session(token: String) async throws -> Session? {
        let now = time.now
        return try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT u.id, u.email, u.name, u.role, u.location_ids, u.language, s.csrf_token, s.expires_at FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
                    WHERE s.token_hash = \(bind: Token.hash(token)) AND s.expires_at > \(bind: now.stored) AND u.disabled_at IS NULL
                    """
                ).first()
            else { return nil }
            return Session(user: try Self.decode(row), csrfToken: try row.string("csrf_token"), expiresAt: try row.date("expires_at"))
        }
    }

    public func signOut(token: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM staff_sessions WHERE token_hash = \(bind: Token.hash(token))").run()
        }
    }

    static func key(_ email: String) -> String { email.trimmingCharacters(in: .whitespaces).lowercased() }

    /// The columns of `staff_users` that `decode` reads.
    static let userColumns: SQLQueryString = "id, email, name, role, location_ids, language"

    static func decode(_ row: any SQLRow) throws -> StaffUser {
        StaffUser(
            id: StaffUserID(try row.string("id")), email: try row.string("email"), name: try row.string("name"),
            role: StaffUser.Role(rawValue: try row.string("role")) ?? .service, locations: try row.json("location_ids", as: [LocationID].self),
            language: StaffUser.Language(rawValue: try row.string("language")) ?? .en)
    }

    /// bcrypt is slow on purpose; it runs on a Dispatch queue, not on the cooperative threads serving requests.
    static func bcrypt(_ password: String, cost: UInt8) async -> String {
        await offload { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        await offload { Bcrypt.verify(password, hash: hash) }
    }

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
