import Foundation

/// Sales as finance counts them: from the invoices and credit notes issued in a period, so
/// that a report always agrees with the documents. Grouped by channel, by the location that
/// fulfilled the units, or by the day of issue (UTC), and always by currency.
public struct SalesReport: Sendable, Equatable {
    public enum Grouping: String, Sendable, CaseIterable {
        case channel, location, day
        /// Day and channel together (`2026-12-04 web`), for charts of each channel's days.
        case dayAndChannel
    }

    /// One document with what the report groups it by.
    public struct Document: Sendable {
        public var invoice: Invoice
        public var channel: ChannelID
        public var location: LocationID?
        public init(invoice: Invoice, channel: ChannelID, location: LocationID?) {
            self.invoice = invoice
            self.channel = channel
            self.location = location
        }
    }

    public struct Row: Sendable, Equatable {
        public var key: String
        public var currency: CurrencyCode
        /// Invoices issued.
        public var invoices = 0
        /// Units invoiced (shipping lines are not units).
        public var units: Int64 = 0
        /// Σ quantity × unit price of the units invoiced, shipping charges included.
        public var gross: Int64 = 0
        public var discounts: Int64 = 0
        /// Every tax on the invoices.
        public var tax: Int64 = 0
        /// What the invoices are for without their taxes: Σ total − tax.
        public var net: Int64 = 0
        /// Σ credit notes: what returns gave back.
        public var refunds: Int64 = 0
        public var unitsReturned: Int64 = 0

        /// Units returned per unit sold, 0…1 (0 when nothing was sold).
        public var returnsRate: Double { units > 0 ? Double(unitsReturned) / Double(units) : 0 }
    }

    public var rows: [Row]

    /// The report of `documents` grouped by `grouping`, rows by key then currency.
    public init(_ documents: [Document], by grouping: Grouping) {
        var rows: [String: Row] = [:]
        for document in documents {
            let invoice = document.invoice
            let key: String =
                switch grouping {
                case .channel: document.channel.rawValue
                case .location: document.location?.rawValue ?? "—"
                case .day: Self.day(invoice.issuedAt)
                case .dayAndChannel: Self.day(invoice.issuedAt) + " " + document.channel.rawValue
                }
            let id = key + "\u{0}" + invoice.currency.rawValue
            var row = rows[id] ?? Row(key: key, currency: invoice.currency)
            let units = invoice.lines.reduce(Int64(0)) { $0 + ($1.orderLine == nil ? 0 : $1.quantity) }
            switch invoice.kind {
            case .invoice:
                row.invoices += 1
                row.units += units
                row.gross += invoice.lines.reduce(0) { $0 + $1.quantity * $1.unitPrice }
                row.discounts += invoice.lines.reduce(0) { $0 + $1.discount }
                row.tax += invoice.taxTotal
                row.net += invoice.total - invoice.taxTotal
            case .creditNote:
                row.refunds += invoice.total
                row.unitsReturned += units
            }
            rows[id] = row
        }
        self.rows = rows.values.sorted { ($0.key, $0.currency.rawValue) < ($1.key, $1.currency.rawValue) }
    }

    /// A day as reports key it: `2026-12-04` (UTC).
    public static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash))
    }

    /// The report as CSV (amounts in minor units).
    public var csv: String {
        let header = "key,currency,invoices,units,gross,discounts,tax,net,refunds,unitsReturned,returnsRate"
        return
            ([header]
            + rows.map { r in
                [
                    OrderExportCSV.quote(r.key), r.currency.rawValue, String(r.invoices), String(r.units), String(r.gross), String(r.discounts),
                    String(r.tax), String(r.net), String(r.refunds), String(r.unitsReturned), String(format: "%.4f", r.returnsRate),
                ].joined(separator: ",")
            }).joined(separator: "\n") + "\n"
    }
}
