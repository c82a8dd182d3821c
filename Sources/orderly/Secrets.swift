import ArgumentParser
import OrderlyCore
import OrderlyServer
import OrderlyStore

/// `orderly secrets rotate`: seals every stored webhook and payment provider secret under the current key.
struct Secrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look after the secrets Orderly keeps sealed (ORDERLY_SECRET_KEY).", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every stored webhook secret again under ORDERLY_SECRET_KEY.",
            discussion: """
                To rotate: set ORDERLY_SECRET_KEY to a new key and ORDERLY_SECRET_KEY_PREVIOUS to the old one \
                (comma-separated if several), restart the servers, run this once, then drop the old key. \
                Secrets stored before there was a key are sealed too.
                """)

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try ServerConfiguration.fromEnvironment()
            guard configuration.secrets.current != nil else { throw ValidationError("ORDERLY_SECRET_KEY is not set: there is no key to seal under") }
            let logger = LogSetup.bootstrap()
            let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
            do {
                try await Migrator.migrate(db)
                let stores = Stores(database: db, secrets: configuration.secrets)
                let (webhooks, unreadableWebhooks) = try await stores.webhooks.rotateSecrets()
                let (providers, unreadableProviders) = try await stores.paymentProviders.rotateSecrets()
                let unreadable = unreadableWebhooks.map(\.rawValue) + unreadableProviders
                print("Sealed \(webhooks) webhook secret(s) and \(providers) payment provider secret(s) under the current key.")
                if !unreadable.isEmpty {
                    print(
                        "No key opens the secrets of \(unreadable.joined(separator: ", ")): add their key to ORDERLY_SECRET_KEY_PREVIOUS."
                    )
                    throw ExitCode(2)
                }
            } catch {
                await db.close()
                throw error
            }
            await db.close()
        }
    }
}
