import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The customer-service side: dashboard, order search, the order with its actions.
extension WebUI {
    func dashboard(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        guard principal.may(.readOrders(nil)) else {
            // A store associate's home is their store.
            return .redirect(to: "/stores/\(session.user.locations.first ?? "")", type: .found)
        }
        let today = Calendar(identifier: .gregorian).startOfDay(for: stores.time.now)
        let dashboard = try await stores.orders.dashboard(since: today)
        let statuses = OrderStatus.allCases
        let alerts = try await stores.alerts.current()
        let rows = dashboard.byChannel.sorted { $0.key < $1.key }.map { channel, counts -> [String: Any] in
            ["channel": channel.rawValue, "counts": statuses.map { counts[$0] ?? 0 }, "total": counts.values.reduce(0, +)]
        }
        return render(
            "dashboard",
            [
                "ordersToday": dashboard.byChannel.values.flatMap(\.values).reduce(0, +), "awaitingStock": dashboard.awaitingStock,
                "onHold": dashboard.onHold, "failedWebhooks": try await stores.webhooks.failedCount(),
                "statuses": statuses.map { Words.phrase($0.rawValue) }, "byChannel": rows,
                "alerts": alertRows(alerts, links: true, in: session), "hasAlerts": !alerts.isEmpty,
            ], session: session, request: request, here: "dashboard")
    }

