import Foundation
import Testing

@testable import OrderlyCore

@Suite("Integration rules")
struct IntegrationRulesTests {
    @Test func signatureMatchesTheDocumentedRecipe() {
        let body = Array(#"{"id":1}"#.utf8)
        let header = WebhookSignature.header(secret: "whsec_test_secret_1234", timestamp: 1_700_000_000, body: body)
        // Computed independently with Python: hmac.new(secret, b'1700000000.{"id":1}', sha256).hexdigest()
        #expect(header == "t=1700000000,v1=00bb7b20933ee70ec6a817d6d9c54e9df64818d1cbb0e4365fff06c9b5d5a6c4")
        let at = Date(timeIntervalSince1970: 1_700_000_100)
        #expect(WebhookSignature.verify(header: header, secret: "whsec_test_secret_1234", body: body, now: at))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_other_secret_12", body: body, now: at))
        #expect(
            !WebhookSignature.verify(header: header, secret: "whsec_test_secret_1234", body: body, now: at.addingTimeInterval(3600)),
            "old replays are refused")
        #expect(!WebhookSignature.verify(header: "t=x,v1=zz", secret: "whsec_test_secret_1234", body: body, now: at))
    }

    @Test func retriesBackOffExponentiallyAndGiveUp() {
        let policy = WebhookRetryPolicy(maxAttempts: 5, baseDelay: .seconds(2), maxDelay: .seconds(10))
        #expect(policy.afterFailure(attempt: 1) == .seconds(2))
        #expect(policy.afterFailure(attempt: 2) == .seconds(4))
        #expect(policy.afterFailure(attempt: 3) == .seconds(8))
        #expect(policy.afterFailure(attempt: 4) == .seconds(10), "capped")
        #expect(policy.afterFailure(attempt: 5) == nil, "given up after the last attempt")
    }

    @Test func subscriptionsMatchTypesFamiliesAndEverything() throws {
        let hook = Webhook(id: "wh_1", url: "https://erp.example/hook", eventTypes: ["order.*", "fulfillment.shipped"], createdAt: Date())
        #expect(hook.wants("order.created") && hook.wants("order.note_added"))
        #expect(hook.wants("fulfillment.shipped"))
        #expect(!hook.wants("fulfillment.created") && !hook.wants("orders.x") && !hook.wants("inventory.adjusted"))
        #expect(Webhook(id: "wh_2", url: "http://x", eventTypes: ["*"], createdAt: Date()).wants("anything.at_all"))
        #expect(throws: OrderlyError.self) { try Webhook.validate(url: "mailto:a@b", eventTypes: ["order.*"], secret: nil, allowPrivate: false) }
        #expect(throws: OrderlyError.self) { try Webhook.validate(url: "https://x/hook", eventTypes: ["order.**"], secret: nil, allowPrivate: false) }
        try Webhook.validate(
            url: "https://x/hook", eventTypes: ["order.*", "*", "return.received"], secret: String(repeating: "s", count: 16), allowPrivate: false)
    }

    @Test func tokenBucketAllowsBurstsThenTheRate() {
        let start = Date(timeIntervalSince1970: 0)
        var bucket = TokenBucket(perSecond: 2, burst: 3, now: start)
        for _ in 0..<3 { #expect(bucket.take(now: start) == nil) }
        #expect(bucket.take(now: start) == .milliseconds(500))
        #expect(bucket.take(now: start.addingTimeInterval(0.5)) == nil, "one token back after half a second")
        #expect(bucket.take(now: start.addingTimeInterval(0.5)) != nil)
        for _ in 0..<3 { #expect(bucket.take(now: start.addingTimeInterval(100)) == nil) }
        #expect(bucket.take(now: start.addingTimeInterval(100)) != nil, "never more than the burst")
    }

    @Test func ordersExportAsSafeCSV() {
        var order = Order(
            id: "ord_1", number: "ORD-000001", channel: "web", externalId: "=cmd|x,\"y\"", customerId: "cus_1", currency: "EUR",
            totals: OrderTotals(subtotal: 12_345, shipping: 495, discount: 1_000), shippingAddress: nil, coordinates: nil,
            lines: [OrderLine(number: 1, sku: "A", quantity: 3, unitPrice: 4_115, delivery: .ship)], tags: [],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        order.lines[0].fulfilledQuantity = 2
        order.lines[0].returnedQuantity = 1
        let fields = OrderExportCSV.header.split(separator: ",")
        let row = OrderExportCSV.row(order)
        #expect(fields.count == 17)
        #expect(row.hasPrefix("ORD-000001,ord_1,web,\"'=cmd|x,\"\"y\"\"\",2023-11-14T22:13:20Z,"), "quoted, and never a formula")
        #expect(row.contains(",EUR,12345,495,1000,11840,118.40,3,2,0,1,cus_1"))
        #expect(CurrencyCode("JPY").decimal(500) == "500")
        #expect(CurrencyCode("EUR").decimal(-5) == "-0.05")
        #expect(CurrencyCode("KWD").decimal(1_234) == "1.234")
        #expect(CurrencyCode("EUR").format(24_900) == "EUR 249.00")
    }
}
