import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A webhook receiver on a loopback port, recording every request it gets. It answers with
/// the status `respond` chooses (500 to force a retry).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let body: [UInt8]
        let signature: String?
        let delivery: String?
        let attempt: String?
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    let received = Mutex<[Received]>([])
    let statuses = Mutex<[HTTPResponse.Status]>([])

    /// Statuses to answer in turn; `.ok` once they run out.
    func answer(_ statuses: [HTTPResponse.Status]) { self.statuses.withLock { $0 = statuses } }

    var requests: [Received] { received.withLock { $0 } }

    /// Runs the receiver for the duration of `body`, passing its URL.
    static func run<T: Sendable>(_ body: @Sendable (String, WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            receiver.received.withLock {
                $0.append(
                    Received(
                        body: Array(buffer: bytes), signature: request.headers[HTTPField.Name("Orderly-Signature")!],
                        delivery: request.headers[HTTPField.Name("Orderly-Delivery")!], attempt: request.headers[HTTPField.Name("Orderly-Attempt")!]))
            }
            let status = receiver.statuses.withLock { $0.isEmpty ? HTTPResponse.Status.ok : $0.removeFirst() }
            // A redirect points back at this receiver: a client that followed it would be seen.
            let headers: HTTPFields = (300..<400).contains(status.code) ? [.location: "/hook"] : [:]
            return Response(status: status, headers: headers)
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var bound: Int?
            for _ in 0..<500 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            defer { group.cancelAll() }
            guard let bound else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(bound)/hook", receiver)
        }
    }
}
