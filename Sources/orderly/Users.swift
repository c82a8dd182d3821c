import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyServer
import OrderlyStore

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Back-office staff accounts.", subcommands: [AddUser.self])
}

struct AddUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a staff account. The password is read from ORDERLY_USER_PASSWORD or, without it, from the first line of standard input.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The person's email; they sign in with it.") var email: String
    @Option(help: "The name shown in the back office and on the timeline.") var name: String
    @Option(help: "admin, service or store.") var role: String
    @Option(name: .customLong("location"), help: "A store of a store user (repeatable).") var locations: [String] = []

    func run() async throws {
        guard let role = StaffUser.Role(rawValue: role) else { throw ValidationError("role must be admin, service or store") }
        guard let password = ProcessInfo.processInfo.environment["ORDERLY_USER_PASSWORD"] ?? readLine(strippingNewline: true), !password.isEmpty
        else {
            throw ValidationError("give the password in ORDERLY_USER_PASSWORD or on standard input")
        }
        let configuration = try ServerConfiguration.fromEnvironment()
        let logger = LogSetup.bootstrap()
        let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
        do {
            try await Migrator.migrate(db)
            let user = try await Stores(database: db).staff.create(
                email: email, name: name, password: password, role: role, locations: locations.map(LocationID.init), actor: "cli")
            print("\(user.id) \(user.email) \(user.role.rawValue)")
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
