import Foundation
import OrderlyCore
import SQLKit

/// The payment providers allowed to send signed callbacks, each with its signing secret
/// (sealed at rest by `SecretBox`, shown to no one after it is set).
public struct PaymentProviderStore: Sendable {
    let database: Database
    let time: any TimeSource
    let secrets: SecretBox

    /// Sets (or replaces) a provider's signing secret.
    public func save(_ id: String, secret: String, actor: String?) async throws {
        var v = Validator()
        v.identifier(id, "id")
        v.check((16...200).contains(secret.count), "secret", "must be 16 to 200 characters")
        try v.validate()
        let now = time.now
        let sealed = try secrets.seal(secret)
        try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO payment_providers (id, secret, created_at, updated_at) VALUES (\(bind: id), \(bind: sealed), \(bind: now.stored), \(bind: now.stored))
                ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, updated_at = excluded.updated_at
                """
            ).run()
            try EventLog.append(db, .paymentProviderSaved(id), actor: actor, at: now)
        }
    }

    public func delete(_ id: String, actor: String?) async throws {
        let now = time.now
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM payment_providers WHERE id = \(bind: id) RETURNING id").first() != nil else {
                throw OrderlyError.notFound("Payment provider", id)
            }
            try EventLog.append(db, .paymentProviderDeleted(id), actor: actor, at: now)
        }
    }

    /// The providers' ids.
    public func list() async throws -> [String] {
        try await database.read { db in try await db.raw("SELECT id FROM payment_providers ORDER BY id").all().map { try $0.string("id") } }
    }

    /// The provider's signing secret; nil when there is no such provider or no key opens it.
    public func secret(of id: String) async throws -> String? {
        guard
            let stored = try await database.read({ db in
                try await db.raw("SELECT secret FROM payment_providers WHERE id = \(bind: id)").first()?.string("secret")
            })
        else { return nil }
        return try? secrets.open(stored)
    }

    /// Seals every provider secret again under the current key (`orderly secrets rotate`).
    public func rotateSecrets() async throws -> (resealed: Int, unreadable: [String]) {
        try await database.transaction { [secrets] db in try await secrets.reseal(db, table: "payment_providers") }
    }
}
