import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Order money API")
struct OrderMoneyAPITests {
    /// 2 × 2500 with a 500 line discount and 21 % VAT included (781 of 4500 − its share); 1 × 1000
    /// with no tax; an order discount of 100 (4500 and 1000 → 81.8…, 18.1… → 82, 18; 767 is 21/121 of 4418); express
    /// shipping 595 with 125 VAT on top. Total 6000 − 600 + 125 + 595 = 6120.
    static func body(totals: [String: Any]? = nil) -> [String: Any] {
        var body = OrdersAPITests.order(
            externalId: "money-1",
            lines: [
                [
                    "sku": "SKU-1", "quantity": 2, "unitPrice": 2500, "discounts": [["code": "DUO", "name": "Two for less", "amount": 500]],
                    "taxes": [["name": "VAT", "rate": 0.21, "amount": 767, "included": true]],
                ],
                ["sku": "SKU-2", "quantity": 1, "unitPrice": 1000, "taxes": []],
            ])
        body["discounts"] = [["name": "Newsletter", "amount": 100]]
        body["shippingLines"] = [
            ["method": "express", "carrier": "DHL", "price": 595, "taxes": [["name": "VAT", "rate": 0.21, "amount": 125, "included": false]]]
        ]
        body["billingAddress"] = ["name": "Ada Ltd", "line1": "Keizersgracht 1", "city": "Amsterdam", "country": "NL"]
        if let totals { body["totals"] = totals }
        return body
    }

    @Test(arguments: Engine.all)
    func anOrderCarriesItsDiscountsTaxesShippingAndTotals(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let totals: [String: Any] = ["subtotal": 6000, "discountTotal": 600, "taxTotal": 892, "shippingTotal": 595, "total": 6120]
            let created = try await app.send(.post, "/v1/orders", json: Self.body(totals: totals)).expect(201)
            let read = try await app.send(.get, "/v1/orders/\(try #require(created["id"] as? String))").expect(200)
            for order in [created, read] {
                let answered = order["totals"] as? [String: Any] ?? [:]
                for (key, value) in totals { #expect((answered[key] as? NSNumber)?.intValue == value as? Int, "totals.\(key)") }
                #expect((answered["discount"] as? NSNumber)?.intValue == 600 && (answered["shipping"] as? NSNumber)?.intValue == 595)
                let lines = order["lines"] as? [[String: Any]] ?? []
                #expect(lines.compactMap { ($0["orderDiscount"] as? NSNumber)?.intValue } == [82, 18])
                #expect(lines.compactMap { ($0["total"] as? NSNumber)?.intValue } == [4418, 982])
                let tax = (lines.first?["taxes"] as? [[String: Any]])?.first
                #expect((tax?["rate"] as? NSNumber)?.doubleValue == 0.21 && tax?["included"] as? Bool == true)
                #expect(((lines.first?["discounts"] as? [[String: Any]])?.first?["code"]) as? String == "DUO")
                let shipping = (order["shippingLines"] as? [[String: Any]])?.first
                #expect(shipping?["carrier"] as? String == "DHL" && (shipping?["price"] as? NSNumber)?.intValue == 595)
                #expect(((order["discounts"] as? [[String: Any]])?.first?["name"]) as? String == "Newsletter")
                #expect((order["billingAddress"] as? [String: Any])?["name"] as? String == "Ada Ltd")
            }
        }
    }

