import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

/// Incoming supply is promised once: each waiting unit against one supply line, or none.
@Suite("Supply promises")
struct SupplyPromiseTests {
    static func order(_ n: Int, quantity: Int = 1) -> [String: Any] {
        OrdersAPITests.order(externalId: "wait-\(n)", lines: [["sku": "SKU-1", "quantity": quantity, "unitPrice": 500]])
    }

    static func supply(_ app: TestApp, _ id: String, _ quantity: Int, at date: String) async throws {
        try await app.send(
            .post, "/v1/supply",
            json: ["id": id, "locationId": "WH-AMS", "expectedAt": date, "lines": [["sku": "SKU-1", "quantity": quantity]]]
        ).expect(201)
    }

    static func incoming(_ app: TestApp) async throws -> Int {
        let availability = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1").expect(200)
        return ((availability.items.first?["incoming"] as? [[String: Any]]) ?? []).compactMap { ($0["quantity"] as? NSNumber)?.intValue }.reduce(0, +)
    }

    /// (promisedAt, promised units, supply ids) of each order's one line, by external id.
    static func lines(_ app: TestApp, _ ids: [String]) async throws -> [String: (at: String?, units: Int, supplies: [String])] {
        var result: [String: (String?, Int, [String])] = [:]
        for id in ids {
            let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            let line = try #require((order["lines"] as? [[String: Any]])?.first)
            let promises = line["promises"] as? [[String: Any]] ?? []
            result[order["externalId"] as? String ?? id] = (
                line["promisedAt"] as? String, promises.compactMap { ($0["quantity"] as? NSNumber)?.intValue }.reduce(0, +),
                promises.compactMap { $0["supplyId"] as? String }
            )
        }
        return result
    }

