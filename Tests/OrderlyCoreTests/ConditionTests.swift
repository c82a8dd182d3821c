import Foundation
import OrderlyCore
import Testing

@Suite("Conditions")
struct ConditionTests {
    static func json(_ text: String) throws -> RuleValue { try JSONDecoder().decode(RuleValue.self, from: Data(text.utf8)) }

    static func condition(_ text: String, scope: Fact.Scope = .location) throws -> Condition {
        try Condition.parse(try json(text), at: "when", scope: scope)
    }

    static let facts: [String: RuleValue] = [
        "order.total": .integer(12_000), "order.currency": .string("EUR"), "order.tags": .list([.string("vip"), .string("gift")]),
        "order.paymentStatus": .string("authorized"), "location.distanceKm": .number(12.5), "location.available": .bool(true),
        "shipping.postalCode": .string("1012 LG"),
    ]

    static func holds(_ text: String) throws -> Bool { try condition(text).holds(facts) }

    @Test func equalityAndInequality() throws {
        #expect(try Self.holds(#"{"fact": "order.total", "op": "eq", "value": 12000}"#))
        #expect(try !Self.holds(#"{"fact": "order.total", "op": "ne", "value": 12000}"#))
        #expect(try Self.holds(#"{"fact": "order.currency", "op": "eq", "value": "EUR"}"#))
        #expect(try Self.holds(#"{"fact": "order.currency", "op": "ne", "value": "USD"}"#))
        #expect(try Self.holds(#"{"fact": "location.available", "op": "eq", "value": true}"#))
        #expect(try Self.holds(#"{"fact": "location.distanceKm", "op": "eq", "value": 12.5}"#))
    }

    @Test func orderingComparesNumbersExactly() throws {
        #expect(try Self.holds(#"{"fact": "order.total", "op": "gt", "value": 11999}"#))
        #expect(try !Self.holds(#"{"fact": "order.total", "op": "gt", "value": 12000}"#))
        #expect(try Self.holds(#"{"fact": "order.total", "op": "gte", "value": 12000}"#))
        #expect(try Self.holds(#"{"fact": "order.total", "op": "lt", "value": 12001}"#))
        #expect(try !Self.holds(#"{"fact": "order.total", "op": "lte", "value": 11999}"#))
        #expect(try Self.holds(#"{"fact": "location.distanceKm", "op": "lt", "value": 13}"#), "a whole number against a fraction")
        #expect(try !Self.holds(#"{"fact": "location.distanceKm", "op": "gte", "value": 12.51}"#))
        let big = Condition.compare(fact: "order.total", op: .gt, value: .integer(9_007_199_254_740_992))
        #expect(!big.holds(["order.total": .integer(9_007_199_254_740_992)]), "whole numbers beyond a double's precision stay exact")
        #expect(big.holds(["order.total": .integer(9_007_199_254_740_993)]))
    }

    @Test func inContainsAndExists() throws {
        #expect(try Self.holds(#"{"fact": "order.currency", "op": "in", "value": ["USD", "EUR"]}"#))
        #expect(try !Self.holds(#"{"fact": "order.currency", "op": "in", "value": ["USD", "GBP"]}"#))
        #expect(try Self.holds(#"{"fact": "order.total", "op": "in", "value": [100, 12000]}"#))
        #expect(try Self.holds(#"{"fact": "order.tags", "op": "contains", "value": "vip"}"#))
        #expect(try !Self.holds(#"{"fact": "order.tags", "op": "contains", "value": "vi"}"#), "a set holds whole tags")
        #expect(try Self.holds(#"{"fact": "shipping.postalCode", "op": "contains", "value": "1012"}"#), "a string holds a piece of text")
        #expect(try Self.holds(#"{"fact": "order.paymentStatus", "op": "exists"}"#))
        #expect(try !Self.holds(#"{"fact": "order.riskScore", "op": "exists"}"#))
    }

