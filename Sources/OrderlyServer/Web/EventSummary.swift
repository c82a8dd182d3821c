import Foundation

/// One line of text for an event on the order timeline: routing reasons first, then the
/// event's plain fields. Presentation only; the event's data is what integrations read.
enum EventSummary {
    static func describe(_ json: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return "" }
        var parts: [String] = []
        for key in ["allocations", "backorders"] {
            for item in object[key] as? [[String: Any]] ?? [] {
                let where_ = (item["locationId"] as? String).map { " at \($0)" } ?? ""
                let reason = (item["reason"] as? String).map { ": \($0)" } ?? ""
                parts.append("\(item["sku"] ?? "") × \(item["quantity"] ?? "")\(where_)\(reason)")
            }
        }
        for key in object.keys.sorted() where !["allocations", "backorders", "lines"].contains(key) {
            switch object[key] {
            case let text as String: parts.append("\(key): \(text)")
            case let number as NSNumber: parts.append("\(key): \(number)")
            case let list as [Any] where list.allSatisfy({ $0 is String }): parts.append("\(key): \(list.map { "\($0)" }.joined(separator: ", "))")
            default: continue
            }
        }
        return String(parts.joined(separator: " · ").prefix(600))
    }
}