    @Test(arguments: Engine.all)
    func fiftyBackordersAgainstTenIncomingUnitsArePromisedTenExactly(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.supply(app, "PO-10", 10, at: "2026-12-24T10:00:00Z")
            #expect(try await Self.incoming(app) == 10)
            let start = StartLine(count: 50)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        await start.arrive()
                        let placed = try await app.send(.post, "/v1/orders", json: Self.order(n)).expect(201)
                        return try #require(placed["id"] as? String)
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let lines = try await Self.lines(app, ids)
            #expect(lines.values.filter { $0.units == 1 && $0.at == "2026-12-24T10:00:00Z" && $0.supplies == ["PO-10"] }.count == 10)
            #expect(lines.values.filter { $0.units == 0 && $0.at == nil }.count == 40, "the rest wait without a date")
            #expect(try await Self.incoming(app) == 0, "nothing left to promise a shopper")
        }
    }

    @Test(arguments: Engine.all)
    func receivingServesPromisesOldestFirstAndCancellingRepromisesExactly(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.supply(app, "PO-A", 4, at: "2026-12-20T10:00:00Z")
            var ids: [String] = []
            for n in 0..<6 {
                ids.append(try #require(try await app.send(.post, "/v1/orders", json: Self.order(n)).expect(201)["id"] as? String))
            }
            var lines = try await Self.lines(app, ids)
            #expect((0..<4).allSatisfy { lines["wait-\($0)"]?.supplies == ["PO-A"] }, "oldest orders first")
            #expect(lines["wait-4"]?.at == nil && lines["wait-5"]?.at == nil)

            // A later supply gives the two waiting without a date a date, and one unit is left over.
            try await Self.supply(app, "PO-B", 3, at: "2027-01-10T10:00:00Z")
            lines = try await Self.lines(app, ids)
            #expect(lines["wait-4"]?.supplies == ["PO-B"] && lines["wait-5"]?.at == "2027-01-10T10:00:00Z")
            #expect(try await Self.incoming(app) == 1)

            // Cancelling an order promised PO-A gives its unit to the oldest order promised later supply.
            try await app.send(.post, "/v1/orders/\(ids[1])/cancel").expect(200)
            lines = try await Self.lines(app, ids)
            #expect(lines["wait-1"]?.units == 0)
            #expect(lines["wait-4"]?.supplies == ["PO-A"] && lines["wait-4"]?.at == "2026-12-20T10:00:00Z")
            #expect(lines["wait-5"]?.supplies == ["PO-B"])
            #expect(try await Self.incoming(app) == 2, "PO-B: 3 units, 1 promised")

            // Two units of PO-A arrive: they go to the oldest orders promised PO-A, which stop waiting.
            try await app.send(.post, "/v1/supply/PO-A/receive", json: ["lines": [["sku": "SKU-1", "quantity": 2]]]).expect(200)
            for id in ids.prefix(3) where id != ids[1] {
                let order = try await app.send(.get, "/v1/orders/\(id)").expect(200)
                let line = try #require((order["lines"] as? [[String: Any]])?.first)
                #expect((line["allocatedQuantity"] as? NSNumber)?.intValue == 1, "\(order["externalId"] ?? id)")
                #expect((line["promises"] as? [Any])?.isEmpty == true && line["promisedAt"] == nil)
            }
            lines = try await Self.lines(app, ids)
            #expect(lines["wait-3"]?.supplies == ["PO-A"] && lines["wait-4"]?.supplies == ["PO-A"], "the rest of PO-A still promised")
            #expect(try await Self.incoming(app) == 2)
            let level = try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(200)
            #expect(level.int("onHand") == 2 && level.int("reserved") == 2)
        }
    }

    @Test(arguments: Engine.all)
    func cancellingSupplyRepromisesItsUnitsAndRefusesTwice(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.supply(app, "PO-SOON", 2, at: "2026-12-20T10:00:00Z")
            try await Self.supply(app, "PO-LATE", 2, at: "2027-02-01T10:00:00Z")
            var ids: [String] = []
            for n in 0..<3 {
                ids.append(try #require(try await app.send(.post, "/v1/orders", json: Self.order(n)).expect(201)["id"] as? String))
            }
            var lines = try await Self.lines(app, ids)
            #expect(lines["wait-0"]?.supplies == ["PO-SOON"] && lines["wait-1"]?.supplies == ["PO-SOON"] && lines["wait-2"]?.supplies == ["PO-LATE"])

            let cancelled = try await app.send(.post, "/v1/supply/PO-SOON/cancel").expect(200)
            #expect(cancelled["status"] as? String == "cancelled")
            lines = try await Self.lines(app, ids)
            #expect(lines["wait-0"]?.supplies == ["PO-LATE"] && lines["wait-1"]?.supplies == ["PO-LATE"], "the oldest take what is left")
            #expect(lines["wait-2"]?.units == 0 && lines["wait-2"]?.at == nil, "the newest waits without a date")
            #expect(try await Self.incoming(app) == 0)
            let events = try await app.send(.get, "/v1/events?limit=500").expect(200).items
            let event = try #require(events.last { $0["type"] as? String == "supply.cancelled" })
            let data = event["data"] as? [String: Any]
            #expect((data?["lines"] as? [[String: Any]])?.first?["quantity"] as? NSNumber == 2)

            let before = try await DatabaseImage.of(app.stores.database)
            let again = try await app.send(.post, "/v1/supply/PO-SOON/cancel").expect(409)
            #expect(again["code"] as? String == "conflict")
            try await app.send(.post, "/v1/supply/NOPE/cancel").expect(404)
            #expect(try await DatabaseImage.of(app.stores.database) == before)
        }
    }

    @Test(arguments: Engine.all)
    func aNewOrderAnswersItsPromisesAsALaterReadDoes(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await Self.supply(app, "PO-Z-LATE", 2, at: "2027-03-01T10:00:00Z")
            try await Self.supply(app, "PO-A-SOON", 1, at: "2026-12-28T10:00:00Z")
            let created = try await app.send(.post, "/v1/orders", json: Self.order(1, quantity: 4)).expect(201)
            let id = try #require(created["id"] as? String)
            let line = try #require((created["lines"] as? [[String: Any]])?.first)
            #expect((line["promises"] as? [[String: Any]])?.compactMap { $0["supplyId"] as? String } == ["PO-A-SOON", "PO-Z-LATE"])
            #expect(line["promisedAt"] == nil, "one of the four units waits without a date")
            let read = try await app.send(.get, "/v1/orders/\(id)").expect(200)
            #expect((created["lines"] as? NSArray) == (read["lines"] as? NSArray))
        }
    }

    @Test(arguments: Engine.all)
    func unitsARejectionLeavesWaitingArePromisedSupply(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 1]).expect(200)
            try await Self.supply(app, "PO-R", 1, at: "2027-01-05T10:00:00Z")
            let order = try await app.send(.post, "/v1/orders", json: Self.order(1)).expect(201)
            let id = try #require(order["id"] as? String)
            let first = try #require((order["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await Self.lines(app, [id])["wait-1"]?.units == 0, "allocated at the store, nothing waits")
            // The store has none after all, and no other location has any: the unit waits, promised PO-R.
            try await app.send(.post, "/v1/fulfillment-orders/\(first)/reject", json: ["reason": "not_found"]).expect(200)
            let line = try await Self.lines(app, [id])["wait-1"]
            #expect(line?.supplies == ["PO-R"] && line?.at == "2027-01-05T10:00:00Z")
            #expect(try await Self.incoming(app) == 0)
        }
    }
}
