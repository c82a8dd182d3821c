import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import Testing

@Suite("Inventory API")
struct InventoryAPITests {
    @Test(arguments: Engine.all)
    func strictBodiesNameTheFieldAndChangeNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let typo = try await app.send(.post, "/v1/locations", json: ["id": "A", "name": "A", "type": "store", "latitud": 52.1]).expect(400)
            #expect(typo["code"] as? String == "validation_failed")
            #expect(typo.fields == ["latitud"])
            let wrongType = try await app.send(.post, "/v1/locations", json: ["id": "A", "name": "A", "type": "store", "priority": "high"]).expect(
                400)
            #expect(wrongType.fields == ["priority"])
            let badEnum = try await app.send(.post, "/v1/locations", json: ["id": "A", "name": "A", "type": "shop"]).expect(400)
            #expect(badEnum.fields == ["type"])
            let missing = try await app.send(.post, "/v1/locations", json: ["id": "A", "type": "store"]).expect(400)
            #expect(missing.fields == ["name"])
            try await app.send(.post, "/v1/locations", body: "{\"id\": \"A\",").expect(400)
            let media = try await app.send(.post, "/v1/locations", body: "id=A", contentType: "application/x-www-form-urlencoded").expect(415)
            #expect(media["code"] as? String == "unsupported_media_type")
            try await app.send(.get, "/v1/locations/A").expect(404)
            let nested = try await app.send(
                .post, "/v1/inventory/adjustments",
                json: ["adjustments": [["sku": "S", "locationId": "L", "delta": 1, "reason": "adjustment", "qty": 2]]]
            ).expect(400)
            #expect(nested.fields == ["adjustments[0].qty"])
        }
    }

    @Test(arguments: Engine.all)
    func countsAdjustmentsAndTheLedger(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let counted = try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 20, "safetyStock": 2, "reference": "cycle-1"])
                .expect(200)
            #expect(counted.int("onHand") == 20 && counted.int("available") == 18 && counted.int("reserved") == 0)
            try await app.send(.put, "/v1/inventory/GHOST/WH-AMS", json: ["onHand": 1]).expect(404)
            let negative = try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": -1]).expect(400)
            #expect(negative.fields == ["onHand"])

            let refused = try await app.send(
                .post, "/v1/inventory/adjustments",
                json: [
                    "adjustments": [
                        ["sku": "SKU-1", "locationId": "WH-AMS", "delta": 5, "reason": "receipt"],
                        ["sku": "SKU-2", "locationId": "WH-AMS", "delta": -1, "reason": "damage"],
                    ]
                ]
            ).expect(400)
            #expect(refused.fields == ["adjustments[1].delta"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 20, "one bad line refuses the whole batch")

            let applied = try await app.send(
                .post, "/v1/inventory/adjustments",
                json: [
                    "adjustments": [
                        ["sku": "SKU-1", "locationId": "WH-AMS", "delta": 5, "reason": "receipt", "reference": "PO-9"],
                        ["sku": "SKU-2", "locationId": "ST-UTR", "delta": 3, "reason": "transfer"],
                    ]
                ]
            ).expect(200)
            #expect(applied.items.compactMap { ($0["onHand"] as? NSNumber)?.intValue } == [25, 3])

            let ledger = try await app.send(.get, "/v1/inventory/ledger?sku=SKU-1&locationId=WH-AMS").expect(200)
            #expect(ledger.items.compactMap { $0["reason"] as? String } == ["receipt", "count"])
            #expect(ledger.items.compactMap { ($0["delta"] as? NSNumber)?.intValue } == [5, 20])
            #expect(ledger.items.first?["reference"] as? String == "PO-9")
            #expect(ledger.items.first?["actor"] as? String == "bootstrap admin")

            let events = try await app.send(.get, "/v1/events?type=inventory.adjusted&type=inventory.counted").expect(200)
            #expect(events.items.compactMap { $0["type"] as? String } == ["inventory.counted", "inventory.adjusted"])
        }
    }

    @Test(arguments: Engine.all)
    func csvImportIsAllOrNothingAndNamesLines(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 4]).expect(200)
            let bad = try await app.send(
                .post, "/v1/inventory/import", body: "sku,locationId,onHand\nSKU-1,WH-AMS,9\nSKU-2,WH-AMS,x\nSKU-2\n", contentType: "text/csv"
            ).expect(400)
            #expect(bad.fields == ["line 3", "line 4"])
            let unknown = try await app.send(.post, "/v1/inventory/import", body: "SKU-1,WH-AMS,9\nGHOST,WH-AMS,1\n", contentType: "text/csv").expect(
                400)
            #expect(unknown.fields == ["line 2"])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 4)

            let csv = "sku,locationId,onHand\nSKU-1,WH-AMS,9\nSKU-2,ST-RTM,2\nSKU-2,ST-UTR,0\n"
            let dry = try await app.send(.post, "/v1/inventory/import?dryRun=true", body: csv, contentType: "text/csv").expect(200)
            #expect(dry.int("changed") == 2 && dry.int("unchanged") == 1 && dry["dryRun"] as? Bool == true)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 4)
            let done = try await app.send(.post, "/v1/inventory/import?reference=erp-0001", body: csv, contentType: "text/csv").expect(200)
            #expect(done.int("changed") == 2)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").int("onHand") == 9)
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-RTM").int("onHand") == 2)
            let json = try await app.send(.post, "/v1/inventory/import", json: ["sku": "SKU-1"]).expect(400)
            #expect(json["code"] as? String == "validation_failed", "JSON snapshots must be {levels: [...]}")
            let xml = try await app.send(.post, "/v1/inventory/import", body: "<levels/>", contentType: "application/xml").expect(415)
            #expect(xml["code"] as? String == "unsupported_media_type")
        }
    }

    @Test(arguments: Engine.all)
    func supplyFeedsIncomingAndReceiving(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(
                .post, "/v1/supply",
                json: [
                    "id": "PO-1", "locationId": "WH-AMS", "expectedAt": "2026-12-24T10:00:00Z",
                    "lines": [["sku": "SKU-1", "quantity": 12]],
                ]
            ).expect(201)
            let availability = try await app.send(.get, "/v1/availability?channel=web&sku=SKU-1").expect(200)
            let incoming = (availability.items.first?["incoming"] as? [[String: Any]]) ?? []
            #expect(incoming.count == 1 && (incoming.first?["quantity"] as? NSNumber)?.intValue == 12)
            #expect(incoming.first?["expectedAt"] as? String == "2026-12-24T10:00:00Z")
            try await app.send(.post, "/v1/supply/PO-1/receive", json: ["lines": [["sku": "SKU-1", "quantity": 5]]]).expect(200)
            let received = try await app.send(.post, "/v1/supply/PO-1/receive").expect(200)
            #expect(received["status"] as? String == "received")
            let level = try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(200)
            #expect(level.int("onHand") == 12 && level.int("incoming") == 0)
            try await app.send(.post, "/v1/supply/PO-1/receive").expect(409)
            try await app.send(.post, "/v1/supply/NOPE/receive").expect(404)
        }
    }

    @Test(arguments: Engine.all)
    func csvImportsLargerThanTheLimitAreRefused(engine: Engine) async throws {
        try await TestApp.run(engine, configure: { $0.maxImportBytes = 64 }) { app in
            try await app.seed()
            let csv = (0..<10).map { _ in "SKU-1,WH-AMS,5" }.joined(separator: "\n")
            let refused = try await app.send(.post, "/v1/inventory/import", body: csv, contentType: "text/csv").expect(413)
            #expect(refused["code"] as? String == "payload_too_large")
            try await app.send(.get, "/v1/inventory/SKU-1/WH-AMS").expect(404)
            try await app.send(.post, "/v1/inventory/import", body: "SKU-1,WH-AMS,5", contentType: "text/csv").expect(200)
        }
    }
}