    func orders(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        try session.user.principal.authorize(.readOrders(nil))
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            query[name[...]].map(String.init).flatMap {
                $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces)
            }
        }
        let day = { (name: String) -> Date? in text(name).flatMap { try? Date($0 + "T00:00:00Z", strategy: .iso8601) } }
        let status = text("status").flatMap(OrderStatus.init(rawValue:))
        let search = OrderStore.Search(
            q: text("q"), channel: text("channel").map(ChannelID.init), status: status, sku: text("sku").map(SKU.init),
            createdFrom: day("from"), createdTo: day("to").map { $0.addingTimeInterval(86_400) })
        let page = try await stores.orders.search(search, after: text("cursor"), limit: 50)
        let channels = try await stores.channels.list(after: nil, limit: 500).items
        var next: String?
        if let cursor = page.nextCursor {
            var components = URLComponents()
            components.queryItems =
                ["q", "sku", "channel", "status", "from", "to"].compactMap { name in text(name).map { URLQueryItem(name: name, value: $0) } }
                + [URLQueryItem(name: "cursor", value: cursor)]
            next = "/orders" + (components.string ?? "")
        }
        var values: [String: Any] = [
            "q": text("q") ?? "", "sku": text("sku") ?? "", "from": text("from") ?? "", "to": text("to") ?? "",
            "channels": channels.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id.rawValue == text("channel")] },
            "statuses": OrderStatus.allCases.map { ["value": $0.rawValue, "label": Words.phrase($0.rawValue), "selected": $0 == status] },
            "orders": page.items.map { o -> [String: Any] in
                [
                    "id": o.id.rawValue, "number": o.number, "createdAt": when(o.createdAt, in: session), "channel": o.channel.rawValue,
                    "externalId": o.externalId ?? "", "status": o.status.rawValue, "total": Self.money(o.total, o.currency, in: session),
                ]
            },
        ]
        // Absent keys, not nil values: a template section must see nothing to skip.
        if let next { values["next"] = next }
        return render("orders", values, session: session, request: request, here: "orders")
    }

    /// When a line's waiting units are expected, for people: each promise of supply with its
    /// date, and what waits without one.
    func expected(_ line: OrderLine, _ promises: [SupplyPromise], in session: StaffStore.Session) -> String {
        guard line.backorderedQuantity > 0 else { return "" }
        let mine = promises.filter { $0.lineNumber == line.number }
        var parts = mine.map { "\($0.quantity) from \($0.supplyId), expected \(when($0.expectedAt, in: session))" }
        let undated = line.backorderedQuantity - mine.reduce(0) { $0 + $1.quantity }
        if undated > 0 { parts.append("\(undated) without a date") }
        return parts.joined(separator: "; ")
    }

    func order(_ request: Request, _ session: StaffStore.Session, _ id: String) async throws -> Response {
        let principal = session.user.principal
        let detail = try await stores.orders.detail(OrderID(id))
        let order = detail.order
        try principal.authorize(.readOrders(order.channel), on: "Order", id, seenWith: .readOrders(order.channel))
        let customer = try? await stores.customers.get(order.customerId).customer
        let events = try await stores.orders.timeline(order.id, after: nil, limit: 500).items
        let money = { (minor: Int64) in Self.money(minor, order.currency, in: session) }
        let locations = try await stores.locations.list(after: nil, limit: 500).items.filter(\.active)
        let returnLocations = locations.filter(\.capabilities.returns)
        let canChange = principal.may(.changeOrder(order.channel))
        let pickupStores = locations.filter(\.capabilities.pickup)
        let channel = try? await stores.channels.get(order.channel)
        let shipFrom = locations.filter { $0.capabilities.ship && channel?.pools($0.id) != false }
        let payments = try await stores.payments.list(order.id)
        let messages: [[String: Any]] = try await stores.messages.forOrder(order.id).reversed().map { messageRow($0, in: session) }
        let invoices = try await stores.invoices.list(orderId: order.id, after: nil, limit: 500).items.sorted {
            ($0.issuedAt, $0.number) < ($1.issuedAt, $1.number)
        }
        var values: [String: Any] = [:]
        // The configuration versions that decided the order.
        let decided = [
            order.workflow.map { "workflow \($0.id) v\($0.version) (\($0.state))" }, order.routingStrategy.map { "routing strategy \($0)" },
        ]
        if case let parts = decided.compactMap({ $0 }), !parts.isEmpty { values["decidedBy"] = parts.joined(separator: " · ") }
        if let state = order.workflow, let stage = try await stores.orders.waitingStage(of: order) {
            var block: [String: Any] = [
                "name": stage.name, "ends": stage.ends, "workflow": "\(state.id) v\(state.version)", "orderId": order.id.rawValue,
            ]
            if let since = state.since { block["since"] = when(since, in: session) }
            if case .approval(let roles) = stage.end, roles.contains(session.user.role), canChange {
                block["canDecide"] = true
                block["csrf"] = session.csrfToken
            }
            values["stage"] = block
        }
        values.merge([
            "invoices": invoices.map { i -> [String: Any] in
                [
                    "id": i.id.rawValue, "number": i.number, "kind": i.kind == .invoice ? "invoice" : "credit note", "total": money(i.total),
                    "issuedAt": when(i.issuedAt, in: session),
                ]
            },
            "id": order.id.rawValue, "number": order.number, "status": order.status.rawValue, "channel": order.channel.rawValue,
            "createdAt": when(order.createdAt, in: session), "customerId": order.customerId.rawValue,
            "customerName": customer?.name ?? customer?.email ?? "walk-in customer",
            "total": money(order.totals.total), "subtotal": money(order.totals.subtotal), "shipping": money(order.totals.shippingTotal),
            "discount": money(order.totals.discountTotal), "tax": money(order.totals.taxTotal), "canChange": canChange, "csrf": session.csrfToken,
            "paymentStatus": order.paymentStatus.rawValue, "authorized": money(order.payments.authorized),
            "captured": money(order.payments.captured), "refunded": money(order.payments.refunded), "amountDue": money(order.amountDue),
            "canRecordPayment": principal.may(.recordPayment(order.channel)), "currencyCode": order.currency.rawValue,
            "payments": payments.reversed().map { t -> [String: Any] in
                [
                    "at": when(t.at, in: session), "kind": t.kind.rawValue, "amount": money(t.amount), "status": t.status.rawValue,
                    "provider": t.provider,
                    "method": t.method ?? "", "reference": t.reference, "note": t.note ?? "",
                ]
            },
            "shippingLines": order.shippingLines.map { shipping -> [String: Any] in
                [
                    "method": shipping.method, "carrier": shipping.carrier ?? "", "price": money(shipping.price),
                    "taxes": Self.describe(shipping.taxes, money), "total": money(shipping.total),
                ]
            },
            "lines": order.lines.map { line -> [String: Any] in
                [
                    "number": line.number, "sku": line.sku.rawValue, "delivery": Self.describe(line.delivery), "quantity": line.quantity,
                    "unitPrice": money(line.unitPrice), "allocated": line.allocatedQuantity, "backordered": line.backorderedQuantity,
                    "fulfilled": line.fulfilledQuantity, "cancelled": line.cancelledQuantity, "returned": line.returnedQuantity,
                    "expected": expected(line, detail.promises, in: session),
                    "discounts": line.discountTotal > 0 ? "−" + money(line.discountTotal) : "",
                    "taxes": Self.describe(line.taxes, money), "lineTotal": money(line.total),
                ]
            },
            "holds": order.holds.map {
                [
                    "id": $0.id, "reason": $0.reason, "source": $0.source.rawValue, "orderId": order.id.rawValue, "canChange": canChange,
                    "csrf": session.csrfToken,
                ]
            },
            "fulfillmentOrders": detail.fulfillmentOrders.map { fo -> [String: Any] in
                [
                    "foId": fo.id.rawValue, "orderNo": order.id.rawValue,
                    "movable": canChange && fo.isMovable,
                    "targets": shipFrom.filter { $0.id != fo.locationId }.map { ["targetId": $0.id.rawValue, "targetName": $0.name] },
                    "splittable": canChange && fo.isSplittable,
                    "openLines": fo.lines.filter { $0.quantity > $0.fulfilledQuantity }.map {
                        ["splitLine": $0.orderLine, "splitSku": $0.sku.rawValue, "splitOpen": $0.quantity - $0.fulfilledQuantity]
                    },
                    // An empty string still opens a mustache section: the flag says whether to offer it.
                    "mergeInto": fo.mergeTarget(among: detail.fulfillmentOrders)?.id.rawValue ?? "",
                    "canMerge": canChange && fo.mergeTarget(among: detail.fulfillmentOrders) != nil,
                    "locationId": fo.locationId.rawValue, "type": fo.type.rawValue, "status": fo.status.rawValue, "pickupCode": fo.pickupCode ?? "",
                    "lines": fo.lines.map { "\($0.sku) × \($0.quantity)" + ($0.fulfilledQuantity > 0 ? " (\($0.fulfilledQuantity) done)" : "") }
                        .joined(separator: ", "),
                ]
            },
            "returnLocations": returnLocations.map { ["id": $0.id.rawValue, "name": $0.name] },
            "canChangeLines": canChange && !order.changeableLines.isEmpty,
            "changeLines": order.changeableLines.map { line -> [String: Any] in
                [
                    "lineNo": line.number, "lineSku": line.sku.rawValue, "kept": line.kept,
                    "now": Self.describe(line.delivery),
                ]
            },
            "hasHolds": !order.holds.isEmpty,
            "messages": messages,
            "pickupStores": pickupStores.map { ["storeId": $0.id.rawValue, "storeName": $0.name] },
            "lineErrors": Self.fieldErrors(request, form: "lines")["lines"] ?? "",
            "addressErrors": Self.fieldErrors(request, form: "address", group: "shippingAddress"),
            "paymentErrors": Self.fieldErrors(request, form: "payment"),
            "events": events.reversed().map { event -> [String: Any] in
                ["at": when(event.at, in: session), "type": event.type, "actor": event.actor ?? "", "details": EventSummary.describe(event.data)]
            },
        ]) { $1 }
        if let externalId = order.externalId { values["externalId"] = externalId }
        if let email = customer?.email { values["customerEmail"] = email }
        if let address = order.shippingAddress {
            values["address"] = [
                "name": address.name ?? "", "line1": address.line1 ?? "", "postalCode": address.postalCode ?? "", "city": address.city ?? "",
                "country": address.country ?? "",
            ]
        }
        if !order.discounts.isEmpty {
            values["orderDiscounts"] = order.discounts.map { "\($0.name)\($0.code.map { " (\($0))" } ?? ""): \(money($0.amount))" }
                .joined(separator: ", ")
        }
        if let billing = order.billingAddress {
            values["billing"] = [billing.name, billing.line1, billing.postalCode, billing.city, billing.country].compactMap { $0 }
                .joined(separator: ", ")
        }
        if detail.refundPending > 0 || detail.refunded > 0 {
            values["refunds"] = ["pending": money(detail.refundPending), "paid": money(detail.refunded)]
        }
        return render("order", values, session: session, request: request, here: "orders")
    }

    /// Taxes for people: `VAT 21% 312 incl.`, one after another.
    static func describe(_ taxes: [Tax], _ money: (Int64) -> String) -> String {
        taxes.map { tax in
            let percent = Decimal(tax.rate.millionths) / 10_000
            return "\(tax.name) \(percent)% \(money(tax.amount))\(tax.included ? " incl." : "")"
        }.joined(separator: ", ")
    }

    static func describe(_ delivery: Delivery) -> String {
        switch delivery {
        case .ship: "ship"
        case .pickup(let store): "pickup at \(store)"
        case .carryOut(let store): "sold at \(store)"
        }
    }

    // MARK: Actions on an order (customer service)

    func registerOrderActions(on router: Router<BasicRequestContext>) {
        router.post("/orders/:id/notes") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                let order = try await changeable(id, session)
                try await stores.orders.addNote(order.id, text: try form.decode(NoteForm.self).text, actor: session.user.principal.name)
                return ("/orders/\(id)", session.says("Note added.", "Notitie toegevoegd."))
            }
        }
        router.post("/orders/:id/holds") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                let order = try await changeable(id, session)
                _ = try await stores.orders.hold(order.id, reason: try form.decode(HoldForm.self).reason, actor: session.user.principal.name)
                return ("/orders/\(id)", session.says("The order is on hold.", "De bestelling staat in de wacht."))
            }
        }
        router.post("/orders/:id/holds/:hold/release") { request, context in
            let id = try context.parameters.require("id")
            let hold = try context.parameters.require("hold")
            return try await action(request, context, back: "/orders/\(id)") { _, session in
                let order = try await changeable(id, session)
                _ = try await stores.orders.releaseHold(order.id, hold: hold, actor: session.user.principal.name)
                return ("/orders/\(id)", session.says("Hold released.", "Blokkade opgeheven."))
            }
        }
        router.post("/orders/:id/cancel") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                let order = try await changeable(id, session)
                let fields = try form.decode(CancelForm.self)
                let lines = fields.line.map { [OrderCancellation(line: $0.value, quantity: fields.quantity?.value)] }
                let reason = fields.reason
                _ = try await stores.orders.cancel(order.id, lines: lines, reason: reason, actor: session.user.principal.name)
                return (
                    "/orders/\(id)",
                    lines == nil
                        ? session.says("The order is cancelled.", "De bestelling is geannuleerd.") : session.says("Cancelled.", "Geannuleerd.")
                )
            }
        }
        router.post("/orders/:id/address") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)#address", form: "address") { form, session in
                let order = try await changeable(id, session)
                let address = try form.decode(AddressForm.self).address
                _ = try await stores.orders.update(
                    order.id, shippingAddress: address, coordinates: nil, tags: nil, actor: session.user.principal.name)
                return ("/orders/\(id)", session.says("Address changed.", "Adres gewijzigd."))
            }
        }
        router.post("/orders/:id/returns") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                let order = try await stores.orders.get(OrderID(id))
                let fields = try form.decode(ReturnForm.self)
                let location = LocationID(fields.locationId)
                try session.user.principal.authorize(.handleReturn(location), on: "Order", id, seenWith: .readOrders(order.channel))
                var exchange: [Exchange.Item] = []
                if let sku = fields.exchangeSku {
                    var price: Int64?
                    if let text = fields.exchangePrice {
                        guard let minor = order.currency.minorUnits(text) else {
                            throw OrderlyError.invalid("exchangePrice", "is not an amount in \(order.currency), such as 25.00")
                        }
                        price = minor
                    }
                    exchange = [Exchange.Item(sku: SKU(sku), quantity: fields.exchangeQuantity?.value ?? 1, unitPrice: price)]
                }
                let ret = try await stores.returns.create(
                    orderId: order.id, locationId: location, method: fields.method ?? .mail,
                    lines: [(fields.line.value, fields.quantity.value, fields.reason ?? "")], exchange: exchange,
                    actor: session.user.principal.name)
                let money = { (minor: Int64) in order.currency.format(minor) }
                var message = "Return \(ret.id) started; refund \(money(ret.refundAmount)) when it arrives."
                if let replacement = ret.exchangeOrderId {
                    message +=
                        " Exchange order \(replacement) placed: \(money(ret.exchangeCredit)) paid by the return, \(money(ret.exchangeCharge)) to pay."
                }
                return ("/orders/\(id)", message)
            }
        }
    }

    /// The order, if this person may change it (the same rule as for an API key of their role).
    func changeable(_ id: String, _ session: StaffStore.Session) async throws -> Order {
        try await order(id, session, may: { .changeOrder($0) })
    }

    /// The order if the person may do `action` on it; one they may not even read is not found.
    func order(_ id: String, _ session: StaffStore.Session, may action: (ChannelID) -> Action) async throws -> Order {
        let order = try await stores.orders.get(OrderID(id))
        try session.user.principal.authorize(action(order.channel), on: "Order", id, seenWith: .readOrders(order.channel))
        return order
    }
}
