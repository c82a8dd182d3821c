import Foundation
import Hummingbird
import OrderlyCore

/// A submitted back-office form (`application/x-www-form-urlencoded`): decoded into the
/// `Decodable` struct each page declares (Hummingbird's `URLEncodedFormDecoder`), with the CSRF
/// token beside it. An empty field counts as absent; a field that cannot be read as its type is
/// refused as a validation error naming it, which the page shows to the person.
struct WebForm: Sendable {
    /// A comma-separated field as its items, each trimmed, the empty ones left out
    /// (`region-north, flagship`).
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The body with empty fields left out.
    let body: String
    let csrf: String?

    init(_ raw: String) {
        body = raw.split(separator: "&").filter { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
        }.joined(separator: "&")
        csrf = (try? URLEncodedFormDecoder().decode(CSRFField.self, from: body))?.csrf
    }

    /// The token every back-office form carries, read like any other field.
    private struct CSRFField: Decodable { var csrf: String? }

    func decode<T: Decodable>(_ type: T.Type) throws(OrderlyError) -> T {
        do {
            return try URLEncodedFormDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            throw Self.refusal(error)
        } catch {
            throw OrderlyError.invalid("form", "could not be read")
        }
    }

    private static func refusal(_ error: DecodingError) -> OrderlyError {
        switch error {
        case .keyNotFound(let key, let context):
            OrderlyError.invalid((context.codingPath + [key]).map(\.stringValue).joined(separator: "."), "is required")
        case .valueNotFound(_, let context):
            OrderlyError.invalid(context.codingPath.map(\.stringValue).joined(separator: "."), "is required")
        case .typeMismatch(_, let context), .dataCorrupted(let context):
            OrderlyError.invalid(context.codingPath.map(\.stringValue).joined(separator: "."), "is not a valid value")
        @unknown default:
            OrderlyError.invalid("form", "could not be read")
        }
    }
}

/// A whole number typed into a form field. Decoded through a type of its own so that a refusal
/// names the field: Hummingbird's decoder leaves the key out of the coding path when it reads a
/// plain integer, but not when it hands a field to a `Decodable` type.
struct FormNumber<Value: FixedWidthInteger & Sendable>: Decodable, Sendable {
    let value: Value

    init(from decoder: any Decoder) throws {
        // A field left out (or sent as a list) has no text: the field is missing.
        guard let text = try? decoder.singleValueContainer().decode(String.self) else {
            throw DecodingError.valueNotFound(Value.self, .init(codingPath: decoder.codingPath, debugDescription: "missing"))
        }
        guard let value = Value(text.trimmingCharacters(in: .whitespaces)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a whole number"))
        }
        self.value = value
    }
}

/// Signing in.
struct LoginForm: Decodable {
    var email: String?
    var password: String?
}

/// A payment recorded by a person: what happened, how much (as typed, `12.50`), and why.
struct PaymentForm: Decodable {
    var kind: PaymentTransaction.Kind
    var amount: String
    var method: String?
    var reference: String?
    var note: String
}

/// Refunding a return at the till: cash or back to the original payment.
struct TillRefundForm: Decodable { var method: Return.TillRefund }

/// A tax rate an admin adds or replaces; `rate` as a percentage (`21`, `7.25`).
struct TaxRateForm: Decodable {
    var id: String
    var country: String
    var taxCategory: String
    var name: String
    var rate: String
    var included: String?
}

/// A note on an order.
struct NoteForm: Decodable { var text: String }
/// A hold on an order.
struct HoldForm: Decodable { var reason: String }

/// Cancelling a whole order, or `quantity` units (all that are open, when left out) of `line`.
struct CancelForm: Decodable {
    var line: FormNumber<Int>?
    var quantity: FormNumber<Int64>?
    var reason: String?
}

/// A new shipping address.
struct AddressForm: Decodable {
    var name: String?
    var line1: String?
    var city: String?
    var postalCode: String?
    var country: String?

    var address: Address {
        let trimmed = { (text: String?) in text.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        return Address(name: trimmed(name), line1: trimmed(line1), city: trimmed(city), postalCode: trimmed(postalCode), country: trimmed(country))
    }
}

/// Starting a return of `quantity` units of `line` at a location.
struct ReturnForm: Decodable {
    var locationId: String
    var line: FormNumber<Int>
    var quantity: FormNumber<Int64>
    var method: Return.Method?
    var reason: String?
    /// An exchange: the sku sent instead, how many, and its price as typed (none: at no charge).
    var exchangeSku: String?
    var exchangeQuantity: FormNumber<Int64>?
    var exchangePrice: String?
}

/// A store's step on a fulfillment order: shipping (carrier and tracking) or a handover (code).
struct FulfillmentStepForm: Decodable {
    var carrier: String?
    var trackingNumber: String?
    var pickupCode: String?
    /// Units scanned into the parcel (`ScannedUnits`).
    var scans: String?
    /// A pickup's units the customer takes, per order line (`l<number>`).
    var take: [String: FormNumber<Int64>]?

