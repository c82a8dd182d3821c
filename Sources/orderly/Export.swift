import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyServer
import OrderlyStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write data out for other systems.", subcommands: [ExportOrders.self, ExportInvoices.self])
}

struct ExportOrders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Orders created since a date, as CSV for finance (to standard output).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Orders created at or after this moment: 2026-11-01 or 2026-11-01T00:00:00Z.") var since: String
    @Option(help: "Orders created before this moment (default: now).") var until: String?

    func run() async throws {
        guard let sinceDate = Self.parse(since) else { throw ValidationError("--since must be a date such as 2026-11-01 or 2026-11-01T00:00:00Z") }
        let untilDate = try until.map { text in
            guard let date = Self.parse(text) else { throw ValidationError("--until must be a date such as 2026-12-01") }
            return date
        }
        try await Self.withStores(database) { stores in
            print(OrderExportCSV.header)
            try await stores.orders.export(since: sinceDate, until: untilDate) { orders in
                for order in orders { print(OrderExportCSV.row(order)) }
            }
        }
    }

    /// Opens and migrates the database, runs `body` with its stores, closes it.
    static func withStores(_ database: DatabaseOptions, _ body: (Stores) async throws -> Void) async throws {
        let configuration = try ServerConfiguration.fromEnvironment()
        let logger = LogSetup.bootstrap()
        let db = try await Database.open(url: database.databaseURL ?? configuration.databaseURL, poolSize: 2, logger: logger)
        do {
            try await Migrator.migrate(db)
            try await body(Stores(database: db))
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }
}

struct ExportInvoices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices", abstract: "Invoices and credit notes issued since a date, as CSV for accounting (to standard output).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Documents issued at or after this moment: 2026-11-01 or 2026-11-01T00:00:00Z.") var since: String
    @Option(help: "Documents issued before this moment (default: now).") var until: String?

    func run() async throws {
        guard let sinceDate = ExportOrders.parse(since) else {
            throw ValidationError("--since must be a date such as 2026-11-01 or 2026-11-01T00:00:00Z")
        }
        let untilDate = try until.map { text in
            guard let date = ExportOrders.parse(text) else { throw ValidationError("--until must be a date such as 2026-12-01") }
            return date
        }
        try await ExportOrders.withStores(database) { stores in
            print(InvoiceExportCSV.header)
            try await stores.invoices.export(since: sinceDate, until: untilDate) { invoices in
                for invoice in invoices { print(InvoiceExportCSV.row(invoice)) }
            }
        }
    }
}
