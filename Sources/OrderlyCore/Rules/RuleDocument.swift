import Foundation

/// What workflows and routing strategies share when they are read from JSON: a document
/// holding one list of named items (`{"stages": [...]}`, `{"rules": [...]}`), and items
/// that open with a `name` and a `when`. Every problem is added by its JSON path.
enum RuleDocument {
    /// The items of `json[key]`, each read by `item` at its path (`stages[2]`), names unique.
    static func items<Item>(
        _ json: RuleValue, key: String, document: String, itemNoun: String, max: Int, atLeastOne: Bool, into v: inout Validator,
        name: (Item) -> String, item: (RuleValue, String, inout Validator) -> Item?
    ) throws(OrderlyError) -> [Item] {
        guard case .object(let fields) = json else { throw OrderlyError.invalid("body", "must be an object with \(key)") }
        for field in fields.keys.sorted() where field != key { v.add(field, "is not part of a \(document) (\(key))") }
        guard case .list(let list)? = fields[key], !atLeastOne || !list.isEmpty else {
            v.add(key, atLeastOne ? "is required: a list of at least one \(itemNoun)" : "is required: a list of \(itemNoun)s")
            return []
        }
        v.check(list.count <= max, key, "may hold at most \(max) \(itemNoun)s")
        var items: [Item] = []
        var names: Set<String> = []
        for (i, json) in list.enumerated() {
            let path = "\(key)[\(i)]"
            guard let parsed = item(json, path, &v) else { continue }
            if !names.insert(name(parsed)).inserted { v.add(path + ".name", "'\(name(parsed))' names another \(itemNoun) too") }
            items.append(parsed)
        }
        return items
    }

    /// An item's `name` (1 to 100 characters) and `when` (an order condition, always when
    /// absent), after refusing the fields it does not know.
    static func header(
        _ fields: [String: RuleValue], at path: String, keys: Set<String>, itemNoun: String, into v: inout Validator
    ) -> (name: String, when: Condition) {
        for key in fields.keys.sorted() where !keys.contains(key) { v.add("\(path).\(key)", "is not part of a \(itemNoun)") }
        var name = ""
        if case .string(let text)? = fields["name"], !text.trimmingWhitespace.isEmpty, text.count <= 100 {
            name = text
        } else {
            v.add(path + ".name", "is required: 1 to 100 characters")
        }
        var when = Condition.always
        if let json = fields["when"] { when = Condition.parse(json, at: path + ".when", scope: .order, into: &v) ?? .always }
        return (name, when)
    }
}
