import Foundation
import OrderlyCore
import SQLKit

/// People and access: administrators list, change, disable and re-enable accounts and issue
/// one-time password-reset links; everyone changes their own password.
extension StaffStore {
    /// An account as administrators see it.
    public struct Account: Sendable, Equatable {
        public var user: StaffUser
        public var disabled: Bool
        public var createdAt: Date
    }

    public func list() async throws -> [Account] {
        try await database.read { db in
            try await db.raw("SELECT \(Self.userColumns), disabled_at, created_at FROM staff_users ORDER BY role, email_key").all().map {
                Account(user: try Self.decode($0), disabled: try $0.optionalDate("disabled_at") != nil, createdAt: try $0.date("created_at"))
            }
        }
    }

    /// Changes an account (`StaffUser.changed` decides); disabling one signs it out everywhere.
    @discardableResult
    public func update(_ id: StaffUserID, _ change: StaffUser.Change, by actor: StaffUser) async throws -> Account {
        let now = time.now
        return try await database.transaction { db in
            guard
                let row = try await db.raw(
                    "SELECT \(Self.userColumns), disabled_at, created_at FROM staff_users WHERE id = \(bind: id.rawValue)\(db.forUpdate)"
                ).first()
            else { throw OrderlyError.notFound("Staff user", id) }
            let user = try Self.decode(row).changed(change, by: actor.id)
            if user.role == .store, change.locations != nil {
                let known = try await LocationStore.existing(db, user.locations)
                for (i, location) in user.locations.enumerated() where !known.contains(location) {
                    throw OrderlyError.invalid("locations[\(i)]", "location '\(location)' does not exist")
                }
            }
            let disabledAt = try row.optionalDate("disabled_at")
            let disabled = change.disabled ?? (disabledAt != nil)
            try await db.raw(
                """
                UPDATE staff_users SET name = \(bind: user.name), role = \(bind: user.role.rawValue), location_ids = \(bind: try StoredJSON.encode(user.locations)),
                    disabled_at = \(bind: disabled ? (disabledAt ?? now).stored : nil)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            // A disabled account, or one whose access changed, signs in again.
            try await db.raw("DELETE FROM staff_sessions WHERE user_id = \(bind: id.rawValue)").run()
            try EventLog.append(db, .staffUpdated(user, disabled: disabled), actor: actor.email, at: now)
            return Account(user: user, disabled: disabled, createdAt: try row.date("created_at"))
        }
    }

    /// The person changes their own password, giving the current one.
    public func changePassword(_ user: StaffUser, current: String, new password: String) async throws {
        try StaffUser.validate(password: password, field: "new")
        let hash = try await database.read { db in
            try await db.raw("SELECT password_hash FROM staff_users WHERE id = \(bind: user.id.rawValue)").first()?.string("password_hash")
        }
        guard let hash, await Self.verify(current, hash: hash) else { throw OrderlyError.invalid("current", "is not your password") }
        try await setPassword(user, to: password, how: "changed", keepingSessions: true)
    }

    /// The language the back office shows this person its words in.
    public func setLanguage(_ user: StaffUser, _ language: StaffUser.Language) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE staff_users SET language = \(bind: language.rawValue) WHERE id = \(bind: user.id.rawValue)").run()
        }
    }

    /// A one-time link's token for `id` to choose a new password, usable until it expires
    /// (`StaffUser.resetLifetime`). Only its hash is stored; the administrator passes it on.
    public func issueReset(_ id: StaffUserID, by actor: StaffUser) async throws -> (token: String, expiresAt: Date) {
        let now = time.now
        let token = Token.random(bytes: 24)
        let expires = now.addingTimeInterval(StaffUser.resetLifetime)
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT \(Self.userColumns) FROM staff_users WHERE id = \(bind: id.rawValue)").first() else {
                throw OrderlyError.notFound("Staff user", id)
            }
            let user = try Self.decode(row)
            try await db.raw(
                """
                INSERT INTO staff_password_resets (token_hash, user_id, created_at, expires_at)
                VALUES (\(bind: Token.hash(token)), \(bind: id.rawValue), \(bind: now.stored), \(bind: expires.stored))
                """
            ).run()
            try EventLog.append(db, .staffPasswordResetIssued(user, expiresAt: expires), actor: actor.email, at: now)
        }
        return (token, expires)
    }

    /// The account a reset token is still good for, if any.
    public func resetting(token: String) async throws -> StaffUser? {
        let now = time.now
        return try await database.read { db in
            try await db.raw(
                """
                SELECT u.id, u.email, u.name, u.role, u.location_ids, u.language FROM staff_password_resets r JOIN staff_users u ON u.id = r.user_id
                WHERE r.token_hash = \(bind: Token.hash(token)) AND r.used_at IS NULL AND r.expires_at > \(bind: now.stored) AND u.disabled_at IS NULL
                """
            ).first().map(Self.decode)
        }
    }

    /// Sets a new password through a reset link: once, before it expires; every session of the
    /// account ends.
    public func reset(token: String, to password: String) async throws -> StaffUser {
        try StaffUser.validate(password: password)
        let now = time.now
        let hash = await Self.bcrypt(password, cost: bcryptCost)
        return try await database.transaction { db in
            let used = try await db.raw(
                """
                UPDATE staff_password_resets SET used_at = \(bind: now.stored)
                WHERE token_hash = \(bind: Token.hash(token)) AND used_at IS NULL AND expires_at > \(bind: now.stored) RETURNING user_id
                """
            ).first()
            guard let userId = try used?.string("user_id"),
                let row = try await db.raw("SELECT \(Self.userColumns) FROM staff_users WHERE id = \(bind: userId) AND disabled_at IS NULL").first()
            else { throw OrderlyError.invalid("token", "this link is used, expired or unknown: ask an administrator for a new one") }
            let user = try Self.decode(row)
            try await Self.storePassword(db, user, hash: hash, how: "reset", keepingSessions: false, at: now)
            return user
        }
    }

    private func setPassword(_ user: StaffUser, to password: String, how: String, keepingSessions: Bool) async throws {
        let hash = await Self.bcrypt(password, cost: bcryptCost)
        let now = time.now
        try await database.transaction { db in try await Self.storePassword(db, user, hash: hash, how: how, keepingSessions: keepingSessions, at: now)
        }
    }

    private static func storePassword(
        _ db: Transaction, _ user: StaffUser, hash: String, how: String, keepingSessions: Bool, at now: Date
    ) async throws {
        try await db.raw("UPDATE staff_users SET password_hash = \(bind: hash) WHERE id = \(bind: user.id.rawValue)").run()
        if !keepingSessions { try await db.raw("DELETE FROM staff_sessions WHERE user_id = \(bind: user.id.rawValue)").run() }
        try EventLog.append(db, .staffPasswordChanged(user, how: how), actor: user.email, at: now)
    }
}
