import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyStore
import SQLKit

/// Reservations per second through Orderly's store (plan + conditional reserve + reservation
/// rows + event, one transaction) against a baseline of the bare conditional UPDATE in its own
/// transaction, on the same database, connections and concurrency, in the same run.
struct ReservationBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservations", abstract: "Reservation throughput against a raw conditional-UPDATE baseline.")

    @Option(help: "sqlite or postgres") var engine: String = "sqlite"
    @Option(help: "PostgreSQL server URL (a database orderly_bench_<n> is created on it).") var postgresURL: String?
    @Option(help: "Concurrent clients, comma separated.") var concurrency: String = "1,8,32"
    @Option(help: "Seconds per measurement.") var seconds: Double = 5
    @Option(help: "At most this many operations per measurement.") var maxOperations: Int = 200_000
    @Option(help: "Distinct skus (each stocked at 4 locations).") var skus: Int = 1000
    @Option(help: "Connection pool size (PostgreSQL).") var poolSize: Int = 32

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let database = try await BenchDatabase.open(engine: engine, postgresURL: postgresURL, poolSize: poolSize, logger: logger)
        try await Migrator.migrate(database)
        let stores = Stores(database: database)
        try await seed(stores)
        print("engine: \(database.engine), skus: \(skus) × 4 locations, \(seconds) s per point")
        print("| clients | raw UPDATE tx/s | Orderly reservations/s | ratio | p50 ms | p99 ms |")
        print("|---:|---:|---:|---:|---:|---:|")
        for clients in concurrency.split(separator: ",").compactMap({ Int($0) }) {
            let raw = try await measure(clients: clients) { i in try await rawReserve(database, sku: sku(i)) }
            let orderly = try await measure(clients: clients) { i in
                _ = try await stores.reservations.create(channel: "bench", lines: [.init(sku: sku(i), quantity: 1)], ttlSeconds: 60, actor: nil)
            }
            print(
                String(
                    format: "| %d | %.0f | %.0f | %.2f | %.2f | %.2f |", clients, raw.rate, orderly.rate, orderly.rate / raw.rate, orderly.p50,
                    orderly.p99))
        }
        await database.close()
    }

    func sku(_ i: Int) -> SKU { SKU("BENCH-\(i % skus)") }

    /// The baseline: the conditional reserve statement alone, one transaction each.
    func rawReserve(_ database: Database, sku: SKU) async throws {
        try await database.transaction { db in
            let rows = try await db.raw(
                """
                UPDATE inventory_levels SET reserved = reserved + \(bind: Int64(1))
                WHERE sku = \(bind: sku.rawValue) AND location_id = \(bind: "BL-0")
                    AND on_hand - reserved - safety_stock >= \(bind: Int64(1))
                RETURNING sku
                """
            ).all()
            precondition(!rows.isEmpty, "benchmark stock ran out")
        }
    }

    struct Result {
        var rate: Double
        var p50: Double
        var p99: Double
    }

    func measure(clients: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Result {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let perClient = max(1, maxOperations / clients)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var samples: [Double] = []
                    var i = client * 7919
                    while ContinuousClock.now < deadline && samples.count < perClient {
                        let t0 = ContinuousClock.now
                        try await operation(i)
                        samples.append(
                            Double((ContinuousClock.now - t0).components.attoseconds) / 1e15 + Double((ContinuousClock.now - t0).components.seconds)
                                * 1000)
                        i += 1
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = ContinuousClock.now - start
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Result(rate: Double(latencies.count) / secondsElapsed, p50: percentile(0.5), p99: percentile(0.99))
    }

    /// Four locations (BL-0 … BL-3) with a million units of every sku, and a channel over them.
    func seed(_ stores: Stores) async throws {
        for i in 0..<4 {
            _ = try await stores.locations.create(Location(id: LocationID("BL-\(i)"), name: "Bench \(i)", kind: .warehouse, priority: i), actor: nil)
        }
        _ = try await stores.channels.create(Channel(id: "bench", name: "Bench", kind: .web), actor: nil)
        let products = (0..<skus).map { Product(sku: SKU("BENCH-\($0)"), name: "Bench \($0)") }
        for chunk in stride(from: 0, to: products.count, by: 1000) {
            _ = try await stores.products.upsert(Array(products[chunk..<min(chunk + 1000, products.count)]), actor: nil, bulk: true)
        }
        var csv = StockSnapshotCSV()
        var text = ""
        for p in products { for l in 0..<4 { text += "\(p.sku),BL-\(l),1000000\n" } }
        csv.consume(Array(text.utf8))
        _ = try await stores.inventory.importSnapshot(try csv.finish(), dryRun: false, reference: "bench", actor: nil)
    }
}
