import ArgumentParser
import Logging
import OrderlyCore
import OrderlyServer
import OrderlyStore

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an API key (the secret is printed once).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "A name that says who uses the key; it appears on every event the key causes.") var name: String
    @Option(help: "admin, channel, store or service.") var role: String
    @Option(help: "The channel of a channel key.") var channel: String?
    @Option(name: .customLong("location"), help: "A location of a store key (repeatable).") var locations: [String] = []

    func run() async throws {
        guard let role = Principal.Role(rawValue: role) else { throw ValidationError("role must be admin, channel, store or service") }
        let configuration = try ServerConfiguration.fromEnvironment()
        let logger = LogSetup.bootstrap()
        let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
        do {
            try await Migrator.migrate(db)
            let (key, secret) = try await Stores(database: db).apiKeys.create(
                name: name, role: role, channel: channel.map(ChannelID.init), locations: locations.map(LocationID.init), actor: "cli")
            print("\(key.id) \(secret)")
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