    @Test func aFactTheOrderDoesNotHaveMakesEveryComparisonFalse() throws {
        for op in ["eq", "ne", "gt", "gte", "lt", "lte"] {
            #expect(try !Self.holds(#"{"fact": "order.riskScore", "op": "\#(op)", "value": 50}"#), "\(op)")
        }
        #expect(try !Self.holds(#"{"fact": "order.riskScore", "op": "in", "value": [50]}"#))
        #expect(try !Self.holds(#"{"fact": "customer.tags", "op": "contains", "value": "vip"}"#))
        #expect(try Self.holds(#"{"not": {"fact": "order.riskScore", "op": "exists"}}"#))
    }

    @Test func allAnyAndNot() throws {
        let vip = #"{"fact": "order.tags", "op": "contains", "value": "vip"}"#
        let usd = #"{"fact": "order.currency", "op": "eq", "value": "USD"}"#
        #expect(try Self.holds(#"{"all": [\#(vip), {"not": \#(usd)}]}"#))
        #expect(try !Self.holds(#"{"all": [\#(vip), \#(usd)]}"#))
        #expect(try Self.holds(#"{"any": [\#(usd), \#(vip)]}"#))
        #expect(try !Self.holds(#"{"any": [\#(usd)]}"#))
        #expect(try Self.holds(#"{"all": []}"#) && !Self.holds(#"{"any": []}"#), "all of nothing holds, any of nothing does not")
        #expect(try Self.condition(#"{"any": [\#(usd), {"all": [\#(vip)]}]}"#).facts == ["order.currency", "order.tags"])
    }

    @Test func aConditionReadsBackAsItWasWritten() throws {
        let text = #"{"all": [{"fact": "order.total", "op": "gte", "value": 50000}, {"not": {"fact": "order.attributes.gift", "op": "exists"}}]}"#
        let condition = try Self.condition(text)
        #expect(condition.json == (try Self.json(text)))
        #expect(try Condition.parse(condition.json, at: "when", scope: .order) == condition)
        let data = try JSONEncoder().encode(condition.json)
        #expect(try JSONDecoder().decode(RuleValue.self, from: data) == condition.json)
    }

