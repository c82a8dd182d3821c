import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Money on the back office: finance's reports, invoices, and payments recorded by hand.
extension WebUI {
    /// Finance's page: the last 30 days (or `from`…`to`) from the invoices and credit notes, as
    /// a chart of net sales per day by channel with refunds, and tables by channel and location.
    func reports(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        try session.user.principal.authorize(.readOrders(nil))
        let query = request.uri.queryParameters
        let day = { (name: String) -> Date? in query[name[...]].flatMap { try? Date(String($0) + "T00:00:00Z", strategy: .iso8601) } }
        let today = Calendar(identifier: .gregorian).startOfDay(for: stores.time.now)
        let to = (day("to") ?? today).addingTimeInterval(86_400)
        let from = day("from") ?? to.addingTimeInterval(-30 * 86_400)
        let daily = try await stores.invoices.sales(from: from, to: to, by: .dayAndChannel)
        let byChannel = try await stores.invoices.sales(from: from, to: to, by: .channel)
        let byLocation = try await stores.invoices.sales(from: from, to: to, by: .location)
        let days = stride(from: from, to: to, by: 86_400).map { SalesReport.day($0) }
        let currencies = Array(Set(daily.rows.map(\.currency))).sorted { $0.rawValue < $1.rawValue }
        let charts = currencies.map { currency -> [String: Any] in
            let chart = SalesChart.svg(daily.rows.filter { $0.currency == currency }, days: days, currency: currency)
            return ["currency": currency.rawValue, "svg": chart.svg, "legend": chart.legend.map { ["channel": $0.channel, "color": $0.color] }]
        }
        let table = { (report: SalesReport) in
            report.rows.map { row -> [String: Any] in
                [
                    "key": row.key, "currency": row.currency.rawValue, "invoices": row.invoices, "units": row.units,
                    "gross": Self.money(row.gross, row.currency, in: session), "discounts": Self.money(row.discounts, row.currency, in: session),
                    "tax": Self.money(row.tax, row.currency, in: session), "net": Self.money(row.net, row.currency, in: session),
                    "refunds": Self.money(row.refunds, row.currency, in: session),
                    "returnsRate": String(format: "%.1f%%", row.returnsRate * 100),
                ]
            }
        }
        return render(
            "reports",
            [
                "from": SalesReport.day(from), "to": SalesReport.day(to.addingTimeInterval(-86_400)), "charts": charts,
                "byChannel": table(byChannel), "byLocation": table(byLocation),
            ], session: session, request: request, here: "reports")
    }

    /// An invoice or credit note as a printable document: seller, buyer, lines, the tax
    /// breakdown per rate and the totals.
    func invoice(_ request: Request, _ session: StaffStore.Session, _ id: String) async throws -> Response {
        let invoice = try await stores.invoices.get(InvoiceID(id))
        let order = try await stores.orders.get(invoice.orderId)
        try session.user.principal.authorize(.readOrders(order.channel), on: "Invoice", id, seenWith: .readOrders(order.channel))
        let money = { (minor: Int64) in invoice.currency.format(minor) }
        var values: [String: Any] = [
            "number": invoice.number, "title": invoice.kind == .invoice ? "Invoice" : "Credit note", "issuedAt": when(invoice.issuedAt, in: session),
            "orderId": invoice.orderId.rawValue, "orderNumber": invoice.orderNumber, "sellerName": seller.name, "total": money(invoice.total),
            "taxTotal": money(invoice.taxTotal),
            "lines": invoice.lines.map { line -> [String: Any] in
                [
                    "description": line.description, "quantity": line.quantity, "unitPrice": money(line.unitPrice),
                    "discount": line.discount > 0 ? "−" + money(line.discount) : "", "taxes": Self.describe(line.taxes, money),
                    "total": money(line.total),
                ]
            },
            "taxes": invoice.taxes.map { tax -> [String: Any] in
                [
                    "name": tax.name, "rate": "\(Decimal(tax.rate.millionths) / 10_000)%", "included": tax.included ? "included" : "added",
                    "amount": money(tax.amount),
                ]
            },
        ]
        if let buyer = invoice.buyer {
            values["buyer"] = [
                buyer.name, buyer.line1, buyer.line2, [buyer.postalCode, buyer.city].compactMap { $0 }.joined(separator: " "), buyer.country,
            ]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        }
        if let email = invoice.buyerEmail { values["buyerEmail"] = email }
        // Absent keys, not empty values: a template section must see nothing to skip.
        if !seller.address.isEmpty { values["sellerAddress"] = seller.address }
        if !seller.taxId.isEmpty { values["sellerTaxId"] = seller.taxId }
        return render("invoice", values, session: session, request: request, here: "orders")
    }

    /// A payment recorded by hand: service staff capture what a provider confirmed by phone,
    /// refund or credit a customer, always with the reason.
    func registerPaymentActions(on router: Router<BasicRequestContext>) {
        router.post("/orders/:id/payments") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)#record-payment", form: "payment") { form, session in
                let order = try await order(id, session, may: { .recordPayment($0) })
                let fields = try form.decode(PaymentForm.self)
                guard let amount = order.currency.minorUnits(fields.amount), amount > 0 else {
                    throw OrderlyError.invalid("amount", "must be an amount in \(order.currency) such as 12.50")
                }
                let report = PaymentRecording.Report(
                    kind: fields.kind, amount: amount, currency: order.currency, provider: "manual", method: fields.method,
                    reference: fields.reference ?? "manual-" + UUID().uuidString.lowercased(), note: fields.note)
                _ = try await stores.payments.record(report, on: order.id, actor: session.user.principal.name)
                let written = Self.money(amount, order.currency, in: session)
                return (
                    "/orders/\(id)",
                    session.says("Recorded: \(fields.kind.rawValue) of \(written).", "Vastgelegd: \(fields.kind.rawValue) van \(written).")
                )
            }
        }
    }
}

extension WebUI {
    /// An amount for the person reading the page: `EUR 12.50` in English, `€ 12,50` in Dutch.
    static func money(_ minor: Int64, _ currency: CurrencyCode, in session: StaffStore.Session) -> String {
        session.user.language == .nl ? Language.nl.money(minor, currency) : currency.format(minor)
    }
}
