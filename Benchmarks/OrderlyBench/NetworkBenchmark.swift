import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyStore

/// A large network through the store, on a real database: availability of `skus` skus
/// across `locations` locations, and placing an order of `lines` lines that routing splits
/// over those locations (read, plan, reserve, write). One client, so the figures are
/// latencies; the floor is a trivial query on the same database in the same run.
struct NetworkBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Availability and order routing latency across many locations, through the database.")

    @Option(help: "sqlite or postgres") var engine: String = "sqlite"
    @Option(help: "PostgreSQL server URL (a database orderly_bench_<n> is created on it).") var postgresURL: String?
    @Option var locations: Int = 1000
    @Option(help: "Skus asked for in one availability request.") var skus: Int = 50
    @Option(help: "Lines of each order placed.") var lines: Int = 10
    @Option var iterations: Int = 300

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let database = try await BenchDatabase.open(engine: engine, postgresURL: postgresURL, poolSize: 4, logger: logger)
        try await Migrator.migrate(database)
        let stores = Stores(database: database)
        try await seed(stores)
        let all = (0..<max(skus, lines)).map { SKU("NET-\($0)") }

        let floor = try await Self.time(iterations) { _ in try await database.ping() }
        let availability = try await Self.time(iterations) { _ in
            let result = try await stores.availability.availability(channel: "bench", skus: Array(all.prefix(skus)), origin: Self.amsterdam)
            precondition(result.count == skus)
        }
        let placement = try await Self.time(iterations) { i in
            let draft = OrderDraft(
                channel: "bench", externalId: "net-\(i)", customer: .init(email: "c\(i % 100)@example.com", name: "Bench"), currency: "EUR",
                shippingAddress: Address(line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 LG", country: "NL"), coordinates: Self.amsterdam,
                lines: all.prefix(lines).map { OrderDraft.Line(sku: $0, quantity: 3, unitPrice: 100) })
            let placed = try await stores.orders.place(draft, actor: nil)
            precondition(placed.created)
        }
        print("engine: \(database.engine), \(locations) locations, \(iterations) iterations each, one client")
        print("| operation | p50 ms | p99 ms |")
        print("|---|---:|---:|")
        print(String(format: "| floor: SELECT 1 | %.3f | %.3f |", floor.p50, floor.p99))
        print(String(format: "| availability, %d skus × %d locations | %.2f | %.2f |", skus, locations, availability.p50, availability.p99))
        print(String(format: "| place an order, %d lines routed over %d locations | %.2f | %.2f |", lines, locations, placement.p50, placement.p99))
        await database.close()
    }

    static let amsterdam = Coordinates(latitude: 52.37, longitude: 4.89)

    /// Locations spread over the Netherlands and Belgium, every sku at every location with
    /// 0–4 units (a deterministic network), one channel over all of them.
    func seed(_ stores: Stores) async throws {
        var generator = SplitMix(seed: 7)
        for i in 0..<locations {
            _ = try await stores.locations.create(
                Location(
                    id: LocationID("NL-\(i)"), name: "Location \(i)", kind: i % 5 == 0 ? .warehouse : .store,
                    coordinates: .init(
                        latitude: 50.8 + Double(generator.next() % 2500) / 1000, longitude: 3.4 + Double(generator.next() % 3700) / 1000),
                    priority: Int(generator.next() % 100)),
                actor: nil)
        }
        _ = try await stores.channels.create(Channel(id: "bench", name: "Bench", kind: .web, routing: .init(onShortage: .partial)), actor: nil)
        let count = max(skus, lines)
        _ = try await stores.products.upsert((0..<count).map { Product(sku: SKU("NET-\($0)"), name: "Net \($0)") }, actor: nil, bulk: true)
        var csv = StockSnapshotCSV()
        var text = ""
        for s in 0..<count { for l in 0..<locations { text += "NET-\(s),NL-\(l),\(generator.next() % 5 + 20)\n" } }
        csv.consume(Array(text.utf8))
        _ = try await stores.inventory.importSnapshot(try csv.finish(), dryRun: false, reference: "bench", actor: nil)
    }

    struct Timing {
        var p50: Double
        var p99: Double
    }

    static func time(_ iterations: Int, _ operation: (Int) async throws -> Void) async throws -> Timing {
        var samples: [Double] = []
        for i in 0..<iterations {
            let start = ContinuousClock.now
            try await operation(i)
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        samples.sort()
        return Timing(p50: samples[samples.count / 2], p99: samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}
