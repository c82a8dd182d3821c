import Foundation

/// A person's data, as erasing them (a GDPR request) finds and removes it: the texts that are
/// theirs, and how each stored text reads afterwards. The financial record stays — amounts,
/// lines, taxes, payments, invoices and the country a sale was taxed in — without the person.
public struct PersonalData: Sendable, Equatable {
    /// What an erased text reads.
    public static let erased = "erased"

    /// The person's texts, lowercased, longest first: emails, names, phones (also as stored for
    /// matching), and the name, street, postal code and phone of every address. A city, a region
    /// or a country names many people (and stores), so it is not one of them.
    public private(set) var values: [String]

    public init(profiles: [CustomerProfile], addresses: [Address]) {
        var texts: [String?] = []
        for profile in profiles {
            let details = CustomerDetails(email: profile.email, name: profile.name, phone: profile.phone)
            texts += [profile.email, details.normalizedEmail, profile.name, profile.phone, details.normalizedPhone]
        }
        for address in addresses + profiles.flatMap(\.addresses) {
            texts += [address.name, address.line1, address.line2, address.postalCode, address.phone]
            if let phone = address.phone { texts.append(CustomerDetails(phone: phone).normalizedPhone) }
        }
        // Three characters at least: shorter texts are not the person's alone.
        let found = Set(texts.compactMap { $0?.trimmingCharacters(in: .whitespaces).lowercased() }.filter { $0.count >= 3 })
        values = found.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// Whether `text` holds one of the person's texts (case-insensitive).
    public func mentions(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return values.contains { lowered.contains($0) }
    }

    /// A stored JSON text with every string literal that mentions the person (a value; keys
    /// are field names) read as `erased`, everything else left byte for byte; a text that is not
    /// JSON is erased whole when it mentions them.
    public func redacting(json text: String) -> String {
        guard mentions(text) else { return text }
        guard let first = text.first(where: { !$0.isWhitespace }), "{[\"".contains(first) else { return Self.erased }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            guard text[i] == "\"" else {
                out.append(text[i])
                i = text.index(after: i)
                continue
            }
            var j = text.index(after: i)
            var escaped = false
            while j < text.endIndex, escaped || text[j] != "\"" {
                escaped = !escaped && text[j] == "\\"
                j = text.index(after: j)
            }
            guard j < text.endIndex else { return Self.erased }
            let literal = String(text[i...j])
            let decoded = (try? JSONDecoder().decode(String.self, from: Data(literal.utf8))) ?? literal
            out += mentions(decoded) ? "\"\(Self.erased)\"" : literal
            i = text.index(after: j)
        }
        return out
    }

    /// An address with only what the tax record needs: its country.
    public static func redacting(_ address: Address?) -> Address? {
        address.map { Address(country: $0.country) }
    }
}
