import Foundation
import Logging
import OrderlyCore
import OrderlyStore

/// `--demo`: a small but believable Dutch retailer of outdoor gear: a distribution centre,
/// three stores, a drop-ship supplier, web/marketplace/POS channels and thirty products with
/// stock spread over the network. Seeds only an empty database, so restarts keep its changes.
enum DemoBusiness {
    /// The demo staff accounts' password (a demo database is not for real data).
    static let staffPassword = "orderly-demo-2026"

    static func seed(_ stores: Stores, logger: Logger) async throws {
        guard try await stores.locations.list(after: nil, limit: 1).items.isEmpty else {
            logger.info("demo: the database already holds data; not seeding")
            return
        }
        let actor = "demo"
        let locations = [
            Location(
                id: "DC-TILBURG", name: "Tilburg distribution centre", kind: .warehouse,
                address: Address(line1: "Kraaivenstraat 21", city: "Tilburg", postalCode: "5048 AB", country: "NL"),
                coordinates: .init(latitude: 51.5719, longitude: 5.0672), priority: 10, dailyCapacity: 5000),
            Location(
                id: "ST-AMSTERDAM", name: "Amsterdam Kalverstraat", kind: .store,
                address: Address(line1: "Kalverstraat 92", city: "Amsterdam", postalCode: "1012 PH", country: "NL"),
                coordinates: .init(latitude: 52.3702, longitude: 4.8913), priority: 50, dailyCapacity: 60),
            Location(
                id: "ST-UTRECHT", name: "Utrecht Hoog Catharijne", kind: .store,
                address: Address(line1: "Godebaldkwartier 1", city: "Utrecht", postalCode: "3511 DX", country: "NL"),
                coordinates: .init(latitude: 52.0894, longitude: 5.1110), priority: 50, dailyCapacity: 40),
            Location(
                id: "ST-ROTTERDAM", name: "Rotterdam Lijnbaan", kind: .store,
                address: Address(line1: "Lijnbaan 45", city: "Rotterdam", postalCode: "3012 EL", country: "NL"),
                coordinates: .init(latitude: 51.9200, longitude: 4.4770), priority: 50, dailyCapacity: 40),
            Location(
                id: "SUP-KAYAKS", name: "Noordzee Kayaks (drop ship)", kind: .supplier,
                address: Address(city: "Den Helder", country: "NL"),
                coordinates: .init(latitude: 52.9563, longitude: 4.7601), priority: 90),
        ]
        for var location in locations {
            // Pickup messages tell the customer when the store is open.
            if location.kind == .store { location.openingHours = "ma–za 10:00–18:00, zo 12:00–17:00" }
            _ = try await stores.locations.create(location, actor: actor)
        }
        for (email, name, role, stores_) in [
            ("admin@orderly.demo", "Demo administrator", StaffUser.Role.admin, [LocationID]()),
            ("agent@orderly.demo", "Sam (customer service)", .service, []),
            ("utrecht@orderly.demo", "Noor (Utrecht store)", .store, ["ST-UTRECHT"]),
            ("rotterdam@orderly.demo", "Milan (Rotterdam store)", .store, ["ST-ROTTERDAM"]),
        ] {
            try await stores.staff.create(email: email, name: name, password: Self.staffPassword, role: role, locations: stores_, actor: actor)
        }
        logger.info(
            "demo: back office at / — sign in as admin@orderly.demo, agent@orderly.demo, utrecht@orderly.demo or rotterdam@orderly.demo with password \(Self.staffPassword)"
        )

        let catalogue: [(String, String, [String: String])] = [
            ("TENT-2P", "Ridge 2-person tent", ["category": "tents"]), ("TENT-4P", "Basecamp 4-person tent", ["category": "tents"]),
            ("BAG-SUMMER", "Summer sleeping bag", ["category": "sleeping"]), ("BAG-WINTER", "Winter sleeping bag −15°C", ["category": "sleeping"]),
            ("MAT-AIR", "Inflatable sleeping mat", ["category": "sleeping"]), ("PACK-30", "Daypack 30 L", ["category": "packs"]),
            ("PACK-55", "Trekking pack 55 L", ["category": "packs"]), ("PACK-70", "Expedition pack 70 L", ["category": "packs"]),
            ("BOOT-M-42", "Hiking boot men 42", ["category": "footwear", "size": "42"]),
            ("BOOT-M-44", "Hiking boot men 44", ["category": "footwear", "size": "44"]),
            ("BOOT-W-38", "Hiking boot women 38", ["category": "footwear", "size": "38"]),
            ("BOOT-W-40", "Hiking boot women 40", ["category": "footwear", "size": "40"]),
            ("JACKET-M-L", "Rain jacket men L", ["category": "clothing", "size": "L"]),
            ("JACKET-W-M", "Rain jacket women M", ["category": "clothing", "size": "M"]),
            ("FLEECE-M-M", "Fleece men M", ["category": "clothing", "size": "M"]),
            ("FLEECE-W-S", "Fleece women S", ["category": "clothing", "size": "S"]),
            ("SOCKS-3PK", "Merino socks 3-pack", ["category": "clothing"]), ("HAT-BEANIE", "Merino beanie", ["category": "clothing"]),
            ("STOVE-GAS", "Compact gas stove", ["category": "cooking"]), ("GAS-230", "Gas canister 230 g", ["category": "cooking"]),
            ("POT-SET", "Titanium pot set", ["category": "cooking"]), ("MUG-TI", "Titanium mug", ["category": "cooking"]),
            ("LAMP-HEAD", "Head torch 400 lm", ["category": "electronics"]), ("POWERBANK", "Power bank 10,000 mAh", ["category": "electronics"]),
            ("FILTER-H2O", "Water filter", ["category": "water"]), ("BOTTLE-1L", "Bottle 1 L", ["category": "water"]),
            ("POLES-PAIR", "Trekking poles (pair)", ["category": "accessories"]), ("MAP-NL", "Hiking map Netherlands", ["category": "books"]),
        ]
        // Dutch VAT: 21 % in prices, 9 % on books, 21 % on top of the shipping charge.
        var products = catalogue.map {
            Product(sku: SKU($0.0), name: $0.1, attributes: $0.2, taxCategory: $0.2["category"] == "books" ? "reduced" : nil)
        }
        _ = try await stores.taxRates.upsert(
            [
                TaxRateRule(id: "NL-standard", country: "NL", taxCategory: "standard", name: "BTW", rate: .init(millionths: 210_000), included: true),
                TaxRateRule(
                    id: "NL-reduced", country: "NL", taxCategory: "reduced", name: "BTW laag", rate: .init(millionths: 90_000), included: true),
                TaxRateRule(
                    id: "NL-shipping", country: "NL", taxCategory: "shipping", name: "BTW", rate: .init(millionths: 210_000), included: false),
            ], actor: actor)
        products.append(
            Product(
                sku: "KAYAK-SEA", name: "Sea kayak (delivered by the maker)", attributes: ["category": "water sports"],
                sellBeyondStock: .backorder, dropshipSupplier: "SUP-KAYAKS"))
        products.append(
            Product(
                sku: "TENT-ULTRA", name: "Ultralight tent (new season)", attributes: ["category": "tents"],
                sellBeyondStock: .preorder, releaseDate: Date().addingTimeInterval(21 * 86400)))
        _ = try await stores.products.upsert(products, actor: actor, bulk: true)

        // The web shop writes to its (Dutch) customers in Dutch; the other channels in English.
        var web = Channel(id: "web", name: "Web shop", kind: .web, holdRules: [HoldRule(name: "large order review", minTotal: 100_000)])
        web.language = .nl
        _ = try await stores.channels.create(web, actor: actor)
        _ = try await stores.channels.create(
            Channel(
                id: "marketplace", name: "Marketplace", kind: .marketplace, locations: ["DC-TILBURG", "SUP-KAYAKS"],
                routing: .init(shipFromStore: false, onShortage: .reject)), actor: actor)
        _ = try await stores.channels.create(Channel(id: "phone", name: "Phone orders", kind: .other), actor: actor)
        // The stores' tills; Utrecht also sells from the DC's stock (an endless aisle).
        for (id, name, pool) in [("pos-utrecht", "POS Utrecht", ["ST-UTRECHT", "DC-TILBURG"]), ("pos-rotterdam", "POS Rotterdam", ["ST-ROTTERDAM"])] {
            _ = try await stores.channels.create(
                Channel(id: ChannelID(id), name: name, kind: .pos, locations: pool.map(LocationID.init), routing: .init(onShortage: .reject)),
                actor: actor)
        }
        _ = try await stores.channels.create(
            Channel(id: "pos-amsterdam", name: "POS Amsterdam", kind: .pos, locations: ["ST-AMSTERDAM"], routing: .init(onShortage: .reject)),
            actor: actor)

        // Stock: plenty in the DC, a few of the popular items in each store; one sku sold out.
        var adjustments: [StockAdjustment] = []
        for (i, product) in catalogue.enumerated() {
            let sku = SKU(product.0)
            if sku == "TENT-4P" { continue }
            adjustments.append(
                .init(sku: sku, locationId: "DC-TILBURG", delta: Int64(40 + (i * 37) % 160), reason: .receipt, reference: "DEMO-OPENING"))
            for (j, store) in ["ST-AMSTERDAM", "ST-UTRECHT", "ST-ROTTERDAM"].enumerated() where (i + j) % 3 != 0 {
                adjustments.append(
                    .init(sku: sku, locationId: LocationID(store), delta: Int64(2 + (i + j) % 6), reason: .transfer, reference: "DEMO-OPENING"))
            }
        }
        adjustments.append(.init(sku: "KAYAK-SEA", locationId: "SUP-KAYAKS", delta: 6, reason: .receipt, reference: "DEMO-OPENING"))
        _ = try await stores.inventory.adjust(adjustments, actor: actor)
        _ = try await stores.inventory.count(sku: "TENT-2P", locationId: "DC-TILBURG", onHand: 60, safetyStock: 5, actor: actor)
        _ = try await stores.supply.create(
            Supply(
                id: "PO-2026-0412", locationId: "DC-TILBURG", expectedAt: Date().addingTimeInterval(7 * 86400),
                lines: [.init(sku: "TENT-4P", quantity: 80), .init(sku: "TENT-ULTRA", quantity: 120), .init(sku: "BOOT-M-42", quantity: 24)]),
            actor: actor)
        let orders = try await seedOrders(stores)
        logger.info("demo: seeded 5 locations, \(products.count) products, 3 channels, \(adjustments.count) stock levels and \(orders) orders")
    }

