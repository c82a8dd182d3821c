import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServer
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Back office: customer messages")
struct BackOfficeMessagesTests {
    /// An admin writes the web shop's own Dutch confirmation and makes the shop write in Dutch;
    /// a template that does not parse is refused and saves nothing; the order page shows the
    /// message as it was recorded; service staff read the page without forms and may not post.
    @Test(arguments: Engine.all)
    func adminWritesTemplatesAndTheOrderPageShowsTheMessages(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await BackOfficeTests.signedInAdmin(app)
            let page = try await admin.go(.get, "/messages").expect(200)
            #expect(page.text.contains("id=\"template-order_confirmation-nl\"") && page.text.contains("Order confirmation · nl · every channel"))
            let csrf = admin.csrf(page)

            let before = try await DatabaseImage.of(app.stores.database)
            try await admin.go(
                .post, "/messages/templates",
                form: [
                    "csrf": csrf, "kind": "order_confirmation", "language": "nl", "channel": "web", "subject": "Dank je!", "body": "{{#lines}} open",
                ]
            ).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding?.hasPrefix("error:body: is not a valid mustache template") == true)
            admin.cookies["orderly_flash"] = nil
            try await admin.go(.post, "/messages/channels/web/language", form: ["csrf": csrf, "language": "fr"]).expect(303)
            admin.cookies["orderly_flash"] = nil
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refused forms write nothing")

            try await admin.go(
                .post, "/messages/templates",
                form: [
                    "csrf": csrf, "kind": "order_confirmation", "language": "nl", "channel": "web", "subject": "Dank je, {{customerName}}!",
                    "body": "Bestelling {{orderNumber}}: {{total}}",
                ]
            ).expect(303)
            #expect((admin.cookies["orderly_flash"] ?? "").removingPercentEncoding == "ok:Template order_confirmation/nl/web saved.")
            try await admin.go(.post, "/messages/channels/web/language", form: ["csrf": csrf, "language": "nl"]).expect(303)
            #expect(try await app.send(.get, "/v1/channels/web").expect(200)["language"] as? String == "nl")

            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 5]).expect(200)
            let placed = try await app.send(
                .post, "/v1/orders", json: OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 995]])
            )
            .expect(201)
            let id = try #require(placed["id"] as? String)
            let number = try #require(placed["number"] as? String)
            let waiting = try await admin.go(.get, "/orders/\(id)").expect(200)
            #expect(waiting.text.contains("id=\"messages\"") && waiting.text.contains("Pending"))
            try await CustomerMessagesTests.dispatcher(app, smtp: nil).runOnce()
            let order = try await admin.go(.get, "/orders/\(id)").expect(200)
            #expect(order.text.contains("<summary>Dank je, Ada Lovelace!</summary>") && order.text.contains("Bestelling \(number): € 9,95"))
            #expect(order.text.contains("Recorded, not sent") && order.text.contains("ada@example.com"))

            let agent = BackOfficeTests.Browser(app)
            try await agent.signIn("agent@shop.test")
            let read = try await agent.go(.get, "/messages").expect(200)
            #expect(!read.text.contains("id=\"channel-template-form\"") && read.text.contains("Dank je, {{customerName}}!"))
            try await agent.go(.post, "/messages/channels/web/language", form: ["csrf": agent.csrf(read), "language": "en"]).expect(403)
            #expect(try await app.send(.get, "/v1/channels/web").expect(200)["language"] as? String == "nl")
        }
    }
}
