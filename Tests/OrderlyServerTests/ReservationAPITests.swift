import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import Testing

@Suite("Availability and reservations API")
struct ReservationAPITests {
    @Test(arguments: Engine.all)
    func reserveRefuseAndRelease(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 3]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 2]).expect(200)
            let availability = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1&sku=SKU-2&latitude=52.09&longitude=5.12").expect(200)
            #expect(availability.items.compactMap { ($0["available"] as? NSNumber)?.intValue } == [5, 0])
            let nearest = (availability.items.first?["locations"] as? [[String: Any]])?.first
            #expect(nearest?["locationId"] as? String == "ST-UTR" && nearest?["pickup"] as? Bool == true)
            let limited = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1&latitude=52.09&longitude=5.12&limit=1").expect(200)
            #expect((limited.items.first?["locations"] as? [[String: Any]])?.compactMap { $0["locationId"] as? String } == ["ST-UTR"])
            #expect((limited.items.first?["available"] as? NSNumber)?.intValue == 5, "the network total, not the listed locations'")
            let badLimit = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1&limit=0").expect(400)
            #expect(badLimit.fields == ["limit"])

            let reservation = try await app.send(
                .post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 4]], "ttlSeconds": 300]
            ).expect(201)
            #expect(reservation["status"] as? String == "active")
            let id = try #require(reservation["id"] as? String)
            let refused = try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 2]]]).expect(
                409)
            #expect(refused["code"] as? String == "insufficient_stock")
            let shortage = (refused["shortages"] as? [[String: Any]])?.first
            #expect(shortage?["sku"] as? String == "SKU-1" && (shortage?["available"] as? NSNumber)?.intValue == 1)

            let bad = try await app.send(
                .post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "GHOST", "quantity": 0]], "ttlSeconds": 0]
            ).expect(400)
            #expect(bad.fields == ["lines[0].quantity", "ttlSeconds"])
            try await app.send(.post, "/v1/reservations", json: ["channel": "nope", "lines": [["sku": "SKU-1", "quantity": 1]]]).expect(400)

            try await app.send(.delete, "/v1/reservations/\(id)").expect(200)
            let again = try await app.send(.delete, "/v1/reservations/\(id)").expect(200)
            #expect(again["status"] as? String == "released")
            try await app.send(.delete, "/v1/reservations/res_nope").expect(404)
            let after = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1").expect(200)
            #expect((after.items.first?["available"] as? NSNumber)?.intValue == 5)
        }
    }

    @Test(arguments: Engine.all)
    func idempotencyKeyReplaysTheFirstAnswer(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "checkout-42"]
            let body: [String: Any] = ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 3]]]
            let first = try await app.send(.post, "/v1/reservations", json: body, headers: key).expect(201)
            let second = try await app.send(.post, "/v1/reservations", json: body, headers: key).expect(201)
            #expect(first["id"] as? String == second["id"] as? String)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("reserved") == 3, "a retry reserves nothing more")
            let other = try await app.send(
                .post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 4]]], headers: key
            ).expect(422)
            #expect(other["code"] as? String == "idempotency_key_reused")

            // A refusal is an answer too: replayed, even after stock appears.
            let refusal: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "checkout-43"]
            let big: [String: Any] = ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 50]]]
            try await app.send(.post, "/v1/reservations", json: big, headers: refusal).expect(409)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 100]).expect(200)
            try await app.send(.post, "/v1/reservations", json: big, headers: refusal).expect(409)
        }
    }

    @Test(arguments: Engine.all)
    func concurrentCheckoutsNeverOversell(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 6]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-RTM", json: ["onHand": 4]).expect(200)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        try await app.send(.post, "/v1/reservations", json: ["channel": "web", "lines": [["sku": "SKU-1", "quantity": 1]]]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 10)
            #expect(statuses.filter { $0 == 409 }.count == 20)
            let levels = try await app.send(.get, "/v1/inventory?sku=SKU-1").expect(200)
            #expect(levels.items.compactMap { ($0["reserved"] as? NSNumber)?.intValue }.reduce(0, +) == 10)
            #expect(levels.items.allSatisfy { ($0["available"] as? NSNumber)?.intValue == 0 })
        }
    }
}
