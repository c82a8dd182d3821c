import Foundation
import OrderlyCore
import Testing

@Suite("Workflows")
struct WorkflowTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func workflow(_ text: String) throws -> Workflow {
        try Workflow.parse(id: "web-flow", try JSONDecoder().decode(RuleValue.self, from: Data(text.utf8)))
    }

    /// An unpaid order of 2 × 2500 to the Netherlands, risk 80.
    static func order(paid: PaymentTotals = PaymentTotals(), riskScore: Int64? = 80, country: String = "NL", tags: [String] = []) -> Order {
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: nil, customerId: "c", currency: "EUR",
            totals: OrderTotals(subtotal: 5000, shipping: 0, discount: 0),
            shippingAddress: Address(line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 lg", country: country), coordinates: nil,
            lines: [OrderLine(number: 1, sku: "A", quantity: 2, unitPrice: 2500, delivery: .ship)], tags: tags, createdAt: now)
        order.payments = paid
        order.riskScore = riskScore
        return order
    }

    static func facts(_ order: Order, orderCount: Int64 = 0) -> OrderFacts {
        OrderFacts(order, customer: .init(orderCount: orderCount), now: now)
    }

    static let flow = """
        {"stages": [
          {"name": "payment", "until": {"fact": "order.paymentStatus", "op": "in", "value": ["authorized", "paid"]},
           "timeout": "PT48H", "onTimeout": "cancel", "onEntry": [{"tag": "awaiting-payment"}]},
          {"name": "fraud review", "when": {"fact": "order.riskScore", "op": "gte", "value": 70}, "approval": {"roles": ["service"]},
           "timeout": "P1D", "onTimeout": "hold"},
          {"name": "warehouse slot", "signal": "slot_booked", "onEntry": [{"emit": "slot_requested"}]}
        ]}
        """

    @Test func aWorkflowReadsBackAsItWasWritten() throws {
        let flow = try Self.workflow(Self.flow)
        #expect(flow.stages.map(\.name) == ["payment", "fraud review", "warehouse slot"])
        #expect(flow.stages[1].end == .approval(roles: [.service]) && flow.stages[1].onTimeout == .hold)
        #expect(flow.stages[0].onEntry == [.tag("awaiting-payment")] && flow.stages[2].end == .signal("slot_booked"))
        #expect(try Workflow.parse(id: "web-flow", flow.json) == flow)
    }

    @Test func badWorkflowsAreRefusedNamingTheirPath() throws {
        func fields(_ text: String) -> [String] {
            do {
                _ = try Self.workflow(text)
                return []
            } catch let error as OrderlyError {
                return error.fieldErrors.map(\.field)
            } catch {
                return ["unreadable"]
            }
        }
        #expect(
            fields(
                #"{"stages": [{"name": "a", "signal": "x"}, {"name": "b", "signal": "y"}, {"name": "c", "until": {"all": [{"fact": "order.colour", "op": "eq", "value": 1}]}}]}"#
            )
                == ["stages[2].until.all[0].fact"])
        #expect(fields(#"{"stages": [{"name": "a"}]}"#) == ["stages[0]"], "a stage must end somehow")
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x", "until": {"all": []}}]}"#) == ["stages[0]"], "in one way only")
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x"}, {"name": "a", "signal": "y"}]}"#) == ["stages[1].name"])
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x", "timeout": "two days"}]}"#) == ["stages[0].timeout"])
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x", "onTimeout": "cancel"}]}"#) == ["stages[0].onTimeout"])
        #expect(fields(#"{"stages": [{"name": "a", "approval": {"roles": ["boss"]}}]}"#) == ["stages[0].approval.roles[0]"])
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x", "onEntry": [{"paint": "red"}]}]}"#) == ["stages[0].onEntry[0].paint"])
        #expect(fields(#"{"stages": [{"name": "a", "signal": "x", "colour": 1}]}"#) == ["stages[0].colour"])
        #expect(
            fields(#"{"stages": [{"name": "a", "signal": "x", "when": {"fact": "location.tags", "op": "contains", "value": "n"}}]}"#) == [
                "stages[0].when.fact"
            ])
        #expect(fields(#"{"steps": []}"#).contains("steps"))
    }

    /// Payment first: the unpaid order waits in `payment`, tagged; the authorization ends the
    /// stage and, its risk being 80, it waits for service's approval; approved, it waits for
    /// the warehouse's signal; the signal releases it.
    @Test func anOrderWaitsForPaymentApprovalAndSignalInTurn() throws {
        let flow = try Self.workflow(Self.flow)
        var order = Self.order()
        var step = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(order), trigger: .placed, now: Self.now)
        #expect(step.position == .stage(0, since: Self.now) && step.steps == [.entered(stage: "payment", actions: [.tag("awaiting-payment")])])
        var position = step.position
        step = try WorkflowProgress.advance(flow, from: position, facts: Self.facts(order), trigger: .changed, now: Self.now)
        #expect(step.position == position && step.steps.isEmpty, "nothing changed, nothing moves")
        step = try WorkflowProgress.advance(flow, from: position, facts: Self.facts(order), trigger: .signal("slot_booked"), now: Self.now)
        #expect(step.steps.isEmpty, "a signal the stage does not wait for changes nothing")

        order.payments = PaymentTotals(authorized: 5000)
        let later = Self.now.addingTimeInterval(600)
        step = try WorkflowProgress.advance(flow, from: position, facts: Self.facts(order), trigger: .changed, now: later)
        #expect(step.position == .stage(1, since: later))
        #expect(step.steps == [.left(stage: "payment", reason: "condition met"), .entered(stage: "fraud review", actions: [])])
        position = step.position

        #expect(throws: OrderlyError.self) {
            try WorkflowProgress.advance(
                flow, from: position, facts: Self.facts(order), trigger: .approval(stage: "fraud review", approve: true, role: .store, note: nil),
                now: later)
        }
        #expect(throws: OrderlyError.self) {
            try WorkflowProgress.advance(
                flow, from: position, facts: Self.facts(order), trigger: .approval(stage: "payment", approve: true, role: .service, note: nil),
                now: later)
        }
        step = try WorkflowProgress.advance(
            flow, from: position, facts: Self.facts(order), trigger: .approval(stage: "fraud review", approve: true, role: .service, note: "called"),
            now: later)
        #expect(step.steps.first == .left(stage: "fraud review", reason: "approved by service: called"))
        #expect(step.steps.last == .entered(stage: "warehouse slot", actions: [.emit("slot_requested")]))
        step = try WorkflowProgress.advance(flow, from: step.position, facts: Self.facts(order), trigger: .signal("slot_booked"), now: later)
        #expect(step.position == .released && step.steps == [.left(stage: "warehouse slot", reason: "signal slot_booked"), .released])
    }

    /// A paid, low-risk order passes the payment stage without entering it and skips the fraud
    /// stage its facts do not call for; a rejection cancels.
    @Test func stagesThatDoNotApplyArePassedAndARejectionCancels() throws {
        let flow = try Self.workflow(Self.flow)
        let paid = Self.order(paid: PaymentTotals(authorized: 5000, captured: 5000), riskScore: 10)
        let step = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(paid), trigger: .placed, now: Self.now)
        #expect(step.position == .stage(2, since: Self.now) && step.steps.count == 1)

        let risky = Self.order(paid: PaymentTotals(authorized: 5000))
        let waiting = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(risky), trigger: .placed, now: Self.now)
        #expect(waiting.position == .stage(1, since: Self.now))
        let rejected = try WorkflowProgress.advance(
            flow, from: waiting.position, facts: Self.facts(risky),
            trigger: .approval(stage: "fraud review", approve: false, role: .service, note: "stolen card"),
            now: Self.now)
        #expect(
            rejected.position == .cancelled && rejected.steps.last == .cancelled(reason: "rejected in stage 'fraud review' by service: stolen card"))
    }

    /// A stage's `route` counts for the stages an order meets at placement whose `when` it
    /// matches — passed at once or waited in, the last one naming a strategy winning — and not
    /// for the stages after the one it waits in.
    @Test func routeActionsChooseTheStrategyAtPlacement() throws {
        let flow = try Self.workflow(
            """
            {"stages": [
              {"name": "big", "when": {"fact": "order.total", "op": "gte", "value": 5000}, "until": {"fact": "order.units", "op": "gte", "value": 0},
               "onEntry": [{"route": "warehouses"}]},
              {"name": "risky", "when": {"fact": "order.riskScore", "op": "gte", "value": 70}, "approval": {}, "onEntry": [{"route": "reviewed"}]},
              {"name": "later", "signal": "done", "onEntry": [{"route": "never-at-placement"}]}
            ]}
            """)
        #expect(flow.strategies == ["warehouses", "reviewed", "never-at-placement"])
        let risky = Self.order()
        let waiting = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(risky), trigger: .placed, now: Self.now)
        #expect(waiting.position == .stage(1, since: Self.now))
        #expect(flow.strategy(for: Self.facts(risky), at: waiting.position) == "reviewed")
        let calm = Self.order(riskScore: 10)
        let passing = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(calm), trigger: .placed, now: Self.now)
        #expect(passing.position == .stage(2, since: Self.now))
        #expect(flow.strategy(for: Self.facts(calm), at: .stage(0, since: Self.now)) == "warehouses", "passed at once, its route still counts")
        #expect(flow.strategy(for: Self.facts(calm), at: .cancelled) == nil)
        #expect(try Workflow.parse(id: "web-flow", version: 1, flow.json) == flow)
        #expect(throws: OrderlyError.self) { try Self.workflow(#"{"stages": [{"name": "a", "signal": "x", "onEntry": [{"route": "not an id!"}]}]}"#) }
    }

    /// Timeouts: payment's cancels after 48 hours (not a second before), fraud review's holds
    /// and moves on, and `due` says when.
    @Test func timeoutsActWhenTheyPass() throws {
        let flow = try Self.workflow(Self.flow)
        let order = Self.order()
        let start = try WorkflowProgress.advance(flow, from: nil, facts: Self.facts(order), trigger: .placed, now: Self.now)
        let due = try #require(WorkflowProgress.due(flow, at: start.position))
        #expect(due == Self.now.addingTimeInterval(48 * 3600))
        let early = try WorkflowProgress.advance(
            flow, from: start.position, facts: Self.facts(order), trigger: .timeout, now: due.addingTimeInterval(-1))
        #expect(early.steps.isEmpty)
        let late = try WorkflowProgress.advance(flow, from: start.position, facts: Self.facts(order), trigger: .timeout, now: due)
        #expect(late.position == .cancelled && late.steps.last == .cancelled(reason: "no end within PT48H in stage 'payment'"))

        let review = WorkflowProgress.Position.stage(1, since: Self.now)
        let held = try WorkflowProgress.advance(
            flow, from: review, facts: Self.facts(order), trigger: .timeout, now: Self.now.addingTimeInterval(86_400))
        #expect(
            held.steps.contains(.held(reason: "fraud review: no end within P1D"))
                && held.position == .stage(2, since: Self.now.addingTimeInterval(86_400)))
    }

    /// The standard workflow of a channel holds an order with one hold per hold rule it matches
    /// (in the rules' order, each named as its rule) and the payment gate's last, all at once;
    /// a payment that meets the requirement ends the gate's stage; its timeout is the channel's.
    @Test func theStandardWorkflowHoldsEachRuleAndTheGateSideBySide() throws {
        var channel = Channel(id: "web", name: "Web", kind: .web)
        channel.holdRules = [
            HoldRule(name: "large", minTotal: 4000), HoldRule(name: "first order abroad", firstOrder: true, countries: ["de", "be"]),
            HoldRule(name: "postcode", postalCodes: ["1012LG"]), HoldRule(name: "tagged", tags: ["review", "vip"]), HoldRule(name: "empty"),
        ]
        channel.payments = PaymentPolicy(require: .paid, timeout: ISODuration("PT2H", allowingTime: true))
        let flow = Workflow.standard(for: channel)
        #expect(flow.sideBySide && flow.stages.map(\.name) == ["large", "first order abroad", "postcode", "tagged", "empty", "payment"])
        let ids = { (order: Order, orderCount: Int64) in flow.holds(entering: Self.facts(order, orderCount: orderCount)).map(\.id) }
        #expect(ids(Self.order(), 3) == ["rule-1", "rule-3", "payment"], "5000 ≥ 4000, postcode 1012 LG, unpaid")
        #expect(ids(Self.order(country: "DE"), 0) == ["rule-1", "rule-2", "rule-3", "payment"], "a first order to Germany")
        #expect(ids(Self.order(country: "DE"), 3) == ["rule-1", "rule-3", "payment"], "not a first order")
        #expect(ids(Self.order(tags: ["vip"]), 3) == ["rule-1", "rule-3", "rule-4", "payment"])
        #expect(ids(Self.order(paid: PaymentTotals(authorized: 5000, captured: 5000)), 3) == ["rule-1", "rule-3"], "paid: the gate lets it through")
        channel.holdRules[0].minTotal = 6000
        channel.payments = PaymentPolicy()
        #expect(Workflow.standard(for: channel).holds(entering: Self.facts(Self.order(), orderCount: 3)).map(\.id) == ["rule-3"])

        let held = flow.holds(entering: Self.facts(Self.order(), orderCount: 3))
        #expect(held.last == Hold(id: "payment", reason: "awaiting payment (paid)", source: .payment))
        #expect(held.first == Hold(id: "rule-1", reason: "large", source: .rule))
        var order = Self.order()
        order.holds = held
        #expect(flow.ended(order, facts: Self.facts(order, orderCount: 3)).isEmpty)
        order.payments = PaymentTotals(authorized: 5000, captured: 5000)
        #expect(flow.ended(order, facts: Self.facts(order, orderCount: 3)).map(\.id) == ["payment"], "a rule's hold ends only by a person")
        order.payments = PaymentTotals()
        channel.payments = PaymentPolicy()
        #expect(
            Workflow.standard(for: channel).ended(order, facts: Self.facts(order, orderCount: 3)).map(\.id) == ["payment"],
            "a channel that no longer requires payment lets the order through")
        let gate = try #require(flow.stage(holding: "payment"))
        #expect(!gate.timedOut(since: Self.now, now: Self.now.addingTimeInterval(7199)))
        #expect(gate.timedOut(since: Self.now, now: Self.now.addingTimeInterval(7200)))
        #expect(flow.stages.last?.when == .always && flow.stages[4].when == .any([]), "a rule with no condition never holds")
    }
}
