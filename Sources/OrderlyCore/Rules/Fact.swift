import Foundation

/// What a condition can ask about: a documented, typed list. Order facts are known wherever
/// an order is judged (workflow stages, routing rules' order filters); location facts only
/// where candidate locations are (routing rules' location filters), next to the order's.
public struct Fact: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A whole number (money in minor units, counts, minutes).
        case integer
        /// Any number (kilometres).
        case number
        case string
        case boolean
        /// A set of strings (tags, skus): asked with `contains`.
        case strings
    }

    public enum Scope: Sendable, Equatable {
        case order, location
    }

    public var name: String
    public var kind: Kind
    public var scope: Scope
    public var summary: String

    /// Every fact. `order.attributes.<key>` stands for any key a channel sends.
    public static let catalog: [Fact] = [
        .init(name: "order.total", kind: .integer, scope: .order, summary: "The order's total in minor units of its currency."),
        .init(name: "order.currency", kind: .string, scope: .order, summary: "ISO 4217 code."),
        .init(name: "order.channel", kind: .string, scope: .order, summary: "The channel's id."),
        .init(name: "order.lineCount", kind: .integer, scope: .order, summary: "How many lines."),
        .init(name: "order.units", kind: .integer, scope: .order, summary: "Units ordered over all lines."),
        .init(name: "order.tags", kind: .strings, scope: .order, summary: "The order's tags."),
        .init(
            name: "order.attributes.<key>", kind: .string, scope: .order,
            summary: "A free attribute the channel sent with the order (`attributes`), by its key."),
        .init(name: "order.riskScore", kind: .integer, scope: .order, summary: "0–100, sent by the channel or set later by a signal."),
        .init(
            name: "order.paymentStatus", kind: .string, scope: .order,
            summary: "unpaid, authorized, partially_paid, paid, partially_refunded, refunded or voided."),
        .init(name: "order.ageMinutes", kind: .integer, scope: .order, summary: "Whole minutes since the order was placed."),
        .init(name: "shipping.country", kind: .string, scope: .order, summary: "ISO 3166-1 alpha-2 of the shipping address, in capitals."),
        .init(
            name: "shipping.postalCode", kind: .string, scope: .order,
            summary: "The shipping address's postal code in capitals without spaces (1012LG)."),
        .init(name: "customer.tags", kind: .strings, scope: .order, summary: "The customer's tags."),
        .init(name: "customer.orderCount", kind: .integer, scope: .order, summary: "Orders the customer placed before this one."),
        .init(name: "lines.skus", kind: .strings, scope: .order, summary: "The skus of the order's lines."),
        .init(name: "lines.productTags", kind: .strings, scope: .order, summary: "Every tag of the lines' products."),
        .init(name: "lines.deliveryMethods", kind: .strings, scope: .order, summary: "ship, pickup, carryOut."),
        .init(name: "location.id", kind: .string, scope: .location, summary: "The candidate location's id."),
        .init(name: "location.type", kind: .string, scope: .location, summary: "warehouse, store or supplier."),
        .init(name: "location.tags", kind: .strings, scope: .location, summary: "The location's tags."),
        .init(
            name: "location.distanceKm", kind: .number, scope: .location,
            summary: "Kilometres from the location to the shipping address (absent without coordinates)."),
        .init(
            name: "location.available", kind: .boolean, scope: .location,
            summary: "Whether the location holds every unit of the lines being routed."),
        .init(name: "location.availableUnits", kind: .integer, scope: .location, summary: "Units of the lines being routed it holds."),
        .init(name: "location.capacityLeft", kind: .integer, scope: .location, summary: "Units it may still take today (absent: unlimited)."),
    ]

    static let attributePrefix = "order.attributes."

    /// The fact named `name` where `scope` is known, if it is one.
    public static func named(_ name: String, in scope: Scope) -> Fact? {
        if name.hasPrefix(attributePrefix), name.count > attributePrefix.count, name.count <= 100 {
            return Fact(name: name, kind: .string, scope: .order, summary: "")
        }
        guard let fact = catalog.first(where: { $0.name == name }) else { return nil }
        return fact.scope == .order || scope == .location ? fact : nil
    }
}
