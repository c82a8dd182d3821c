import ArgumentParser
import Foundation
import Logging
import OrderlyServer
import OrderlyStore

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that stock, reservations, the ledger and orders agree (after a crash, for instance). Exits 1 on any finding.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try ServerConfiguration.fromEnvironment()
        let logger = LogSetup.bootstrap()
        let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
        let findings: [ConsistencyCheck.Finding]
        do {
            findings = try await Stores(database: db).consistency.run()
        } catch {
            await db.close()
            throw error
        }
        await db.close()
        for finding in findings { print(finding) }
        print(findings.isEmpty ? "consistent" : "\(findings.count) findings")
        if !findings.isEmpty { throw ExitCode(1) }
    }
}
