import Foundation

/// A server-assigned invoice or credit note id (`inv_…`).
public struct InvoiceID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A document for finance: an invoice for what was delivered, or a credit note for what came
/// back. Numbered without gaps per series (`INV-2026-000001`, `CN-2026-000001`).
public struct Invoice: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case invoice
        case creditNote = "credit_note"
    }

    public struct Line: Sendable, Equatable, Codable {
        public var orderLine: Int?
        public var sku: String?
        public var description: String
        public var quantity: Int64
        public var unitPrice: Int64
        /// The units' share of the line's discounts and of the order's.
        public var discount: Int64
        public var taxes: [Tax]
        /// What the customer pays for these units: quantity × unit price − discount + taxes not included.
        public var total: Int64
    }

    /// What one tax rate comes to on the document.
    public struct TaxSummary: Sendable, Equatable, Codable {
        public var name: String
        public var rate: TaxRate
        public var included: Bool
        public var amount: Int64
    }

    public var id: InvoiceID
    public var number: String
    public var kind: Kind
    public var orderId: OrderID
    public var orderNumber: String
    public var fulfillmentOrderId: FulfillmentOrderID?
    public var returnId: ReturnID?
    public var currency: CurrencyCode
    public var buyer: Address?
    public var buyerEmail: String?
    public var lines: [Line]
    public var taxes: [TaxSummary]
    /// Every tax on the document, included in prices or not.
    public var taxTotal: Int64
    /// What the document is for: Σ line totals (positive for credit notes too: the amount credited).
    public var total: Int64
    public var issuedAt: Date

    /// The series a document of `kind` issued at `date` is numbered in: `INV-2026`, `CN-2026`.
    public static func series(_ kind: Kind, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return "\(kind == .invoice ? "INV" : "CN")-\(calendar.component(.year, from: date))"
    }

    /// The number of the `sequence`th document of `series`: `INV-2026-000001`.
    public static func number(series: String, sequence: Int64) -> String {
        let digits = String(sequence)
        return "\(series)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// What goes on an invoice or a credit note, decided in one place. An invoice is issued for
/// the units a shipment or handover fulfils: each unit at its exact share of its line (the
/// line's total, discounts and every tax split over its units as `OrderLine.paid` splits
/// them, after the units invoiced before), and the shipping charge on the order's first
/// invoice — so the invoices of a fully delivered order add up to its total. A credit note is
/// issued for what a return gives back: the returned units the same way (after the units
/// returned before), and the shipping charge when the refund included it.
public enum Invoicing {
    /// The lines and tax summary for `units` of `order`, each line's units counted `after`
    /// those before them; `shipping` adds the order's shipping lines.
    public static func document(
        _ kind: Invoice.Kind, order: Order, units: [(line: Int, quantity: Int64)], after before: (OrderLine) -> Int64, shipping: Bool,
        id: InvoiceID, at now: Date, fulfillmentOrder: FulfillmentOrderID? = nil, returnId: ReturnID? = nil, buyerEmail: String? = nil,
        names: [SKU: String] = [:]
    ) -> Invoice? {
        var lines: [Invoice.Line] = []
        var counted: [Int: Int64] = [:]
        for unit in units where unit.quantity > 0 {
            guard let line = order.lines.first(where: { $0.number == unit.line }) else { continue }
            let after = before(line) + (counted[unit.line] ?? 0)
            counted[unit.line, default: 0] += unit.quantity
            let share = { (whole: Int64) in Money.share(of: whole, units: unit.quantity, after: after, of: line.quantity) }
            lines.append(
                Invoice.Line(
                    orderLine: line.number, sku: line.sku.rawValue, description: names[line.sku] ?? line.sku.rawValue, quantity: unit.quantity,
                    unitPrice: line.unitPrice,
                    discount: share(line.discountTotal),
                    taxes: line.taxes.map { Tax(name: $0.name, rate: $0.rate, amount: share($0.amount), included: $0.included) },
                    total: line.paid(units: unit.quantity, after: after)))
        }
        if shipping {
            for charge in order.shippingLines where charge.total > 0 {
                lines.append(
                    Invoice.Line(
                        orderLine: nil, sku: nil, description: "Shipping: \(charge.method)" + (charge.carrier.map { " (\($0))" } ?? ""), quantity: 1,
                        unitPrice: charge.price, discount: 0, taxes: charge.taxes, total: charge.total))
            }
        }
        guard !lines.isEmpty else { return nil }
        var summaries: [Invoice.TaxSummary] = []
        for tax in lines.flatMap(\.taxes) {
            if let i = summaries.firstIndex(where: { $0.name == tax.name && $0.rate == tax.rate && $0.included == tax.included }) {
                summaries[i].amount += tax.amount
            } else {
                summaries.append(.init(name: tax.name, rate: tax.rate, included: tax.included, amount: tax.amount))
            }
        }
        return Invoice(
            id: id, number: "", kind: kind, orderId: order.id, orderNumber: order.number, fulfillmentOrderId: fulfillmentOrder, returnId: returnId,
            currency: order.currency, buyer: order.billingAddress ?? order.shippingAddress, buyerEmail: buyerEmail, lines: lines,
            taxes: summaries.sorted { ($0.rate, $0.name) > ($1.rate, $1.name) }, taxTotal: summaries.reduce(0) { $0 + $1.amount },
            total: lines.reduce(0) { $0 + $1.total }, issuedAt: now)
    }
}

extension Invoicing {
    /// The invoice for fulfilling `units` of `order` as it stood before them: the units after
    /// those fulfilled before, and the shipping charge with the order's first fulfilled units.
    public static func invoice(
        fulfilling units: [(line: Int, quantity: Int64)], of order: Order, fulfillmentOrder: FulfillmentOrderID, buyerEmail: String?, id: InvoiceID,
        at now: Date, names: [SKU: String] = [:]
    ) -> Invoice? {
        document(
            .invoice, order: order, units: units, after: \.fulfilledQuantity, shipping: !order.hasFulfilment, id: id, at: now,
            fulfillmentOrder: fulfillmentOrder, buyerEmail: buyerEmail, names: names)
    }

    /// The one invoice of a channel that invoices per order, once nothing of `order` is left
    /// to fulfil (every unit fulfilled or cancelled): the fulfilled units its invoices so far
    /// (`documents`) do not cover, and the shipping unless one covered it. Nil while units are
    /// still open, or when nothing is left to invoice.
    public static func orderInvoice(
        _ order: Order, documents: [Invoice], buyerEmail: String?, id: InvoiceID, at now: Date, names: [SKU: String] = [:]
    ) -> Invoice? {
        guard !order.hasOpenUnits else { return nil }
        var invoiced: [Int: Int64] = [:]
        var shippingInvoiced = false
        for line in documents.filter({ $0.kind == .invoice }).flatMap(\.lines) {
            if let number = line.orderLine { invoiced[number, default: 0] += line.quantity } else { shippingInvoiced = true }
        }
        let units = order.lines.map { (line: $0.number, quantity: $0.fulfilledQuantity - (invoiced[$0.number] ?? 0)) }
        guard units.contains(where: { $0.quantity > 0 }) else { return nil }
        return document(
            .invoice, order: order, units: units, after: { invoiced[$0.number] ?? 0 }, shipping: !shippingInvoiced, id: id, at: now,
            buyerEmail: buyerEmail, names: names)
    }

    /// The credit note for a return received whole, `order` counting its units as returned:
    /// the units after those returned before, and the shipping charge when the return's refund
    /// gave it back (`ReturnPolicy.refund`).
    public static func creditNote(for ret: Return, order: Order, id: InvoiceID, at now: Date, names: [SKU: String] = [:]) -> Invoice? {
        let units = ret.lines.map { (line: $0.orderLine, quantity: $0.receivedQuantity) }
        let before = { (line: OrderLine) in line.returnedQuantity - (units.first { $0.line == line.number }?.quantity ?? 0) }
        let unitsPaid = units.reduce(Int64(0)) { sum, unit in
            guard let line = order.lines.first(where: { $0.number == unit.line }) else { return sum }
            return sum + line.paid(units: unit.quantity, after: before(line))
        }
        let shipping = order.shippingCharge > 0 && ret.value - unitsPaid >= order.shippingCharge
        return document(
            .creditNote, order: order, units: units, after: before, shipping: shipping, id: id, at: now, returnId: ret.id, names: names)
    }

    /// The credit note for a refund a person recorded by hand (provider `manual`: a goodwill
    /// credit or a refund agreed on the phone): one line with the reason. The refund gives back
    /// the order's taxes in proportion: each rate's share is the refund times that rate's tax
    /// over the order's total, rounded down, counted as included in the refunded amount.
    /// Refunds Orderly asked for are documented where the money went back: a return's credit
    /// note, or nothing for cancelled units, which were never invoiced.
    public static func creditNote(forManual refund: PaymentTransaction, order: Order, id: InvoiceID, at now: Date) -> Invoice? {
        guard refund.kind == .refund, refund.status == .succeeded, refund.provider == "manual" else { return nil }
        var summaries: [Invoice.TaxSummary] = []
        if order.totals.total > 0 {
            for tax in order.lines.flatMap(\.taxes) + order.shippingLines.flatMap(\.taxes) {
                if let i = summaries.firstIndex(where: { $0.name == tax.name && $0.rate == tax.rate }) {
                    summaries[i].amount += tax.amount
                } else {
                    summaries.append(.init(name: tax.name, rate: tax.rate, included: true, amount: tax.amount))
                }
            }
            for i in summaries.indices { summaries[i].amount = Money.scale(refund.amount, by: summaries[i].amount, over: order.totals.total) }
            summaries.removeAll { $0.amount == 0 }
        }
        summaries.sort { ($0.rate, $0.name) > ($1.rate, $1.name) }
        let line = Invoice.Line(
            orderLine: nil, sku: nil, description: "Refund: " + (refund.note ?? refund.reference), quantity: 1, unitPrice: refund.amount,
            discount: 0, taxes: summaries.map { Tax(name: $0.name, rate: $0.rate, amount: $0.amount, included: true) }, total: refund.amount)
        return Invoice(
            id: id, number: "", kind: .creditNote, orderId: order.id, orderNumber: order.number, fulfillmentOrderId: nil, returnId: nil,
            currency: order.currency, buyer: order.billingAddress ?? order.shippingAddress, buyerEmail: nil, lines: [line], taxes: summaries,
            taxTotal: summaries.reduce(0) { $0 + $1.amount }, total: refund.amount, issuedAt: now)
    }

    /// What an order's documents say was paid (invoices less credit notes) when its money
    /// has settled — everything not cancelled is delivered, something was captured, no refund
    /// Orderly asked for is still outstanding — and what the payments say (captured less
    /// refunded); nil while the order is still moving, when the two need not agree — also
    /// while units a store received wait for their refund at its till (`awaitingTill`): their
    /// credit note is issued, the money not yet paid back.
    public static func settled(_ order: Order, documents: [Invoice], awaitingTill: Bool = false) -> (documents: Int64, payments: Int64)? {
        guard !awaitingTill, order.payments.captured > 0, order.refundsRequested <= order.payments.refunded,
            [.fulfilled, .returned, .partiallyReturned, .cancelled].contains(order.status)
        else { return nil }
        let documented = documents.reduce(Int64(0)) { $0 + ($1.kind == .invoice ? $1.total : -$1.total) }
        return (documented, order.payments.captured - order.payments.refunded)
    }
}
