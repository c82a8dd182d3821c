import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: a sale at the counter")
struct BackOfficeCounterSaleTests {
    /// The seeded business, its staff, and an associate of the Rotterdam store (which has no
    /// point-of-sale channel).
    static func staffWithRotterdam(_ app: TestApp) async throws {
        try await app.seed()
        try await BackOfficeTests.staff(app)
        try await app.stores.staff.create(
            email: "rotterdam@shop.test", name: "Rotterdam", password: BackOfficeTests.password, role: .store, locations: ["ST-RTM"], actor: "test")
    }

    /// The Utrecht associate rings up two skus on the handheld: an order of the store's POS
    /// channel, carried out at once (the units leave Utrecht's stock through the ledger), paid
    /// in full at the till; the same form sent twice sells once; what cannot be sold is refused
    /// with the reason and changes nothing; a store without a POS channel is told so.
    /// A Dutch associate is told in Dutch what each step did, money the Dutch way: a sale at the
    /// counter, a pickup made ready and a fulfillment order rejected.
    @Test(arguments: Engine.all)
    func aDutchAssociateIsToldInDutch(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await BackOfficeCounterSaleTests.staffWithRotterdam(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 5]).expect(200)
            let pickup =
                ["sku": "SKU-1", "quantity": 1, "unitPrice": 1000, "delivery": ["method": "pickup", "locationId": "ST-UTR"]] as [String: Any]
            let placed = try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(externalId: "nl-pickup", lines: [pickup])).expect(201)
            let fo = try #require((placed["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let account = try await store.go(.get, "/account").expect(200)
            try await store.go(.post, "/account/language", form: ["csrf": store.csrf(account), "language": "nl"]).expect(303)
            let csrf = store.csrf(try await store.go(.get, "/stores/ST-UTR").expect(200))
            let flash = { (store.cookies["orderly_flash"] ?? "").removingPercentEncoding ?? "" }

            try await store.go(.post, "/stores/ST-UTR/sale", form: ["csrf": csrf, "saleKey": "nl-1", "items": "SKU-1 2 12.50", "method": "cash"])
                .expect(303)
            #expect(flash().hasPrefix("ok:Verkocht ORD-") && flash().hasSuffix(": € 25,00 betaald met contant."), "\(flash())")
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(fo)/ready", form: ["csrf": csrf]).expect(303)
            #expect(flash().hasPrefix("ok:Klaar om af te halen. Code: "))
            var second = OrdersAPITests.order(externalId: "nl-pickup-2", lines: [pickup])
            second["customer"] = ["email": "bob@example.com"]
            let other = try await app.send(.post, "/v1/orders", json: second).expect(201)
            let rejected = try #require((other["fulfillmentOrders"] as? [[String: Any]])?.first?["id"] as? String)
            try await store.go(.post, "/stores/ST-UTR/fulfillment-orders/\(rejected)/reject", form: ["csrf": csrf, "reason": "no_capacity"])
                .expect(303)
            #expect(flash() == "ok:Afgewezen (geen capaciteit); de bestelling gaat naar een andere locatie.")
        }
    }

    @Test(arguments: Engine.all)
    func anAssociateSellsAtTheCounter(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await BackOfficeCounterSaleTests.staffWithRotterdam(app)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-UTR", json: ["onHand": 3]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 4]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/ST-RTM", json: ["onHand": 3]).expect(200)
            let store = BackOfficeTests.Browser(app)
            try await store.signIn("utrecht@shop.test")
            let page = try await store.go(.get, "/stores/ST-UTR").expect(200)
            #expect(page.text.contains("id=\"counter-sale\""))
            let csrf = store.csrf(page)
            let flash = { (store.cookies["orderly_flash"] ?? "").removingPercentEncoding ?? "" }

            let before = try await DatabaseImage.of(app.stores.database)
            try await store.go(.post, "/stores/ST-UTR/sale", form: ["csrf": csrf, "saleKey": "sale-x", "items": "SKU-1 lots 5.00"]).expect(303)
            #expect(flash() == "error:items line 1: 'lots' is not a number of units")
            try await store.go(.post, "/stores/ST-UTR/sale", form: ["csrf": csrf, "saleKey": "sale-x", "items": "SKU-1 4 5.00"]).expect(303)
            #expect(flash().contains("Not enough stock: SKU-1"))
            try await store.go(.post, "/stores/ST-RTM/sale", form: ["csrf": csrf, "saleKey": "sale-x", "items": "SKU-1 5.00"]).expect(404)
            store.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused sales change nothing")

            let sale = ["csrf": csrf, "saleKey": "sale-1", "items": "SKU-1 2 12.50\nSKU-2 4.95\nSKU-1 12.50", "method": "card"]
            try await store.go(.post, "/stores/ST-UTR/sale", form: sale).expect(303)
            #expect(flash().hasPrefix("ok:Sold ORD-") && flash().hasSuffix(": EUR 42.45 paid by card."))
            try await store.go(.post, "/stores/ST-UTR/sale", form: sale).expect(303)
            let orders = try await app.send(.get, "/v1/orders?channel=pos").expect(200).items
            #expect(orders.count == 1, "the same sale sent twice sells once")
            let order = try await app.send(.get, "/v1/orders/\(try #require(orders.first?["id"] as? String))").expect(200)
            #expect(order["status"] as? String == "fulfilled" && order["paymentStatus"] as? String == "paid")
            #expect((order["lines"] as? [[String: Any]])?.map { $0["quantity"] as? Int } == [3, 1])
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-UTR").int("onHand") == 0)
            #expect(try await app.send(.get, "/v1/inventory/SKU-2/ST-UTR").int("onHand") == 3)
            let payments = try await app.send(.get, "/v1/orders/\(order["id"] as? String ?? "")/payments").expect(200).items
            #expect(payments.map { $0["amount"] as? Int } == [4245] && payments.first?["method"] as? String == "card")

            let rotterdam = BackOfficeTests.Browser(app)
            try await rotterdam.signIn("rotterdam@shop.test")
            let rotterdamPage = try await rotterdam.go(.get, "/stores/ST-RTM").expect(200)
            try await rotterdam.go(.post, "/stores/ST-RTM/sale", form: ["csrf": rotterdam.csrf(rotterdamPage), "items": "SKU-1 5.00"]).expect(303)
            #expect((rotterdam.cookies["orderly_flash"] ?? "").removingPercentEncoding?.contains("No point-of-sale channel sells at ST-RTM") == true)
            #expect(try await app.send(.get, "/v1/inventory/SKU-1/ST-RTM").int("onHand") == 3)
        }
    }
}