    /// Each problem is named by its JSON path, and nothing is read from a refused condition.
    @Test func badConditionsAreRefusedNamingTheirPath() throws {
        func fields(_ text: String, scope: Fact.Scope = .order) throws -> [String] {
            var v = Validator()
            let parsed = Condition.parse(try Self.json(text), at: "stages[2].until", scope: scope, into: &v)
            #expect(parsed == nil)
            return v.errors.map(\.field)
        }
        #expect(try fields(#"{"all": [{"fact": "order.colour", "op": "eq", "value": "red"}]}"#) == ["stages[2].until.all[0].fact"])
        #expect(try fields(#"{"fact": "order.total", "op": "eq", "value": "lots"}"#) == ["stages[2].until.value"])
        #expect(try fields(#"{"fact": "order.total", "op": "about", "value": 1}"#) == ["stages[2].until.op"])
        #expect(try fields(#"{"fact": "order.total", "op": "gt"}"#) == ["stages[2].until.value"])
        #expect(try fields(#"{"fact": "order.currency", "op": "lt", "value": "EUR"}"#) == ["stages[2].until.op"])
        #expect(try fields(#"{"fact": "order.tags", "op": "eq", "value": "vip"}"#) == ["stages[2].until.op"])
        #expect(try fields(#"{"fact": "order.currency", "op": "in", "value": []}"#) == ["stages[2].until.value"])
        #expect(try fields(#"{"fact": "order.total", "op": "in", "value": [1, "2"]}"#) == ["stages[2].until.value"])
        #expect(try fields(#"{"fact": "order.total", "op": "exists", "value": 1}"#) == ["stages[2].until.value"])
        #expect(try fields(#"{"fact": "location.tags", "op": "contains", "value": "north"}"#) == ["stages[2].until.fact"])
        #expect(try fields(#"{"fact": "order.total", "op": "eq", "value": 1, "weight": 2}"#) == ["stages[2].until.weight"])
        #expect(try fields(#"{"all": [], "any": []}"#) == ["stages[2].until"])
        #expect(try fields(#"{"any": {"fact": "order.total"}}"#) == ["stages[2].until.any"])
        #expect(try fields(#"["order.total"]"#) == ["stages[2].until"])
        #expect(
            try fields(#"{"any": [{"not": {"fact": "order.x", "op": "exists"}}, {"fact": "order.total", "op": "eq", "value": true}]}"#)
                == ["stages[2].until.any[0].not.fact", "stages[2].until.any[1].value"], "every problem, each by its path")
        var deep = #"{"fact": "order.total", "op": "gt", "value": 1}"#
        for _ in 0..<Condition.maxDepth { deep = #"{"not": \#(deep)}"# }
        #expect(try fields(deep).count == 1)
    }

    @Test func locationFactsAreKnownInLocationFilters() throws {
        let filter = try Self.condition(
            #"{"all": [{"fact": "location.tags", "op": "contains", "value": "north"}, {"fact": "order.total", "op": "gt", "value": 0}]}"#)
        #expect(filter.holds(["location.tags": .list([.string("north")]), "order.total": .integer(1)]))
    }

    /// Every order fact, worked from one order.
    @Test func theFactsOfAnOrder() throws {
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 5000, shipping: 500, discount: 0),
            shippingAddress: Address(line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 LG", country: "NL"), coordinates: nil,
            lines: [
                OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 2000, delivery: .ship),
                OrderLine(number: 2, sku: "B", quantity: 1, unitPrice: 1000, delivery: .pickup("ST-UTR")),
            ],
            tags: ["gift"], createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        order.payments = PaymentTotals(authorized: 5500)
        order.attributes = ["giftWrap": "yes"]
        order.riskScore = 72
        let facts = OrderFacts(
            order, customer: .init(tags: ["vip"], orderCount: 3), productTags: ["A": ["fragile"], "B": ["fragile", "bulky"]],
            now: Date(timeIntervalSince1970: 1_800_000_000 + 150 * 60 + 59))
        #expect(facts["order.total"] == .integer(5500) && facts["order.currency"] == .string("EUR") && facts["order.channel"] == .string("web"))
        #expect(facts["order.lineCount"] == .integer(2) && facts["order.units"] == .integer(3) && facts["order.tags"] == .list([.string("gift")]))
        #expect(facts["order.attributes.giftWrap"] == .string("yes") && facts["order.riskScore"] == .integer(72))
        #expect(facts["order.paymentStatus"] == .string("authorized") && facts["order.ageMinutes"] == .integer(150))
        #expect(facts["shipping.country"] == .string("NL") && facts["shipping.postalCode"] == .string("1012LG"))
        #expect(facts["customer.tags"] == .list([.string("vip")]) && facts["customer.orderCount"] == .integer(3))
        #expect(facts["lines.skus"] == .list([.string("A"), .string("B")]))
        #expect(facts["lines.productTags"] == .list([.string("fragile"), .string("bulky")]))
        #expect(facts["lines.deliveryMethods"] == .list([.string("ship"), .string("pickup")]))
        #expect(facts.satisfy(try Self.condition(#"{"fact": "order.attributes.giftWrap", "op": "eq", "value": "yes"}"#, scope: .order)))

        order.shippingAddress = nil
        order.attributes = [:]
        order.riskScore = nil
        let bare = OrderFacts(order, now: order.createdAt)
        #expect(bare["shipping.country"] == nil && bare["customer.tags"] == nil && bare["order.riskScore"] == nil)
        #expect(!bare.satisfy(try Self.condition(#"{"fact": "shipping.country", "op": "ne", "value": "DE"}"#, scope: .order)))
    }
}
