import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `orderly serve` as a new user starts it, standard output redirected to a file (as under
/// systemd, in a container or with `> log`): the first admin key is in that file by the time
/// the server answers, not only once it stops.
@Suite("First start")
struct FirstStartTests {
    @Test(arguments: Engine.all)
    func theFirstAdminKeyIsInTheRedirectedOutputBeforeTheServerAnswers(engine: Engine) async throws {
        let program = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orderly")
        try #require(FileManager.default.isExecutableFile(atPath: program.path), "swift build --build-tests builds \(program.path)")
        let (url, file) = try await TestDatabase.url(engine)
        defer { TestDatabase.remove(file) }
        let output = NSTemporaryDirectory() + "orderly-serve-\(UUID().uuidString).out"
        let errors = output + ".err"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: errors)
        }
        let port = try FreePort.pick()

        let process = Process()
        process.executableURL = program
        process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ORDERLY_") }
        environment["ORDERLY_DATABASE_URL"] = url
        environment["ORDERLY_HOST"] = "127.0.0.1"
        environment["ORDERLY_PORT"] = "\(port)"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        let base = "http://127.0.0.1:\(port)"
        var answered = false
        for _ in 0..<300 where process.isRunning {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                answered = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(answered, "the server answered /health within 30 s")
        // Read the instant /health first answered, while the server still runs.
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let key = try #require(text.firstMatch(of: /ork_[A-Za-z0-9_\-]+/).map { String($0.output) }, "the key is in the file: \(text)")
        #expect(text.contains("orderly keys"), "says how to make another")
        let log = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(log.contains("ORDERLY_SECRET_KEY is not set"), "without a secret key the server says so at start: \(log)")
        #expect(!log.contains(key), "the key itself stays out of the log")

        var request = URLRequest(url: URL(string: base + "/v1/locations")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "the key printed is an admin key that works")
    }
}

extension FirstStartTests {
    /// Runs the `orderly` program to its end without the caller's `ORDERLY_*` settings (plus
    /// `environment`): its exit status and what it printed on standard output.
    static func run(_ program: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ORDERLY_") }.merging(extra) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }

    @Test(arguments: Engine.all)
    func secretsRotateSealsEveryStoredWebhookSecretUnderTheNewKey(engine: Engine) async throws {
        let program = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orderly")
        let (url, file) = try await TestDatabase.url(engine)
        defer { TestDatabase.remove(file) }
        // A secret stored before there was a key.
        let database = try await Database.open(url: url, logger: TestDatabase.logger)
        let (webhook, secret) = try await Stores(database: database).webhooks.create(
            url: "https://8.8.8.8/hook", eventTypes: ["*"], secret: "whsec_stored_before_the_key", actor: nil)
        await database.close()

        let key = String(repeating: "5a", count: 32)
        let (status, printed) = try Self.run(program, ["secrets", "rotate", "--database-url", url], environment: ["ORDERLY_SECRET_KEY": key])
        #expect(status == 0)
        #expect(printed.contains("Sealed 1 webhook secret(s)"), "\(printed)")

        let reopened = try await Database.open(url: url, logger: TestDatabase.logger)
        let image = try await DatabaseImage.of(reopened)
        await reopened.close()
        let row = try #require(image.tables["webhooks"]?.first { $0.contains(webhook.id.rawValue) })
        #expect(!row.contains(secret), "the secret is no longer stored as it is")
        let keyID = try #require(SecretBox.Key(key)?.id)
        #expect(row.contains("enc:v1:\(keyID):"))
    }

    /// `orderly export invoices --since` writes every document issued since then as CSV.
    @Test(arguments: Engine.all)
    func invoicesAreExportedAsCSVForAccounting(engine: Engine) async throws {
        let program = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orderly")
        let (url, file) = try await TestDatabase.url(engine)
        defer { TestDatabase.remove(file) }
        let database = try await Database.open(url: url, logger: TestDatabase.logger)
        let stores = Stores(database: database)
        do {
            try await Fixtures.seed(stores)
            try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
            var draft = OrderDraft(
                channel: Fixtures.web, externalId: "csv-1", customer: .init(email: "csv@example.com"), currency: "EUR",
                shippingAddress: Address(name: "Ada, Ltd", line1: "Damrak 1", city: "Amsterdam", country: "NL"),
                lines: [
                    .init(
                        sku: "SKU-1", quantity: 2, unitPrice: 1210,
                        taxes: [.init(name: "VAT", rate: .init(millionths: 210_000), amount: 420, included: true)])
                ])
            draft.shippingPrice = 500
            let order = try await stores.orders.place(draft, actor: nil).order
            let fo = try #require(
                try await stores.fulfillmentOrders.list(orderId: order.id, locationId: nil, status: nil, after: nil, limit: nil).items.first)
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: nil)
            _ = try await stores.fulfillmentOrders.ship(fo.id, lines: [(1, 2)], carrier: nil, trackingNumber: nil, actor: nil)
        } catch {
            await database.close()
            throw error
        }
        await database.close()

        let (status, printed) = try Self.run(program, ["export", "invoices", "--since", "2000-01-01", "--database-url", url])
        #expect(status == 0)
        let rows = printed.split(separator: "\n").map(String.init)
        #expect(rows.first == InvoiceExportCSV.header && rows.count == 2)
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(rows.last?.hasPrefix("INV-\(year)-000001,invoice,") == true)
        #expect(rows.last?.contains(",EUR,420,2920,29.20,VAT 21% incl.=420,\"Ada, Ltd\"") == true, "\(rows)")
    }
}

/// A loopback port nothing listens on now.
enum FreePort {
    struct Failed: Error {}

    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failed() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
