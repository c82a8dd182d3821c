import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@testable import OrderlyServer

/// What a new user or integrator meets on the first day: search text that means itself, and
/// any `Accept` header answered with a 2xx or a 4xx, never a 5xx.
@Suite("First-day robustness")
struct FirstDayTests {
    @Test(arguments: Engine.all)
    func searchTextMatchesItselfNotAsAWildcard(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let line: [[String: Any]] = [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]]
            try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "A-1", lines: line, email: "ada@example.com")).expect(201)
            try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "B_2", lines: line, email: "bob@example.com"))
                .expect(201)
            try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "C%3", lines: line, email: "c\\d@example.com"))
                .expect(201)
            func orders(_ q: String) async throws -> [String] {
                let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
                return try await app.send(.get, "/v1/orders?q=\(escaped)").expect(200).items.compactMap { $0["externalId"] as? String }
            }
            func customers(_ q: String) async throws -> [String] {
                let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
                return try await app.send(.get, "/v1/customers?q=\(escaped)").expect(200).items.compactMap { $0["email"] as? String }
            }
            #expect(try await orders("%") == ["C%3"], "% is a percent sign, not every order")
            #expect(try await orders("_") == ["B_2"], "_ is an underscore, not any one character")
            #expect(try await orders("b_2") == ["B_2"])
            #expect(try await orders("a_1").isEmpty, "A-1 does not contain a_1")
            #expect(try await orders("\\") == ["C%3"], "a backslash matches the email that has one")
            #expect(try await customers("%").isEmpty)
            #expect(try await customers("_").isEmpty)
            #expect(try await customers("c\\d") == ["c\\d@example.com"])
            #expect(try await customers("bob") == ["bob@example.com"], "plain text still searches")
        }
    }

    static let acceptValues: [String?] = [
        nil, "*/*", "application/json", "text/html", "application/xml", "text/csv", "application/*", "text/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json;q=0, */*", "garbage", "a/b/c, ;;;",
    ]

    /// Walks every operation of the served spec with each `Accept` value: never a 5xx; a success
    /// answers the documented content type; a header that rules it out gets 406 problem+json
    /// naming what the operation answers, before the operation runs.
    @Test(arguments: Engine.all)
    func everyOperationHonoursAccept(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let spec = try await app.send(.get, "/openapi.json", key: nil).expect(200).json
            let paths = try #require(spec["paths"] as? [String: [String: Any]])
            var operations = 0
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                let path = template.replacingOccurrences(of: #"\{[^}]+\}"#, with: "missing", options: .regularExpression)
                for (method, operation) in item {
                    guard let method = HTTPRequest.Method(method.uppercased()), let operation = operation as? [String: Any] else { continue }
                    operations += 1
                    let responses = operation["responses"] as? [String: Any] ?? [:]
                    let documented = Set(
                        responses.filter { $0.key.hasPrefix("2") }.flatMap {
                            (($0.value as? [String: Any])?["content"] as? [String: Any] ?? [:]).keys
                        })
                    for accept in Self.acceptValues {
                        var headers: HTTPFields = [:]
                        if let accept { headers[.accept] = accept }
                        let body: String? = [.post, .put, .patch].contains(method) ? "{}" : nil
                        let reply = try await app.send(method, path, body: body, headers: headers)
                        let label = "\(method) \(template) Accept: \(accept ?? "none") → \(reply.status) \(reply.text.prefix(200))"
                        #expect(reply.status < 500, "\(label)")
                        let contentType = reply.headers[.contentType].map { String($0.split(separator: ";")[0]) }
                        let acceptable = documented.isEmpty || documented.contains { ContentNegotiation(accept: accept).quality(of: $0) > 0 }
                        if acceptable {
                            #expect(reply.status != 406, "\(label)")
                        } else {
                            #expect(reply.status == 406, "\(label)")
                            #expect(reply["code"] as? String == "not_acceptable", "\(label)")
                            #expect(documented.allSatisfy { (reply["detail"] as? String ?? "").contains($0) }, "names what it answers: \(label)")
                        }
                        if (200..<300).contains(reply.status), let contentType {
                            #expect(documented.contains(contentType), "\(label)")
                        } else if reply.status >= 400 {
                            #expect(contentType == "application/problem+json", "\(label)")
                        }
                    }
                }
            }
            #expect(operations > 70, "the walk reached every operation of the spec")
        }
    }

    @Test(arguments: Engine.all)
    func metricsAnswerPrometheusTextAndRefuseJSONAlone(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let text = try await app.send(.get, "/metrics", key: nil, headers: [.accept: "text/plain"]).expect(200)
            #expect(text.headers[.contentType]?.hasPrefix("text/plain") == true)
            let json = try await app.send(.get, "/metrics", key: nil, headers: [.accept: "application/json"]).expect(406)
            #expect(json["code"] as? String == "not_acceptable")
            #expect((json["detail"] as? String)?.contains("text/plain") == true)
            try await app.send(.get, "/metrics", key: nil, headers: [.accept: "application/json, text/plain;q=0.5"]).expect(200)
            try await app.send(.get, "/health", key: nil, headers: [.accept: "text/html"]).expect(406)
            try await app.send(.get, "/health", key: nil, headers: [.accept: "text/html, */*;q=0.1"]).expect(200)
        }
    }

    @Test(arguments: Engine.all)
    func aRefusedAcceptChangesNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let before = try await DatabaseImage.of(app.stores.database)
            try await app.send(
                .post, "/v1/locations", json: ["id": "WH-NEW", "name": "New", "type": "warehouse"], headers: [.accept: "text/html"]
            ).expect(406)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5], headers: [.accept: "application/xml"]).expect(406)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
        }
    }
}

@Suite("Accept header parsing")
struct ContentNegotiationTests {
    @Test func weightsFollowTheMostSpecificRange() {
        let negotiation = ContentNegotiation(accept: "text/*;q=0.3, text/html;q=0.7, text/plain;level=1, */*;q=0.1, application/json;q=0")
        #expect(negotiation.quality(of: "text/plain") == 1)
        #expect(negotiation.quality(of: "text/html") == 0.7)
        #expect(negotiation.quality(of: "text/csv") == 0.3)
        #expect(negotiation.quality(of: "image/png") == 0.1)
        #expect(negotiation.quality(of: "application/json") == 0, "q=0 means not acceptable")
        #expect(!negotiation.accepts(anyOf: ["application/json"]))
        #expect(negotiation.accepts(anyOf: ["application/json", "text/csv"]))
        #expect(negotiation.accepts(anyOf: []), "an empty answer satisfies any header")
    }

    @Test func absentOrUnreadableHeadersAcceptAnything() {
        for header in [nil, "", "  ", "garbage", "*/json", "text/html;q=2", "a/b/c", ";;;"] {
            #expect(ContentNegotiation(accept: header).accepts(anyOf: ["application/json"]), "\(header ?? "nil")")
        }
        #expect(!ContentNegotiation(accept: "garbage, text/html").accepts(anyOf: ["application/json"]), "readable members still count")
        #expect(ContentNegotiation(accept: "APPLICATION/JSON").accepts(anyOf: ["application/json"]), "media types are case-insensitive")
    }
}