    /// The units taken per order line, or nil when the form names none (everything).
    var taking: [(orderLine: Int, quantity: Int64)]? {
        guard let take, !take.isEmpty else { return nil }
        return take.compactMap { key, units in Int(key.dropFirst()).map { ($0, units.value) } }.sorted { $0.orderLine < $1.orderLine }
    }
}

/// A fulfillment order given back by its location, and why.
struct RejectForm: Decodable {
    var reason: FulfillmentOrder.RejectionReason
    var note: String?
}

/// Receiving a return, every unit in one condition.
struct ReceiveForm: Decodable { var condition: Return.Condition? }

/// A channel's payment policy as the payment settings page sends it.
struct ChannelPaymentsForm: Decodable {
    var capture: String
    var require: String
    var invoicing: String
    var timeout: String?
}

/// A payment provider and its signing secret.
struct PaymentProviderForm: Decodable {
    var id: String
    var secret: String
}

/// A workflow's stages as typed (JSON), saved as its next version.
struct WorkflowForm: Decodable {
    var id: String?
    var stages: String
    /// The order to simulate the stages against (`/workflows/simulate`).
    var order: String?
}

/// The version of a workflow to make active again.
struct WorkflowActivationForm: Decodable { var version: FormNumber<Int> }

/// A person's decision on the approval stage an order waits in.
struct StageDecisionForm: Decodable {
    var stage: String
    var decision: String
    var note: String?
}

/// The workflow a channel's orders pass (absent: none, the hold rules and payment gate apply).
struct ChannelWorkflowForm: Decodable { var workflow: String? }

/// Units taken back at a store's counter: per order line (`l<number>`), how many come back in
/// each condition, and why.
struct TakeBackForm: Decodable {
    var reason: String?
    var resellable: [String: FormNumber<Int64>]?
    var open_box: [String: FormNumber<Int64>]?
    var damaged: [String: FormNumber<Int64>]?

    /// The units as return requests with their condition, in line order; zeros left out.
    func requests(reason fallback: String) -> [(request: ReturnPolicy.Request, condition: Return.Condition?)] {
        let reason = reason ?? fallback
        let byCondition: [(Return.Condition, [String: FormNumber<Int64>]?)] = [(.resellable, resellable), (.openBox, open_box), (.damaged, damaged)]
        return byCondition.flatMap { condition, units in
            (units ?? [:]).compactMap { key, units -> (line: Int, request: ReturnPolicy.Request, condition: Return.Condition?)? in
                guard key.hasPrefix("l"), let line = Int(key.dropFirst()), units.value != 0 else { return nil }
                return (line, (line, units.value, reason), condition)
            }
        }.sorted { $0.line < $1.line }.map { ($0.request, $0.condition) }
    }
}

/// A customer profile as its page sends it: every field is on the form, so one left empty
/// clears it; tags comma-separated.
struct CustomerForm: Decodable {
    var email: String?
    var name: String?
    var phone: String?
    var tags: String?

    var edit: CustomerProfile.Edit {
        CustomerProfile.Edit(
            email: email ?? "", name: name ?? "", phone: phone ?? "",
            tags: WebForm.list(tags))
    }
}

/// The other profile of the same person, by its email or id.
struct MergeForm: Decodable { var other: String }

/// A shelf count as the store page sends it: one scanned unit or `SKU count` per line.
struct ShelfCountForm: Decodable { var scans: String? }

/// The order page's "Change lines": per line (`l<number>`) the units it should come to, a sku
/// to swap it for and a delivery (`ship` or `pickup:<store>`; empty keeps it), and one new line.
struct LineChangeForm: Decodable {
    var quantity: [String: FormNumber<Int64>]?
    var sku: [String: String]?
    var delivery: [String: String]?
    var newSku: String?
    var newQuantity: FormNumber<Int64>?
    var newPrice: String?
    var newDelivery: String?
    var reason: String?

    /// A delivery as the form's select names it; nil for anything else.
    static func delivery(_ text: String?) -> Delivery? {
        guard let text else { return nil }
        if text == "ship" { return .ship }
        guard text.hasPrefix("pickup:"), case let store = text.dropFirst(7), !store.isEmpty else { return nil }
        return .pickup(LocationID(String(store)))
    }