    @Test(arguments: Engine.all)
    func moneyThatDoesNotAddUpIsRefusedNamingTheFieldAndChangesNothing(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let before = try await DatabaseImage.of(app.stores.database)

            let wrongTotal = try await app.send(.post, "/v1/orders", json: Self.body(totals: ["taxTotal": 892, "total": 6000])).expect(400)
            #expect(wrongTotal["code"] as? String == "validation_failed" && wrongTotal.fields == ["totals.total"])
            #expect((wrongTotal["detail"] as? String)?.contains("6120") == true, "the expected value is named")

            var inexactRate = Self.body()
            inexactRate["shippingLines"] = [
                ["method": "express", "price": 595, "taxes": [["name": "VAT", "rate": 0.2100001, "amount": 125, "included": false]]]
            ]
            #expect(try await app.send(.post, "/v1/orders", json: inexactRate).expect(400).fields == ["shippingLines[0].taxes[0].rate"])

            var tooMuch = Self.body()
            tooMuch["discounts"] = [["name": "Everything", "amount": 5501]]
            let refused = try await app.send(.post, "/v1/orders", json: tooMuch).expect(400)
            #expect(refused.fields == ["discounts"] && (refused["detail"] as? String)?.contains("5500") == true)

            var both = Self.body()
            both["shippingPrice"] = 495
            #expect(try await app.send(.post, "/v1/orders", json: both).expect(400).fields == ["shippingPrice"])

            var typo = Self.body()
            typo["lines"] = [
                [
                    "sku": "SKU-1", "quantity": 1, "unitPrice": 100,
                    "taxes": [["name": "VAT", "rate": 0.21, "amount": 17, "included": true, "inclusive": true]],
                ]
            ]
            #expect(try await app.send(.post, "/v1/orders", json: typo).expect(400)["code"] as? String == "validation_failed")

            #expect(try await DatabaseImage.of(app.stores.database) == before)
        }
    }

    /// Rates as data: the admin keeps them, every key may read them, and orders that send lines
    /// without taxes are taxed from them — by the product's category and the shipping country.
    /// The order: 2 × 1210 of a standard product (21 % in it: 210 each, 420) and 1 × 1090 of a
    /// book (9 % in it: 90), shipping 500 with 21 % on top (105). Total 2420 + 1090 + 500 + 105.
    @Test(arguments: Engine.all)
    func ordersSentWithoutTaxesAreTaxedFromTheRates(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.patch, "/v1/products/SKU-2", json: ["taxCategory": "reduced"]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/WH-AMS", json: ["onHand": 10]).expect(200)
            let rates: [[String: Any]] = [
                ["id": "nl-std", "country": "NL", "taxCategory": "standard", "name": "BTW", "rate": 0.21, "included": true],
                ["id": "nl-low", "country": "NL", "taxCategory": "reduced", "name": "BTW laag", "rate": 0.09, "included": true],
                ["id": "nl-ship", "country": "NL", "taxCategory": "shipping", "name": "BTW", "rate": 0.21, "included": false],
            ]
            let web = try #require(
                try await app.send(.post, "/v1/api-keys", json: ["name": "web shop", "role": "channel", "channel": "web"]).expect(201)["secret"]
                    as? String)
            try await app.send(.post, "/v1/tax-rates", json: rates, key: web).expect(403)
            let before = try await DatabaseImage.of(app.stores.database)
            var bad = rates
            bad[1]["rate"] = 0.0901234
            bad[2]["country"] = "nl"
            #expect(try await app.send(.post, "/v1/tax-rates", json: bad).expect(400).fields == ["[1].rate"])
            bad[1]["rate"] = 0.09
            #expect(try await app.send(.post, "/v1/tax-rates", json: bad).expect(400).fields == ["[2].country"])
            #expect(try await DatabaseImage.of(app.stores.database) == before, "a refused batch saves none of its rates")
            #expect(try await app.send(.post, "/v1/tax-rates", json: rates).expect(200).items.count == 3)
            let listed = try await app.send(.get, "/v1/tax-rates?country=NL", key: web).expect(200).items
            #expect(listed.compactMap { $0["id"] as? String } == ["nl-low", "nl-ship", "nl-std"])
            #expect((listed.first?["rate"] as? NSNumber)?.doubleValue == 0.09)

            var body = OrdersAPITests.order(
                externalId: "taxed-1",
                lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1210], ["sku": "SKU-2", "quantity": 1, "unitPrice": 1090]])
            body["shippingLines"] = [["method": "standard", "price": 500]]
            body["totals"] = ["taxTotal": 615, "total": 4115]
            let order = try await app.send(.post, "/v1/orders", json: body, key: web).expect(201)
            let lines = order["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { (($0["taxes"] as? [[String: Any]])?.first?["amount"] as? NSNumber)?.intValue } == [420, 90])
            #expect(lines.map { (($0["taxes"] as? [[String: Any]])?.first?["name"]) as? String } == ["BTW", "BTW laag"])
            let shippingTax = ((order["shippingLines"] as? [[String: Any]])?.first?["taxes"] as? [[String: Any]])?.first
            #expect((shippingTax?["amount"] as? NSNumber)?.intValue == 105 && shippingTax?["included"] as? Bool == false)

            try await app.send(.delete, "/v1/tax-rates/nl-ship").expect(204)
            try await app.send(.delete, "/v1/tax-rates/nl-ship").expect(404)
            body["externalId"] = "taxed-2"
            body["totals"] = ["taxTotal": 510, "total": 4010]
            try await app.send(.post, "/v1/orders", json: body, key: web).expect(201)
            let events = try await app.send(.get, "/v1/events?limit=500").items.compactMap { $0["type"] as? String }
            #expect(events.filter { $0 == "tax_rate.saved" }.count == 3 && events.contains("tax_rate.deleted"))
        }
    }
}
