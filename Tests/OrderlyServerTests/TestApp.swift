import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

extension Engine {
    /// Every API test runs on both engines.
    static let all: [Engine] = Engine.allCases
}

/// An Orderly app on a fresh database, driven through HTTP.
struct TestApp {
    static let adminKey = "ork_test_admin"

    let client: any TestClientProtocol
    let stores: Stores

    static func run(
        _ engine: Engine, time: any TimeSource = SystemTime(), configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (TestApp) async throws -> Void
    ) async throws {
        try await TestDatabase.withStores(engine, time: time, poolSize: 16) { stores in
            try await stores.apiKeys.ensureAdmin(secret: adminKey)
            var configuration = ServerConfiguration()
            // Tests fire requests far faster than any integration should; the rate-limit test turns it back on.
            configuration.rateLimitPerSecond = 0
            // Tests' webhook receivers listen on the loopback; the target tests turn this back off.
            configuration.webhookAllowPrivate = true
            configure(&configuration)
            let app = try buildApplication(configuration: configuration, stores: stores, logger: TestDatabase.logger, runsBackgroundJobs: false)
            try await app.test(.router) { client in
                try await body(TestApp(client: client, stores: stores))
            }
        }
    }

    /// Sends a request; `json` is encoded as the body, `key` defaults to the admin key.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, body: String? = nil, contentType: String? = nil,
        key: String? = TestApp.adminKey, headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        var buffer: ByteBuffer? = nil
        if let json {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = contentType ?? "application/json"
        } else if let body {
            buffer = ByteBuffer(string: body)
            headers[.contentType] = contentType ?? "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            Reply(status: response.status.code, headers: response.headers, text: String(buffer: response.body))
        }
    }

    /// A new store key's secret, for `locations`.
    func storeKey(_ name: String, at locations: [String]) async throws -> String {
        let created = try await send(.post, "/v1/api-keys", json: ["name": name, "role": "store", "locationIds": locations]).expect(201)
        return try #require(created["secret"] as? String)
    }

    /// The fixture business, created through the API.
    func seed() async throws {
        for location: [String: Any] in [
            ["id": "WH-AMS", "name": "Amsterdam DC", "type": "warehouse", "latitude": 52.37, "longitude": 4.90, "priority": 10],
            ["id": "ST-UTR", "name": "Utrecht store", "type": "store", "latitude": 52.09, "longitude": 5.12],
            ["id": "ST-RTM", "name": "Rotterdam store", "type": "store", "latitude": 51.92, "longitude": 4.48],
        ] {
            try await send(.post, "/v1/locations", json: location).expect(201)
        }
        try await send(.post, "/v1/products", json: [["sku": "SKU-1", "name": "One"], ["sku": "SKU-2", "name": "Two"]]).expect(200)
        try await send(.post, "/v1/channels", json: ["id": "web", "name": "Web", "type": "web"]).expect(201)
        try await send(.post, "/v1/channels", json: ["id": "pos", "name": "POS Utrecht", "type": "pos", "locations": ["ST-UTR"]]).expect(201)
    }
}

/// A response with its body as text and, when JSON, parsed.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    subscript(_ key: String) -> Any? { json[key] }

    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    /// Field names of a problem's errors.
    var fields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

    @discardableResult
    func expect(_ status: Int, sourceLocation: SourceLocation = #_sourceLocation) -> Reply {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        return self
    }

    func int(_ key: String) -> Int? { (json[key] as? NSNumber)?.intValue }
}
