/// How clients name an order line in shipments and returns: by its id (`<orderId>:<number>`),
/// or by a sku that stands on exactly one of the lines in question.
public enum OrderLineReference {
    /// The line number `id` or `sku` names among `lines`; adds a field error (and returns nil) otherwise.
    public static func resolve(
        id: String?, sku: String?, order: OrderID, lines: [(number: Int, sku: SKU)], scope: String, field: String, into v: inout Validator
    ) -> Int? {
        if let id {
            guard id.hasPrefix("\(order):"), let number = id.split(separator: ":").last.flatMap({ Int($0) }),
                lines.contains(where: { $0.number == number })
            else {
                v.add("\(field).orderLineId", "'\(id)' is not a line of \(scope)")
                return nil
            }
            return number
        }
        if let sku {
            let matches = lines.filter { $0.sku.rawValue == sku }
            guard matches.count == 1 else {
                v.add("\(field).sku", matches.isEmpty ? "\(sku) is not on \(scope)" : "\(sku) is on several lines; give orderLineId")
                return nil
            }
            return matches[0].number
        }
        v.add(field, "needs orderLineId or sku")
        return nil
    }
}
