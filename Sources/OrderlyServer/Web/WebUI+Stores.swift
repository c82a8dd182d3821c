import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Stock and the stores' work: inventory across locations, a store's pick list, fulfillment
/// orders, pickups and returns, with the actions an associate takes.
extension WebUI {
    func inventory(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        let sku = request.uri.queryParameters["sku"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        var values: [String: Any] = ["sku": sku]
        if !sku.isEmpty {
            // A store associate sees their own stores' levels; everyone else every location's.
            let mine: [LocationID]? = principal.may(.readInventory(nil)) ? nil : session.user.locations
            var levels: [InventoryStore.LevelView] = []
            var ledger: [InventoryStore.LedgerEntry] = []
            for location in mine.map({ $0.map(Optional.some) }) ?? [nil] {
                try principal.authorize(.readInventory(location))
                levels += try await stores.inventory.levels(sku: SKU(sku), locationId: location, after: nil, limit: 500).items
                ledger += try await stores.inventory.ledger(sku: SKU(sku), locationId: location, before: nil, limit: 50).items
            }
            let product = try? await stores.products.get(SKU(sku))
            let row = { (l: InventoryLevel, incoming: Int64) -> [String: Any] in
                [
                    "locationId": l.locationId.rawValue, "onHand": l.onHand, "reserved": l.reserved, "safetyStock": l.safetyStock,
                    "available": l.available, "incoming": incoming,
                ]
            }
            values["searched"] = true
            if let product { values["product"] = ["sku": product.sku.rawValue, "name": product.name] }
            values["levels"] = levels.map { row($0.level, $0.incoming) }
            if levels.count > 1 {
                values["totals"] = [
                    "onHand": levels.reduce(0) { $0 + $1.level.onHand }, "reserved": levels.reduce(0) { $0 + $1.level.reserved },
                    "safetyStock": levels.reduce(0) { $0 + $1.level.safetyStock }, "available": levels.reduce(0) { $0 + $1.level.available },
                    "incoming": levels.reduce(0) { $0 + $1.incoming },
                ]
            }
            values["ledger"] = ledger.sorted { $0.id > $1.id }.prefix(50).map { e -> [String: Any] in
                [
                    "at": when(e.at, in: session), "locationId": e.locationId.rawValue, "delta": e.delta > 0 ? "+\(e.delta)" : "\(e.delta)",
                    "onHandAfter": e.onHandAfter, "reason": e.reason.rawValue, "reference": e.reference ?? "", "actor": e.actor ?? "",
                ]
            }
        }
        return render("inventory", values, session: session, request: request, here: "inventory")
    }

    /// A store's page; `extra` adds what a form tried out shows (a shelf count checked).
    func store(_ request: Request, _ session: StaffStore.Session, _ id: String, extra: [String: Any] = [:]) async throws -> Response {
        let location = LocationID(id)
        let principal = session.user.principal
        try principal.authorize(.readFulfillment(location), on: "Location", id, seenWith: .readFulfillment(location))
        let place = try await stores.locations.get(location)
        let work = try await stores.fulfillmentOrders.list(orderId: nil, locationId: location, status: nil, after: nil, limit: 500).items
            .filter { !$0.isFinished }
        let numbers = try await withThrowingTaskGroup(of: (OrderID, String).self) { group in
            for orderId in Set(work.map(\.orderId)) { group.addTask { (orderId, try await stores.orders.get(orderId).number) } }
            return try await group.reduce(into: [OrderID: String]()) { $0[$1.0] = $1.1 }
        }
        let pickList = try await stores.fulfillmentOrders.pickList(location)
        let alerts = try await stores.alerts.current(at: [location])
        var names: [SKU: String] = [:]
        for item in pickList { names[item.sku] = (try? await stores.products.get(item.sku))?.name }
        let returns = try await stores.returns.list(orderId: nil, locationId: location, status: .requested, after: nil, limit: 200).items
        // Received at this counter and not yet paid back: the till refunds them.
        let toRefund = try await stores.returns.list(orderId: nil, locationId: location, status: .received, after: nil, limit: 200).items
            .filter { $0.method == .store && $0.refundStatus == .pending }
        let mayWork = principal.may(.fulfil(location))
        var nearby: [String: Any] = [:]
        if principal.may(.findStockNearby), let asked = request.uri.queryParameters["nearby"].map(String.init), !asked.isEmpty {
            nearby = try await stockNearby(SKU(asked.trimmingCharacters(in: .whitespaces)), from: place)
        }
        return render(
            "store",
            [
                "id": id, "name": place.name, "takesBack": principal.mayTakeBack(at: location),
                "counts": principal.may(.changeInventory(location)), "csrf": session.csrfToken,
                "sells": principal.may(.sellAtCounter(location)), "saleKey": "sale-" + UUID().uuidString.lowercased(),
                "findsNearby": principal.may(.findStockNearby), "nearby": nearby,
                "alerts": alertRows(alerts, links: principal.may(.readOrders(nil)), in: session), "hasAlerts": !alerts.isEmpty,
                // A store reads no order pages: its lists name orders without linking them.
                "opensOrders": principal.may(.readOrders(nil)),
                "pickList": pickList.map { item -> [String: Any] in
                    [
                        "sku": item.sku.rawValue, "name": names[item.sku] ?? "", "quantity": item.quantity,
                        "orders": item.orders.map(\.orderNumber).joined(separator: ", "),
                    ]
                },
                "work": work.map { fo -> [String: Any] in
                    [
                        "id": fo.id.rawValue, "locationId": id, "orderId": fo.orderId.rawValue,
                        "orderNumber": numbers[fo.orderId] ?? fo.orderId.rawValue,
                        "type": fo.type.rawValue, "status": fo.status.rawValue, "csrf": session.csrfToken,
                        "lines": fo.lines.map { "\($0.sku) × \($0.quantity - $0.fulfilledQuantity)" }.joined(separator: ", "),
                        "takeLines": fo.canHandOver && fo.openUnits > 1
                            ? fo.lines.filter { $0.quantity > $0.fulfilledQuantity }.map { line -> [String: Any] in
                                ["key": "l\(line.orderLine)", "sku": line.sku.rawValue, "open": line.quantity - line.fulfilledQuantity]
                            } : [],
                        "canAccept": mayWork && fo.canAccept, "canShip": mayWork && fo.canShipEverything,
                        "canReady": mayWork && fo.canMakeReady, "canHandOver": mayWork && fo.canHandOver,
                        "canReject": mayWork && fo.canReject,
                        // Regrouping the location's own work: split units off, or merge a later order's work into earlier.
                        "splittable": mayWork && fo.isSplittable,
                        "openLines": fo.lines.filter { $0.quantity > $0.fulfilledQuantity }.map {
                            ["splitLine": $0.orderLine, "splitSku": $0.sku.rawValue, "splitOpen": $0.quantity - $0.fulfilledQuantity]
                        },
                        "mergeInto": fo.mergeTarget(among: work)?.id.rawValue ?? "", "canMerge": mayWork && fo.mergeTarget(among: work) != nil,
                    ]
                },
                "returns": returns.map { ret -> [String: Any] in
                    [
                        "id": ret.id.rawValue, "orderId": ret.orderId.rawValue, "method": ret.method.rawValue, "locationId": id,
                        "csrf": session.csrfToken,
                        "lines": ret.lines.map { "\($0.sku) × \($0.quantity) (\($0.reason))" }.joined(separator: ", "),
                    ]
                },
                "refunds": toRefund.map { ret -> [String: Any] in
                    [
                        "id": ret.id.rawValue, "orderId": ret.orderId.rawValue, "locationId": id, "csrf": session.csrfToken,
                        "amount": Self.money(ret.refundAmount, ret.currency, in: session),
                        "lines": ret.lines.map { "\($0.sku) × \($0.receivedQuantity)" }.joined(separator: ", "),
                    ]
                },
            ].merging(extra) { $1 }, session: session, request: request, here: "store:\(id)")
    }

    /// The other stores with a sku available now, nearest first (`StockNearby`).
    func stockNearby(_ sku: SKU, from here: Location) async throws -> [String: Any] {
        guard let product = try? await stores.products.get(sku) else { return ["sku": sku.rawValue, "unknown": true] }
        let levels = try await stores.inventory.levels(sku: sku, locationId: nil, after: nil, limit: 500).items
        let available = Dictionary(levels.map { ($0.level.locationId, $0.level.available) }, uniquingKeysWith: +)
        let stores_ = try await stores.locations.list(after: nil, limit: 500, type: .store).items
        let places = StockNearby.rank(available: available, locations: stores_, from: here)
        return [
            "sku": sku.rawValue, "productName": product.name, "hereAvailable": available[here.id] ?? 0,
            "places": places.map { place -> [String: Any] in
                [
                    "store": place.location.name, "storeId": place.location.id.rawValue, "available": place.available,
                    "distance": place.distanceKm.map { "\(Int($0.rounded())) km" } ?? "—", "pickup": place.takesPickups ? "yes" : "no",
                ]
            },
        ]
    }

    /// Taking units back at the counter: the order found by what the customer shows (any
    /// channel's, `OrderLookup`), what of each line can come back, and a count per condition.
    func takeBack(_ request: Request, _ session: StaffStore.Session, _ id: String) async throws -> Response {
        let location = LocationID(id)
        let principal = session.user.principal
        try principal.authorizeTakeBack(at: location)
        let place = try await stores.locations.get(location)
        let q = request.uri.queryParameters["q"].map(String.init) ?? ""
        var values: [String: Any] = ["id": id, "locationId": id, "name": place.name, "q": q, "csrf": session.csrfToken]
        guard !q.trimmingCharacters(in: .whitespaces).isEmpty else { return render("take-back", values, session: session, request: request) }
        let found: [OrderSummary]
        do {
            found = try await stores.orders.lookUp(try OrderLookup(q), limit: 20)
        } catch let error as OrderlyError {
            values["lookupError"] = error.detail
            return render("take-back", values, session: session, request: request)
        }
        let asked = request.uri.queryParameters["order"].map(String.init)
        let chosen = found.first { $0.id.rawValue == asked } ?? (found.count == 1 ? found.first : nil)
        values["searched"] = true
        values["found"] = found.map { o -> [String: Any] in
            [
                "id": o.id.rawValue, "number": o.number, "channel": o.channel.rawValue, "date": when(o.createdAt, in: session),
                "status": o.status.rawValue,
                "total": Self.money(o.total, o.currency, in: session), "chosen": o.id == chosen?.id,
                "link": "/stores/\(id)/take-back?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&order=\(o.id.rawValue)",
            ]
        }
        if let chosen {
            let (order, returnable) = try await stores.returns.returnable(chosen.id)
            var names: [SKU: String] = [:]
            for line in order.lines { names[line.sku] = (try? await stores.products.get(line.sku))?.name }
            values["order"] = [
                "orderId": order.id.rawValue, "number": order.number, "channel": order.channel.rawValue,
                "anyReturnable": returnable.values.contains { $0 > 0 },
                "lines": order.lines.map { line -> [String: Any] in
                    let units = returnable[line.number] ?? 0
                    var row: [String: Any] = [
                        "line": line.number, "sku": line.sku.rawValue, "name": names[line.sku] ?? "",
                        "bought": line.kept,
                        "fulfilled": line.fulfilledQuantity, "returned": line.returnedQuantity, "returnable": units,
                        "unitPrice": Self.money(line.paid(units: 1, after: line.returnedQuantity), order.currency, in: session),
                    ]
                    if units > 0 { row["key"] = "l\(line.number)" }
                    return row
                },
            ]
        }
        return render("take-back", values, session: session, request: request)
    }

    func registerStoreActions(on router: Router<BasicRequestContext>) {
        // A shelf counted: checked against the levels first (nothing recorded), then recorded.
        router.post("/stores/:location/count/check") { request, context in
            let location = try context.parameters.require("location")
            return try await tryOut(request, context, may: .changeInventory(LocationID(location))) { form, request, session in
                let scans = try form.decode(ShelfCountForm.self).scans ?? ""
                let review = try await Self.outcome {
                    let rows = try ShelfCount.rows(scans, at: LocationID(location))
                    let summary = try await stores.inventory.importSnapshot(rows, dryRun: true, reference: nil, actor: nil)
                    return [
                        "unchanged": summary.unchanged, "skus": summary.rows,
                        "differences": summary.differences.map { d -> [String: Any] in
                            let variance = d.after - d.before
                            return [
                                "sku": d.sku.rawValue, "expected": d.before, "counted": d.after,
                                "variance": variance > 0 ? "+\(variance)" : "\(variance)",
                            ]
                        },
                    ]
                }
                return try await store(request, session, location, extra: ["countReview": review, "scans": scans])
            }
        }
        router.post("/stores/:location/sale") { request, context in
            let location = try context.parameters.require("location")
            let back = "/stores/\(location)#sale"
            return try await action(request, context, back: back, form: "sale") { form, session in
                let store = LocationID(location)
                try session.user.principal.authorize(.sellAtCounter(store), on: "Location", location, seenWith: .readFulfillment(store))
                let fields = try form.decode(CounterSaleForm.self)
                let currency = CurrencyCode(fields.currency ?? "EUR")
                let items = try CounterSale.parse(fields.items ?? "", currency: currency)
                let channel = try CounterSale.channel(at: store, among: try await stores.channels.list(after: nil, limit: 500).items)
                let draft = CounterSale.draft(
                    items, at: store, channel: channel, currency: currency, customer: CustomerDetails(email: fields.email),
                    requestKey: fields.saleKey ?? "sale-" + UUID().uuidString.lowercased())
                let method = fields.method ?? "cash"
                let order = try await stores.orders.sellAtCounter(draft, paidWith: method, actor: session.user.principal.name)
                let total = Self.money(order.totals.total, order.currency, in: session)
                return (
                    back,
                    session.says(
                        "Sold \(order.number): \(total) paid by \(method).",
                        "Verkocht \(order.number): \(total) betaald met \(Words.phrase(method, in: "nl").lowercased()).")
                )
            }
        }
        router.post("/stores/:location/count") { request, context in
            let location = try context.parameters.require("location")
            let back = "/stores/\(location)"
            return try await action(request, context, back: back + "#count", form: "count") { form, session in
                try session.user.principal.authorize(
                    .changeInventory(LocationID(location)), on: "Location", location, seenWith: .readInventory(LocationID(location)))
                let rows = try ShelfCount.rows(try form.decode(ShelfCountForm.self).scans ?? "", at: LocationID(location))
                let summary = try await stores.inventory.importSnapshot(
                    rows, dryRun: false, reference: "shelf count", actor: session.user.principal.name)
                let changes = summary.differences.map { d in
                    let variance = d.after - d.before
                    return "\(d.sku) \(d.before) → \(d.after) (\(variance > 0 ? "+" : "")\(variance))"
                }
                return (
                    back + "#count",
                    session.says(
                        "Counted \(summary.rows) sku\(summary.rows == 1 ? "" : "s"): "
                            + (changes.isEmpty ? "everything as expected." : changes.joined(separator: ", ") + ", recorded in the ledger."),
                        "\(summary.rows) artikel\(summary.rows == 1 ? "" : "en") geteld: "
                            + (changes.isEmpty ? "alles zoals verwacht." : changes.joined(separator: ", ") + ", vastgelegd in het grootboek."))
                )
            }
        }
        router.post("/stores/:location/take-back/:order") { request, context in
            let location = try context.parameters.require("location")
            let orderId = OrderID(try context.parameters.require("order"))
            return try await action(request, context, back: "/stores/\(location)/take-back?q=\(orderId)") { form, session in
                let principal = session.user.principal
                try principal.authorizeTakeBack(at: LocationID(location))
                let requests = try form.decode(TakeBackForm.self).requests(reason: "returned at the counter")
                guard !requests.isEmpty else { throw OrderlyError.invalid("units", "count at least one unit to take back") }
                let received = try ReturnPolicy.handedOver(requests, method: .store)
                let ret = try await stores.returns.create(
                    orderId: orderId, locationId: LocationID(location), method: .store, lines: requests.map(\.request), received: received,
                    actor: principal.name)
                let units = ret.lines.reduce(0) { $0 + $1.receivedQuantity }
                let restocked = ret.lines.reduce(0) { $0 + $1.restockedQuantity }
                let refund = Self.money(ret.refundAmount, ret.currency, in: session)
                return (
                    "/stores/\(location)",
                    session.says(
                        "Taken back: \(units) unit\(units == 1 ? "" : "s"), \(restocked) back on the shelf. Refund \(refund): pay it under Refunds at the till.",
                        "Teruggenomen: \(units) stuk\(units == 1 ? "" : "s"), \(restocked) terug in het schap. Terugbetaling \(refund): betaal die onder Terugbetalingen aan de kassa."
                    )
                )
            }
        }
        router.post("/stores/:location/fulfillment-orders/:id/:step") { request, context in
            let location = try context.parameters.require("location")
            let id = FulfillmentOrderID(try context.parameters.require("id"))
            let step = try context.parameters.require("step")
            let back = "/stores/\(location)"
            return try await action(request, context, back: back) { form, session in
                let fo = try await stores.fulfillmentOrders.get(id)
                try session.user.principal.authorize(.fulfil(fo.locationId), on: "Fulfillment order", id, seenWith: .readFulfillment(fo.locationId))
                // The page's store is where the work is: another store's page does not reach it.
                guard fo.locationId == LocationID(location) else { throw OrderlyError.notFound("Fulfillment order", id.rawValue) }
                let actor = session.user.principal.name
                switch step {
                case "accept":
                    _ = try await stores.fulfillmentOrders.accept(id, actor: actor)
                    return (back, session.says("Accepted.", "Geaccepteerd."))
                case "ship":
                    let fields = try form.decode(FulfillmentStepForm.self)
                    _ = try await stores.fulfillmentOrders.ship(
                        id, lines: fo.openLines, carrier: fields.carrier, trackingNumber: fields.trackingNumber, actor: actor)
                    return (back, session.says("Shipped.", "Verzonden."))
                case "ship-scanned":
                    let fields = try form.decode(FulfillmentStepForm.self)
                    let lines = try fo.shipment(scanned: fields.scans ?? "")
                    let shipped = try await stores.fulfillmentOrders.ship(
                        id, lines: lines, carrier: fields.carrier, trackingNumber: fields.trackingNumber, actor: actor)
                    let units = lines.reduce(0) { $0 + $1.quantity }
                    return (
                        back,
                        session.says(
                            "Shipped \(units) unit\(units == 1 ? "" : "s")\(shipped.openUnits > 0 ? "; \(shipped.openUnits) still to ship" : "").",
                            "\(units) stuk\(units == 1 ? "" : "s") verzonden\(shipped.openUnits > 0 ? "; nog \(shipped.openUnits) te verzenden" : "")."
                        )
                    )
                case "reject":
                    let fields = try form.decode(RejectForm.self)
                    _ = try await stores.fulfillmentOrders.reject(id, reason: fields.reason, note: fields.note, actor: actor)
                    return (
                        back,
                        session.says(
                            "Rejected (\(fields.reason.rawValue)); the order is routed elsewhere.",
                            "Afgewezen (\(Words.phrase(fields.reason.rawValue, in: "nl").lowercased())); de bestelling gaat naar een andere locatie.")
                    )
                case "ready":
                    let ready = try await stores.fulfillmentOrders.readyForPickup(id, actor: actor)
                    return (
                        back,
                        session.says("Ready for pickup. Code: \(ready.pickupCode ?? "")", "Klaar om af te halen. Code: \(ready.pickupCode ?? "")")
                    )
                case "pickup":
                    let fields = try form.decode(FulfillmentStepForm.self)
                    let handed = try await stores.fulfillmentOrders.pickUp(id, code: fields.pickupCode ?? "", taking: fields.taking, actor: actor)
                    let units = handed.lines.reduce(0) { $0 + $1.fulfilledQuantity } - fo.lines.reduce(0) { $0 + $1.fulfilledQuantity }
                    let left = fo.openUnits - units
                    return (
                        back,
                        left > 0
                            ? session.says(
                                "Handed over \(units) of \(fo.openUnits) units; the other \(left) are cancelled.",
                                "\(units) van \(fo.openUnits) stuks overhandigd; de andere \(left) zijn geannuleerd.")
                            : session.says("Handed over.", "Overhandigd.")
                    )
                case "split":
                    let fields = try form.decode(SplitForm.self)
                    let parts = try await stores.fulfillmentOrders.split(id, units: [(fields.line.value, fields.quantity.value)], actor: actor)
                    let part = parts.last?.id.rawValue ?? ""
                    return (
                        back,
                        session.says(
                            "Split: \(fields.quantity.value) unit(s) now in \(part).", "Gesplitst: \(fields.quantity.value) stuk(s) nu in \(part).")
                    )
                case "merge":
                    let other = FulfillmentOrderID(try form.decode(MergeWorkForm.self).other)
                    _ = try await stores.fulfillmentOrders.merge(id, absorbing: other, actor: actor)
                    return (back, session.says("Merged \(other) into \(id).", "\(other) samengevoegd met \(id)."))
                default:
                    throw OrderlyError.notFound("Step", step)
                }
            }
        }
        router.post("/stores/:location/returns/:id/till-refund") { request, context in
            let location = try context.parameters.require("location")
            let id = ReturnID(try context.parameters.require("id"))
            let back = "/stores/\(location)"
            return try await action(request, context, back: back) { form, session in
                let ret = try await handled(id, session)
                let how = try form.decode(TillRefundForm.self).method
                _ = try await stores.returns.refundAtTill(id, how: how, actor: session.user.principal.name)
                let amount = Self.money(ret.refundAmount, ret.currency, in: session)
                return (
                    back,
                    how == .cash
                        ? session.says("Pay out \(amount) in cash.", "Betaal \(amount) contant uit.")
                        : session.says("\(amount) goes back to the original payment.", "\(amount) gaat terug naar de oorspronkelijke betaling.")
                )
            }
        }
        router.post("/stores/:location/returns/:id/receive") { request, context in
            let location = try context.parameters.require("location")
            let id = ReturnID(try context.parameters.require("id"))
            let back = "/stores/\(location)"
            return try await action(request, context, back: back) { form, session in
                let ret = try await handled(id, session)
                let condition = try form.decode(ReceiveForm.self).condition ?? .resellable
                let lines = ret.outstandingLines.map { ($0.orderLine, $0.quantity, condition) }
                _ = try await stores.returns.receive(id, lines: lines, actor: session.user.principal.name)
                return (back, session.says("Return received.", "Retour ontvangen."))
            }
        }
    }

    /// The return if the person may handle returns where it comes back.
    func handled(_ id: ReturnID, _ session: StaffStore.Session) async throws -> Return {
        let ret = try await stores.returns.get(id)
        try session.user.principal.authorize(.handleReturn(ret.locationId), on: "Return", id, seenWith: .readFulfillment(ret.locationId))
        return ret
    }
}
