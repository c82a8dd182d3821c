/// Words for people: the back office shows every status, source, kind and type code as words
/// ("Awaiting stock", not `awaiting_stock`), in one place. Pages keep the code for styling and
/// links; `render` adds `<key>Text` next to each code it finds (`WebUI.addingWords`).
enum Words {
    /// Codes whose words are not the code spelled out.
    static let english: [String: String] = [
        "carryOut": "Counter sale", "carry_out": "Counter sale", "open_box": "Open box", "per_shipment": "Per shipment",
        "on_placement": "On placement", "credit_note": "Credit note", "manual": "Manual", "rule": "Hold rule", "payment": "Payment",
        "workflow": "Workflow", "routing": "Routing", "ship": "Ship", "pickup": "Pickup", "released": "Released",
        "recorded": "Recorded, not sent", "skipped": "Not sent: no email address",
    ]

    /// The same codes in Dutch (the demo business is Dutch): every status, kind and source a
    /// page shows. A code without a Dutch word shows its English words.
    static let dutch: [String: String] = [
        "on_hold": "In de wacht", "awaiting_payment": "Wacht op betaling", "awaiting_stock": "Wacht op voorraad", "processing": "In behandeling",
        "partially_fulfilled": "Deels geleverd", "fulfilled": "Geleverd", "cancelled": "Geannuleerd", "partially_returned": "Deels geretourneerd",
        "returned": "Geretourneerd", "open": "Open", "accepted": "Geaccepteerd", "partially_shipped": "Deels verzonden", "shipped": "Verzonden",
        "ready_for_pickup": "Klaar om af te halen", "picked_up": "Afgehaald", "rejected": "Afgewezen", "unpaid": "Onbetaald",
        "authorized": "Geautoriseerd", "partially_paid": "Deels betaald", "paid": "Betaald", "partially_refunded": "Deels terugbetaald",
        "refunded": "Terugbetaald", "voided": "Vervallen", "authorization": "Autorisatie", "capture": "Afschrijving", "sale": "Verkoop",
        "void": "Annulering", "refund": "Terugbetaling", "pending": "In afwachting", "succeeded": "Gelukt", "failed": "Mislukt",
        "requested": "Aangevraagd", "received": "Ontvangen", "resellable": "Verkoopbaar", "damaged": "Beschadigd", "open_box": "Geopend",
        "ship": "Verzenden", "pickup": "Afhalen", "carryOut": "Verkoop aan de balie", "manual": "Handmatig", "rule": "Blokkeerregel",
        "payment": "Betaling", "workflow": "Workflow", "routing": "Routering", "released": "Vrijgegeven", "invoice": "Factuur",
        "credit note": "Creditnota", "mail": "Per post", "store": "In de winkel", "cash": "Contant", "card": "Pin",
        "order_confirmation": "Orderbevestiging", "refund_issued": "Terugbetaling gedaan", "backorder_delay": "Vertraging", "sent": "Verzonden",
        "recorded": "Vastgelegd, niet verzonden", "not_accepted": "Niet geaccepteerd", "not_collected": "Niet afgehaald",
        "waiting_beyond_promise": "Wacht langer dan beloofd", "skipped": "Niet verzonden: geen e-mailadres",
        "not_found": "Niet in het schap", "no_capacity": "Geen capaciteit", "other": "Anders",
    ]

    /// The languages a person chooses for the back office (`StaffUser.language`).
    static func phrase(_ code: String, in language: String) -> String {
        language == "nl" ? dutch[code] ?? phrase(code) : phrase(code)
    }

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
    static func addingWords(_ values: [String: Any], in language: String = "en") -> [String: Any] {
        var out = values
        for (key, value) in values {
            switch value {
            case let code as String where Words.codeKeys.contains(key): out[key + "Text"] = Words.phrase(code, in: language)
            case let nested as [String: Any]: out[key] = addingWords(nested, in: language)
            case let list as [[String: Any]]: out[key] = list.map { addingWords($0, in: language) }
            default: break
            }
        }
        return out
    }
}
