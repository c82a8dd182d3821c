import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Order entry in the back office: customer service takes a phone order, and a store associate
/// sells from other locations' stock on the store's POS channel (ship it, or pick it up at any
/// store), sees each sku's availability per location and the routing before confirming,
/// and places it through the same decision as any channel's order (`OrderStore.place`). The
/// form carries a request key drawn when it was first shown: sent twice, it places one order.
extension WebUI {
    static let entryRows = 4

    func orderEntry(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        guard !(try await entryChannels(session)).isEmpty else {
            throw OrderlyError(.forbidden, "You enter no orders: a store needs a point-of-sale channel that holds it")
        }
        return try await renderEntry(request, session, OrderEntryForm(), preview: nil, error: nil)
    }

    func registerOrderEntry(on router: Router<BasicRequestContext>) {
        router.get("/order-entry") { request, context in try await page(request, context) { try await orderEntry($0, $1) } }
        router.post("/order-entry") { request, context in
            let (form, session): (WebForm, StaffStore.Session)
            switch try await posted(request, context) {
            case .refused(let response): return response
            case .form(let posted, let by): (form, session) = (posted, by)
            }
            let fields = (try? form.decode(OrderEntryForm.self)) ?? OrderEntryForm()
            do {
                guard try await entryChannels(session).contains(where: { $0.id.rawValue == fields.channel }) else {
                    throw OrderlyError(.forbidden, "You do not enter orders on channel '\(fields.channel ?? "")'")
                }
                let draft = try fields.draft()
                if fields.intent == "place" {
                    let placement = try await stores.orders.place(draft, actor: session.user.principal.name)
                    // A store reads no order pages: it goes back to its own page.
                    let to = session.user.role == .store ? "/stores/\(session.user.locations.first ?? "")" : "/orders/\(placement.order.id)"
                    return redirect(
                        to, flash: "ok", session.says("Order \(placement.order.number) placed.", "Bestelling \(placement.order.number) geplaatst."))
                }
                let simulation = try await stores.orders.simulateRouting(.draft(draft), strategy: .current)
                return try await renderEntry(request, session, fields, preview: simulation, error: nil)
            } catch let error as OrderlyError where error.code != .forbidden {
                return try await renderEntry(request, session, fields, preview: nil, error: error)
            }
        }
    }

    /// The channels this person enters orders on (`Principal.entryChannels`).
    func entryChannels(_ session: StaffStore.Session) async throws -> [Channel] {
        session.user.principal.entryChannels(among: try await stores.channels.list(after: nil, limit: 500).items)
    }

    private func renderEntry(
        _ request: Request, _ session: StaffStore.Session, _ fields: OrderEntryForm, preview: OrderStore.RoutingSimulation?, error: OrderlyError?
    ) async throws -> Response {
        let channels = try await entryChannels(session)
        let locations = try await stores.locations.list(after: nil, limit: 500).items.filter(\.active)
        let pickup = locations.filter(\.capabilities.pickup)
        let chosen = fields.channel ?? channels.first(where: { $0.kind == .other })?.id.rawValue ?? channels.first?.id.rawValue ?? ""
        var rows: [[String: Any]] = []
        for n in 1...Self.entryRows {
            let key = "r\(n)"
            let sku = fields.sku?[key] ?? ""
            var row: [String: Any] = [
                "row": key, "rowSku": sku, "rowQuantity": fields.quantity?[key] ?? "", "rowPrice": fields.price?[key] ?? "",
                "rowDeliveries": [["value": "ship", "label": "ship", "selected": (fields.delivery?[key] ?? "ship") == "ship"]]
                    + pickup.map {
                        ["value": "pickup:\($0.id)", "label": "pickup at \($0.name)", "selected": fields.delivery?[key] == "pickup:\($0.id)"]
                    },
            ]
            // Live availability of each sku entered, per location.
            if !sku.isEmpty {
                let levels = try await stores.inventory.levels(sku: SKU(sku), locationId: nil, after: nil, limit: 500).items.map(\.level)
                row["stock"] = levels.filter { $0.available > 0 }.sorted { $0.available > $1.available }.map { "\($0.locationId) \($0.available)" }
                    .joined(separator: " · ")
                if (row["stock"] as? String ?? "").isEmpty { row["stock"] = "none available" }
            }
            rows.append(row)
        }
        var values: [String: Any] = [
            "csrf": session.csrfToken, "requestKey": fields.requestKey ?? "entry-" + UUID().uuidString.lowercased(), "rows": rows,
            "channels": channels.map { ["channelId": $0.id.rawValue, "channelName": $0.name, "chosen": $0.id.rawValue == chosen] },
            "email": fields.email ?? "", "name": fields.name ?? "", "phone": fields.phone ?? "", "line1": fields.line1 ?? "",
            "postalCode": fields.postalCode ?? "", "city": fields.city ?? "", "country": fields.country ?? "NL", "currency": fields.currency ?? "EUR",
            "shipping": fields.shipping ?? "", "note": fields.note ?? "",
        ]
        if let error { values["problem"] = Self.describe(error) }
        if let preview {
            let order = preview.order
            values["preview"] = [
                "total": Self.money(order.totals.total, order.currency, in: session),
                "plan": preview.plan.allocations.map { a in
                    "line \(order.lines[a.lineIndex].number): \(a.quantity) × \(a.sku) from \(a.locationId) (\(a.type.rawValue)) — \(a.reason)"
                } + preview.plan.backorders.map { b in "line \(order.lines[b.lineIndex].number): \(b.quantity) × \(b.sku) waits — \(b.reason)" },
                "refused": preview.refused.map { "\($0.sku): asked \($0.requested), available \($0.available)" },
            ]
        }
        return render("order-entry", values, session: session, request: request, here: "orders")
    }
}
