/// Words for people: the back office shows every status, source, kind and type code as words
/// ("Awaiting stock", not `awaiting_stock`), in one place. Pages keep the code for styling and
/// links; `render` adds `<key>Text` next to each code it finds (`WebUI.addingWords`).
enum Words {
    /// Codes whose words are not the code spelled out.
    static let english: [String: String] = [
        "carryOut": "Counter sale", "carry_out": "Counter sale", "open_box": "Open box", "per_shipment": "Per shipment",
        "on_placement": "On placement", "credit_note": "Credit note", "manual": "Manual", "rule": "Hold rule", "payment": "Payment",
        "workflow": "Workflow", "routing": "Routing", "ship": "Ship", "pickup": "Pickup", "released": "Released",
    ]

    /// The keys whose values are codes a person reads as words.
    static let codeKeys: Set<String> = ["status", "paymentStatus", "source", "type", "kind", "method", "refundStatus", "state"]

    /// `awaiting_stock` → "Awaiting stock", `readyForPickup` → "Ready for pickup"; an event
    /// type (`order.created`) or anything else with a dot, a space or a capital inside it stays
    /// as it is.
    static func phrase(_ code: String) -> String {
        if let word = english[code] { return word }
        guard !code.isEmpty, code.allSatisfy({ $0.isLetter || $0 == "_" }) else { return code }
        var words = ""
        for character in code {
            if character == "_" {
                words.append(" ")
            } else if character.isUppercase {
                words += " " + character.lowercased()
            } else {
                words.append(character)
            }
        }
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension WebUI {
    /// `values` with `<key>Text` (the words) beside every code under `Words.codeKeys`, at any depth.
    static func addingWords(_ values: [String: Any]) -> [String: Any] {
        var out = values
        for (key, value) in values {
            switch value {
            case let code as String where Words.codeKeys.contains(key): out[key + "Text"] = Words.phrase(code)
            case let nested as [String: Any]: out[key] = addingWords(nested)
            case let list as [[String: Any]]: out[key] = list.map(addingWords)
            default: break
            }
        }
        return out
    }
}
