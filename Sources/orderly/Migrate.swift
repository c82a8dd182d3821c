import ArgumentParser
import Logging
import OrderlyServer
import OrderlyStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try ServerConfiguration.fromEnvironment()
        let logger = LogSetup.bootstrap()
        let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
        do {
            let applied = try await Migrator.migrate(db)
            print(applied.isEmpty ? "Schema is up to date (version \(Migrator.latestVersion))." : "Applied migrations \(applied).")
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
