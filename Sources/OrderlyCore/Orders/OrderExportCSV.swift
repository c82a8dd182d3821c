import Foundation

/// Orders as CSV for finance: one row per order with its money (minor units and the
/// currency's decimal amount) and where its units stand. RFC 4180 quoting.
public enum OrderExportCSV {
    public static let header = [
        "number", "id", "channel", "externalId", "createdAt", "status", "currency", "subtotal", "shipping", "discount", "total",
        "totalAmount", "unitsOrdered", "unitsFulfilled", "unitsCancelled", "unitsReturned", "customerId",
    ].joined(separator: ",")

    public static func row(_ order: Order) -> String {
        let units = { (quantity: (OrderLine) -> Int64) in String(order.lines.reduce(0) { $0 + quantity($1) }) }
        return [
            order.number, order.id.rawValue, order.channel.rawValue, order.externalId ?? "", order.createdAt.formatted(.iso8601),
            order.status.rawValue,
            order.currency.rawValue, String(order.totals.subtotal), String(order.totals.shipping), String(order.totals.discount),
            String(order.totals.total), order.currency.decimal(order.totals.total), units(\.quantity), units(\.fulfilledQuantity),
            units(\.cancelledQuantity), units(\.returnedQuantity), order.customerId.rawValue,
        ].map(quote).joined(separator: ",")
    }

    /// Quotes a field when it holds a comma, quote or line break; a leading `=`, `+`, `-` or
    /// `@` is prefixed with `'` so that a spreadsheet never runs it as a formula.
    static func quote(_ field: String) -> String {
        var field = field
        if let first = field.first, "=+-@".contains(first), Int64(field) == nil { field = "'" + field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