    /// A morning's orders from every channel: shipped, picked up, split, drop-shipped,
    /// backordered, held for review, partly cancelled.
    static func seedOrders(_ stores: Stores) async throws -> Int {
        let amsterdam = Address(name: "Sanne de Vries", line1: "Prinsengracht 263", city: "Amsterdam", postalCode: "1016 GV", country: "NL")
        let utrecht = Address(name: "Daan Jansen", line1: "Oudegracht 158", city: "Utrecht", postalCode: "3511 AZ", country: "NL")
        let groningen = Address(name: "Emma Bakker", line1: "Herestraat 44", city: "Groningen", postalCode: "9711 LM", country: "NL")
        let drafts: [OrderDraft] = [
            OrderDraft(
                channel: "web", externalId: "WEB-10001", customer: .init(email: "sanne@example.nl", name: "Sanne de Vries", phone: "+31 6 1111 2222"),
                currency: "EUR", shippingAddress: amsterdam, coordinates: .init(latitude: 52.3752, longitude: 4.8840),
                lines: [
                    .init(sku: "TENT-2P", quantity: 1, unitPrice: 24_900, discounts: [.init(code: "SPRING10", name: "Spring sale", amount: 2_490)]),
                    .init(sku: "MAT-AIR", quantity: 2, unitPrice: 5_995), .init(sku: "MAP-NL", quantity: 1, unitPrice: 1_295),
                ]),
            OrderDraft(
                channel: "web", externalId: "WEB-10002", customer: .init(email: "daan@example.nl", name: "Daan Jansen"),
                currency: "EUR", lines: [.init(sku: "BOOT-M-44", quantity: 1, unitPrice: 15_900, delivery: .pickup("ST-UTRECHT"))]),
            OrderDraft(
                channel: "marketplace", externalId: "MP-884213", customer: .init(email: "emma.bakker@example.nl", name: "Emma Bakker"),
                currency: "EUR", shippingAddress: groningen, coordinates: .init(latitude: 53.2170, longitude: 6.5660),
                lines: [.init(sku: "PACK-55", quantity: 1, unitPrice: 17_900), .init(sku: "KAYAK-SEA", quantity: 1, unitPrice: 129_900)]),
            OrderDraft(
                channel: "web", externalId: "WEB-10003", customer: .init(email: "Sanne@Example.nl"),
                currency: "EUR", shippingAddress: amsterdam, coordinates: .init(latitude: 52.3752, longitude: 4.8840),
                lines: [.init(sku: "TENT-4P", quantity: 1, unitPrice: 39_900), .init(sku: "TENT-ULTRA", quantity: 1, unitPrice: 44_900)]),
            OrderDraft(
                channel: "web", externalId: "WEB-10004", customer: .init(email: "daan@example.nl"),
                currency: "EUR", shippingAddress: utrecht, coordinates: .init(latitude: 52.0907, longitude: 5.1214),
                lines: [.init(sku: "BAG-WINTER", quantity: 4, unitPrice: 34_900), .init(sku: "STOVE-GAS", quantity: 2, unitPrice: 4_995)]),
            OrderDraft(
                channel: "pos-amsterdam", customer: .init(name: "Walk-in customer", phone: "+31 6 3333 4444"),
                currency: "EUR", lines: [.init(sku: "SOCKS-3PK", quantity: 2, unitPrice: 2_495, delivery: .pickup("ST-AMSTERDAM"))]),
        ]
        var first = drafts[0]
        first.shippingLines = [.init(method: "standard", carrier: "PostNL", price: 409)]
        var placed: [Order] = []
        for draft in [first] + drafts.dropFirst() { placed.append(try await stores.orders.place(draft, actor: "demo").order) }
        // The web shop's payment provider: the first order authorized and captured, the second authorized.
        let paid = placed[0]
        _ = try await stores.payments.record(
            .init(kind: .authorization, amount: paid.totals.total, currency: "EUR", provider: "adyen", method: "ideal", reference: "PSP-DEMO-1A"),
            on: paid.id, actor: "provider:adyen")
        _ = try await stores.payments.record(
            .init(kind: .capture, amount: paid.totals.total, currency: "EUR", provider: "adyen", method: "ideal", reference: "PSP-DEMO-1C"),
            on: paid.id, actor: "provider:adyen")
        _ = try await stores.payments.record(
            .init(kind: .authorization, amount: placed[1].totals.total, currency: "EUR", provider: "adyen", method: "card", reference: "PSP-DEMO-2A"),
            on: placed[1].id, actor: "provider:adyen")
        _ = try await stores.orders.addNote(placed[0].id, text: "Customer asked for delivery after 17:00.", actor: "demo")
        _ = try await stores.orders.cancel(placed[4].id, lines: [.init(line: 2, quantity: 1)], reason: "customer changed mind", actor: "demo")
        // The DC has shipped the first order; the Utrecht pickup is packed and waiting.
        for fo in try await stores.fulfillmentOrders.list(orderId: placed[0].id, locationId: nil, status: .open, after: nil, limit: nil).items {
            _ = try await stores.fulfillmentOrders.accept(fo.id, actor: "demo")
            _ = try await stores.fulfillmentOrders.ship(
                fo.id, lines: fo.lines.map { ($0.orderLine, $0.quantity) }, carrier: "PostNL", trackingNumber: "3SORD0000001", actor: "demo")
        }
        for fo in try await stores.fulfillmentOrders.list(orderId: placed[1].id, locationId: nil, status: .open, after: nil, limit: nil).items {
            _ = try await stores.fulfillmentOrders.readyForPickup(fo.id, actor: "demo")
        }
        return placed.count
    }
}
