import Foundation

/// Invoices and credit notes as CSV for accounting: one row per document with its totals in
/// minor units and as a decimal, and its tax per rate (`VAT 21% incl.=210; …`).
public enum InvoiceExportCSV {
    public static let header = [
        "number", "kind", "issuedAt", "orderNumber", "orderId", "currency", "taxTotal", "total", "totalAmount", "taxes", "buyer",
    ].joined(separator: ",")

    public static func row(_ invoice: Invoice) -> String {
        let taxes = invoice.taxes.map { "\($0.name) \(Decimal($0.rate.millionths) / 10_000)%\($0.included ? " incl." : "")=\($0.amount)" }
        return [
            invoice.number, invoice.kind.rawValue, invoice.issuedAt.formatted(.iso8601), invoice.orderNumber, invoice.orderId.rawValue,
            invoice.currency.rawValue, String(invoice.taxTotal), String(invoice.total), invoice.currency.decimal(invoice.total),
            taxes.joined(separator: "; "), invoice.buyer?.name ?? "",
        ].map(OrderExportCSV.quote).joined(separator: ",")
    }
}