    /// The changes the form asks of `order` (lines left as they are are left out), each with
    /// how a person names it in an error (`line 2`, `the new line`).
    func changes(of order: Order) throws(OrderlyError) -> [(change: OrderLineChange, name: String)] {
        var changes: [(OrderLineChange, String)] = []
        for line in order.lines {
            let key = "l\(line.number)"
            let kept = line.kept
            let units = quantity?[key]?.value ?? kept
            let swap = sku?[key].map { SKU($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 == line.sku ? nil : $0 }
            let moved = Self.delivery(delivery?[key]).flatMap { $0 == line.delivery ? nil : $0 }
            guard units != kept || swap != nil || moved != nil else { continue }
            changes.append((OrderLineChange(line: line.number, quantity: units, sku: swap, delivery: moved), "line \(line.number)"))
        }
        if let newSku {
            guard let text = newPrice, let price = order.currency.minorUnits(text) else {
                throw OrderlyError.invalid("lines", "the new line: a price in \(order.currency) such as 12.50 is required")
            }
            changes.append(
                (
                    OrderLineChange(
                        quantity: newQuantity?.value ?? 1, sku: SKU(newSku.trimmingCharacters(in: .whitespaces)), unitPrice: price,
                        delivery: Self.delivery(newDelivery) ?? .ship), "the new line"
                ))
        }
        return changes
    }
}

/// A shipment moved by hand to another location, with why.
struct MoveForm: Decodable {
    var locationId: String
    var reason: String?
}

/// Units of one order line split off into a new fulfillment order at the same location.
struct SplitForm: Decodable {
    var line: FormNumber<Int>
    var quantity: FormNumber<Int64>
}

/// The fulfillment order whose units this one takes.
struct MergeWorkForm: Decodable {
    var other: String
}

/// The order-entry page's form: the channel, the customer and address, rows `r1`…`r4` of
/// sku, quantity, price and delivery (`ship` or `pickup:<store>`), shipping, a note, and
/// `intent` (`check` shows the routing, `place` places the order).
struct OrderEntryForm: Decodable {
    var channel: String?
    var email: String?
    var name: String?
    var phone: String?
    var line1: String?
    var postalCode: String?
    var city: String?
    var country: String?
    var currency: String?
    var sku: [String: String]?
    var quantity: [String: String]?
    var price: [String: String]?
    var delivery: [String: String]?
    var shipping: String?
    var note: String?
    var requestKey: String?
    var intent: String?

    /// The order the form describes, as a channel would send it; rows without a sku are left
    /// out, and amounts are read in the order's currency (`12.50`).
    func draft() throws(OrderlyError) -> OrderDraft {
        let currency = CurrencyCode((self.currency ?? "EUR").uppercased())
        var v = Validator()
        var lines: [OrderDraft.Line] = []
        for n in 1...WebUI.entryRows {
            let key = "r\(n)"
            guard let sku = sku?[key]?.trimmingCharacters(in: .whitespaces), !sku.isEmpty else { continue }
            let units = Int64(quantity?[key] ?? "1") ?? 0
            v.check(units > 0, "lines[\(lines.count)].quantity", "row \(n): a whole number of units, at least 1")
            let minor = price?[key].flatMap(currency.minorUnits)
            v.check(minor != nil, "lines[\(lines.count)].unitPrice", "row \(n): a price in \(currency) such as 12.50")
            let delivery = LineChangeForm.delivery(delivery?[key]) ?? .ship
            lines.append(.init(sku: SKU(sku), quantity: max(units, 1), unitPrice: minor ?? 0, delivery: delivery))
        }
        var shippingPrice: Int64 = 0
        if let shipping {
            if let minor = currency.minorUnits(shipping) {
                shippingPrice = minor
            } else {
                v.add("shippingPrice", "a price in \(currency) such as 4.95")
            }
        }
        try v.validate()
        let ships = lines.contains { $0.delivery == .ship }
        let address =
            ships || line1 != nil
            ? Address(name: name, line1: line1, city: city, postalCode: postalCode, country: country?.uppercased(), phone: phone) : nil
        var draft = OrderDraft(
            channel: ChannelID(channel ?? ""), customer: CustomerDetails(email: email, name: name, phone: phone), currency: currency,
            shippingAddress: address, lines: lines, shippingPrice: shippingPrice, note: note)
        draft.requestKey = requestKey
        return draft
    }
}

/// A sale at the counter: one line per sku rung up (`SKU price` or `SKU units price`), how the
/// customer paid, their email for the receipt if they give it, and the key drawn with the form.
struct CounterSaleForm: Decodable {
    var items: String?
    var method: String?
    var email: String?
    var currency: String?
    var saleKey: String?
}

/// Erasing a person: the word typed to confirm it.
struct EraseForm: Decodable {
    var confirm: String?
}

/// A person added or changed on the people page: stores comma-separated; `intent` disable or
/// enable instead of saving.
struct PersonForm: Decodable {
    var email: String?
    var name: String?
    var password: String?
    var role: String?
    var stores: String?
    var intent: String?

    func staffRole() throws(OrderlyError) -> StaffUser.Role {
        guard let role = StaffUser.Role(rawValue: role ?? "") else { throw OrderlyError.invalid("role", "must be admin, service or store") }
        return role
    }

    func locations() -> [LocationID] {
        WebForm.list(stores).map(LocationID.init)
    }
}

/// A password changed (`current` and `new`) or set through a reset link (`new`).
struct PasswordForm: Decodable {
    var current: String?
    var new: String?
}

/// The language a person reads the back office in.
struct LanguageForm: Decodable {
    var language: String?
}
