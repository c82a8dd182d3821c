import Foundation
import HTTPTypes
import NIOCore
import NIOSSL
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@testable import OrderlyServer

@Suite("Customer messages: written with their event, sent over SMTP once, in the channel's language")
struct CustomerMessagesTests {
    static func dispatcher(_ app: TestApp, smtp: TestSMTPServer?, policy: MessageRetryPolicy = .init()) -> MessageDispatcher {
        MessageDispatcher(
            store: app.stores.messages,
            smtp: smtp.map { SMTPSettings(host: "127.0.0.1", port: $0.port, from: "Orderly Shop <shop@example.com>") }, policy: policy,
            timeout: .seconds(10), logger: TestDatabase.logger)
    }

    static func messages(_ app: TestApp, _ order: String) async throws -> [[String: Any]] {
        try await app.send(.get, "/v1/orders/\(order)/messages").expect(200).items
    }

    static func place(_ app: TestApp, lines: [[String: Any]], email: String = "ada@example.com") async throws -> String {
        let placed = try await app.send(.post, "/v1/orders", json: OrdersAPITests.order(lines: lines, email: email)).expect(201)
        return try #require(placed["id"] as? String)
    }

    /// Without ORDERLY_SMTP_URL the confirmation is rendered in the channel's language and kept,
    /// on the order's timeline; an erase takes the address and the words away.
    @Test(arguments: Engine.all)
    func confirmationIsRecordedInTheChannelsLanguageWithoutSMTP(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.patch, "/v1/channels/web", json: ["language": "nl"]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let id = try await Self.place(app, lines: [["sku": "SKU-1", "quantity": 2, "unitPrice": 1250]])

            let pending = try await Self.messages(app, id)
            #expect(pending.count == 1 && pending.first?["status"] as? String == "pending", "written with the order, in its transaction")
            #expect(try await Self.dispatcher(app, smtp: nil).runOnce() == 1)
            #expect(try await Self.dispatcher(app, smtp: nil).runOnce() == 0, "nothing is taken twice")

            let message = try #require(try await Self.messages(app, id).first)
            let number = try #require(try await app.send(.get, "/v1/orders/\(id)").expect(200)["number"] as? String)
            #expect(message["kind"] as? String == "order_confirmation" && message["status"] as? String == "recorded")
            #expect(message["recipient"] as? String == "ada@example.com" && message["language"] as? String == "nl")
            #expect(message["subject"] as? String == "Je bestelling \(number)")
            let body = try #require(message["body"] as? String)
            #expect(body.contains("Hallo Ada Lovelace,") && body.contains("2 × SKU-1") && body.contains("Totaal: € 25,00"), "\(body)")
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(timeline.contains("message.recorded") && !timeline.contains("message.sent"))

            let customer = try #require(try await app.send(.get, "/v1/orders/\(id)").expect(200)["customerId"] as? String)
            try await app.send(.post, "/v1/customers/\(customer)/erase", json: ["confirm": "ERASE"]).expect(200)
            let erased = try #require(try await Self.messages(app, id).first)
            #expect(erased["recipient"] == nil && erased["body"] == nil && erased["status"] as? String == "recorded")
        }
    }

    /// Confirmation, shipped (with the channel's own template) and ready for pickup go out over
    /// SMTP; three senders started at once send each message exactly once.
    @Test(arguments: Engine.all)
    func messagesAreSentOverSMTPExactlyOnceByThreeSenders(engine: Engine) async throws {
        let smtp = try await TestSMTPServer.start()
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(
                .patch, "/v1/locations/ST-UTR",
                json: [
                    "address": ["line1": "Oudegracht 1", "postalCode": "3511 AA", "city": "Utrecht", "country": "NL"],
                    "openingHours": "Mon–Sat 9:00–18:00",
                ]
            ).expect(200)
            try await app.send(
                .put, "/v1/message-templates/shipped/en?channel=web",
                json: ["subject": "{{orderNumber}} left our warehouse", "body": "Track it: {{carrier}} {{trackingNumber}}"]
            ).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 20]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-2/ST-UTR", json: ["onHand": 5]).expect(200)
            let id = try await Self.place(
                app,
                lines: [
                    ["sku": "SKU-1", "quantity": 1, "unitPrice": 1000],
                    ["sku": "SKU-2", "quantity": 1, "unitPrice": 500, "delivery": ["method": "pickup", "locationId": "ST-UTR"]],
                ])
            for n in 0..<4 { _ = try await Self.place(app, lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 100]], email: "c\(n)@example.com") }

            let line = StartLine(count: 3)
            let taken = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        await line.arrive()
                        return try await Self.dispatcher(app, smtp: smtp).runOnce()
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(taken == 5, "five confirmations, each taken by one sender")
            var mails = await smtp.mails
            #expect(mails.count == 5 && Set(mails.compactMap { $0.headers["Message-ID"] }).count == 5, "each sent once")
            #expect(Set(mails.flatMap(\.to)) == ["ada@example.com", "c0@example.com", "c1@example.com", "c2@example.com", "c3@example.com"])
            #expect(mails.allSatisfy { $0.from == "shop@example.com" && $0.headers["From"] == "Orderly Shop <shop@example.com>" })

            let fos = try await app.send(.get, "/v1/fulfillment-orders?orderId=\(id)").expect(200).items
            let ship = try #require(fos.first { $0["type"] as? String == "ship" }?["id"] as? String)
            let pickup = try #require(fos.first { $0["type"] as? String == "pickup" }?["id"] as? String)
            try await app.send(.post, "/v1/fulfillment-orders/\(ship)/accept").expect(200)
            try await app.send(
                .post, "/v1/fulfillment-orders/\(ship)/shipments",
                json: ["lines": [["sku": "SKU-1", "quantity": 1]], "carrier": "PostNL", "trackingNumber": "3S123"]
            ).expect(201)
            let ready = try await app.send(.post, "/v1/fulfillment-orders/\(pickup)/ready-for-pickup").expect(200)
            let code = try #require(ready["pickupCode"] as? String)
            #expect(try await Self.dispatcher(app, smtp: smtp).runOnce() == 2)

            mails = await smtp.mails
            let number = try #require(try await app.send(.get, "/v1/orders/\(id)").expect(200)["number"] as? String)
            let shipped = try #require(mails.first { $0.subject == "\(number) left our warehouse" }, "the channel's own template")
            #expect(shipped.body == "Track it: PostNL 3S123")
            let pickupMail = try #require(mails.first { $0.subject == "Your order \(number) is ready for pickup" })
            #expect(
                pickupMail.body.contains("ready for pickup at Utrecht store") && pickupMail.body.contains("Address: Oudegracht 1, 3511 AA Utrecht"))
            #expect(
                pickupMail.body.contains("Opening hours: Mon–Sat 9:00–18:00") && pickupMail.body.contains("Show this code at the counter: \(code)"))

            let statuses = try await Self.messages(app, id).map { "\($0["kind"] ?? "") \($0["status"] ?? "")" }
            #expect(statuses == ["order_confirmation sent", "shipped sent", "ready_for_pickup sent"])
            let timeline = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.compactMap { $0["type"] as? String }
            #expect(timeline.filter { $0 == "message.sent" }.count == 3)
        }
        await smtp.stop()
    }

    /// A server that refuses the address: tried again after the policy's wait, then given up,
    /// saying so on the timeline. A customer without an email address is skipped.
    @Test(arguments: Engine.all)
    func aRefusedMessageIsRetriedThenGivenUp(engine: Engine) async throws {
        let smtp = try await TestSMTPServer.start(refuseRecipients: true)
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 10]).expect(200)
            let id = try await Self.place(app, lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            let dispatcher = Self.dispatcher(app, smtp: smtp, policy: MessageRetryPolicy(delays: [.zero]))
            #expect(try await dispatcher.runOnce() == 1)
            var message = try #require(try await Self.messages(app, id).first)
            #expect(message["status"] as? String == "pending" && (message["attempts"] as? NSNumber)?.intValue == 1)
            #expect((message["lastError"] as? String)?.contains("550") == true, "\(message)")
            #expect(try await dispatcher.runOnce() == 1)
            message = try #require(try await Self.messages(app, id).first)
            #expect(message["status"] as? String == "failed" && (message["attempts"] as? NSNumber)?.intValue == 2)
            #expect(try await dispatcher.runOnce() == 0)
            let failed = try await app.send(.get, "/v1/orders/\(id)/events").expect(200).items.filter { $0["type"] as? String == "message.failed" }
            #expect(failed.count == 1 && ((failed.first?["data"] as? [String: Any])?["attempts"] as? NSNumber)?.intValue == 2)
            #expect(await smtp.mails.isEmpty)

            var walkIn = OrdersAPITests.order(lines: [["sku": "SKU-1", "quantity": 1, "unitPrice": 1000]])
            walkIn["customer"] = ["name": "Walk-in", "phone": "+31600000001"]
            let noEmail = try #require(try await app.send(.post, "/v1/orders", json: walkIn).expect(201)["id"] as? String)
            #expect(try await dispatcher.runOnce() == 1)
            #expect(try await Self.messages(app, noEmail).first?["status"] as? String == "skipped")
        }
        await smtp.stop()
    }

    /// A refund that went through, and units left waiting for stock, each tell the customer,
    /// with the amount and the units; a capture tells nothing.
    @Test(arguments: Engine.all)
    func refundsAndBackordersTellTheCustomer(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            try await app.send(.patch, "/v1/channels/web", json: ["routing": ["onShortage": "backorder"]]).expect(200)
            try await app.send(.put, "/v1/inventory/SKU-1/WH-AMS", json: ["onHand": 1]).expect(200)
            let id = try await Self.place(app, lines: [["sku": "SKU-1", "quantity": 3, "unitPrice": 1000]])
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("sale", 3000, "s1")).expect(201)
            try await app.send(.post, "/v1/orders/\(id)/payments", json: PaymentsAPITests.pay("refund", 750, "r1")).expect(201)
            #expect(try await Self.dispatcher(app, smtp: nil).runOnce() == 3)
            let messages = try await Self.messages(app, id)
            #expect(messages.compactMap { $0["kind"] as? String } == ["order_confirmation", "backorder_delay", "refund_issued"])
            let delay = try #require(messages.first { $0["kind"] as? String == "backorder_delay" }?["body"] as? String)
            #expect(delay.contains("waiting for stock:\n2 × SKU-1"), "\(delay)")
            let refund = try #require(messages.first { $0["kind"] as? String == "refund_issued" }?["body"] as? String)
            #expect(refund.contains("We have refunded €7.50 for your order"), "\(refund)")
        }
    }

    /// Templates: the built-in ones listed; a channel's own saved, used, removed; a template that
    /// does not parse, names no channel that exists, or comes from a store is refused and changes nothing.
    @Test(arguments: Engine.all)
    func templatesAreSavedCheckedAndRemoved(engine: Engine) async throws {
        try await TestApp.run(engine) { app in
            try await app.seed()
            let builtIn = try await app.send(.get, "/v1/message-templates").expect(200).items
            #expect(builtIn.count == 10 && builtIn.allSatisfy { $0["builtIn"] as? Bool == true })
            #expect(builtIn.contains { $0["kind"] as? String == "ready_for_pickup" && $0["language"] as? String == "nl" })

            let before = try await DatabaseImage.of(app.stores.database)
            let broken = try await app.send(.put, "/v1/message-templates/shipped/en", json: ["subject": "Hi", "body": "{{#lines}} no end"]).expect(
                400)
            #expect(broken.fields == ["body"])
            let noChannel = try await app.send(.put, "/v1/message-templates/shipped/en?channel=nope", json: ["subject": "Hi", "body": "x"]).expect(
                400)
            #expect(noChannel.fields == ["channel"])
            let twoLines = try await app.send(.put, "/v1/message-templates/shipped/en", json: ["subject": "a\nb", "body": "x"]).expect(400)
            #expect(twoLines.fields == ["subject"])
            try await app.send(.put, "/v1/message-templates/bogus/en", json: ["subject": "a", "body": "x"]).expect(400)
            try await app.send(.delete, "/v1/message-templates/shipped/en").expect(404)
            #expect(try await DatabaseImage.of(app.stores.database).changedTables(since: before) == [], "refusals change nothing")

            let saved = try await app.send(
                .put, "/v1/message-templates/shipped/nl?channel=web", json: ["subject": "Onderweg: {{orderNumber}}", "body": "{{carrier}}"]
            ).expect(200)
            #expect(saved["channel"] as? String == "web" && saved["builtIn"] as? Bool == false)
            let listed = try await app.send(.get, "/v1/message-templates").expect(200).items
            #expect(listed.count == 11 && listed.last?["subject"] as? String == "Onderweg: {{orderNumber}}")
            try await app.send(.delete, "/v1/message-templates/shipped/nl?channel=web").expect(204)
            #expect(try await app.send(.get, "/v1/message-templates").expect(200).items.count == 10)
        }
    }
}

@Suite("Customer messages: SMTP settings")
struct SMTPSettingsTests {
    @Test func theSMTPServerIsReadFromTheEnvironmentAndAMalformedOneStopsTheStart() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "ORDERLY_SMTP_URL": "smtp://shop%40example.com:s3cret@mail.example.com:587", "ORDERLY_SMTP_FROM": "Shop <shop@example.com>",
        ])
        #expect(
            configuration.smtp
                == SMTPSettings(
                    host: "mail.example.com", port: 587, username: "shop@example.com", password: "s3cret", from: "Shop <shop@example.com>"))
        #expect(configuration.smtp?.fromAddress == "shop@example.com")
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_SMTP_URL": "smtp://localhost"]).smtp?.port == 25)
        #expect(try ServerConfiguration.fromEnvironment([:]).smtp == nil, "without a server messages are recorded, not sent")
        #expect(try ServerConfiguration.fromEnvironment([:]).sendsMessages, "every instance sends unless told not to")
        #expect(try ServerConfiguration.fromEnvironment(["ORDERLY_SEND_MESSAGES": "false"]).sendsMessages == false)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["ORDERLY_SEND_MESSAGES": "maybe"]) }
    }

    /// A server that offers STARTTLS gets the message inside TLS, its certificate checked against
    /// the authority `ORDERLY_SMTP_CA_FILE` names, and the password only inside it.
    /// (Each send may take a minute: a busy full run can keep the test's tasks waiting for seconds.)
    @Test func theMessageGoesInsideTLSWhenTheServerOffersIt() async throws {
        let credentials = TestSMTPServer.Credentials(username: "shop@example.com", password: "s3cret")
        let server = try await TestSMTPServer.start(tls: TestCertificates.serverContext(), credentials: credentials)
        defer { Task { await server.stop() } }
        let authority = try TestCertificates.authorityFile()
        defer { try? FileManager.default.removeItem(atPath: authority) }
        let configuration = try ServerConfiguration.fromEnvironment([
            "ORDERLY_SMTP_URL": "smtp://shop%40example.com:s3cret@127.0.0.1:\(server.port)", "ORDERLY_SMTP_FROM": "Shop <shop@example.com>",
            "ORDERLY_SMTP_CA_FILE": authority,
        ])
        let settings = try #require(configuration.smtp)
        #expect(settings.trustedCertificatesFile == authority)
        try await SMTPClient(settings: settings, timeout: .seconds(60))
            .send(Mail(to: "ada@example.com", subject: "Bedankt", body: "Je bestelling is binnen.", messageId: "msg_tls"))
        let mails = await server.mails
        #expect(mails.count == 1)
        #expect(mails.first?.overTLS == true)
        #expect(mails.first?.user == "shop@example.com")
        #expect(mails.first?.to == ["ada@example.com"])
        #expect(mails.first?.body == "Je bestelling is binnen.")

        // Without the authority the certificate is unknown: nothing is sent, and no password.
        var untrusted = settings
        untrusted.trustedCertificatesFile = nil
        let handshake = await #expect(throws: (any Error).self) {
            try await SMTPClient(settings: untrusted, timeout: .seconds(60)).send(
                Mail(to: "bob@example.com", subject: "x", body: "x", messageId: "m2"))
        }
        // The handshake's failure, or the closed connection it leaves: not a timeout.
        #expect(handshake is NIOSSLError || handshake is ChannelError, "\(String(describing: handshake))")
        // A wrong password is the server's refusal, named.
        var wrong = settings
        wrong.password = "guess"
        let refusal = await #expect(throws: SMTPClient.Failure.self) {
            try await SMTPClient(settings: wrong, timeout: .seconds(60)).send(Mail(to: "bob@example.com", subject: "x", body: "x", messageId: "m3"))
        }
        #expect(refusal?.description.contains("535") == true, "\(String(describing: refusal))")
        #expect(await server.mails.count == 1)

        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["ORDERLY_SMTP_URL": "smtp://127.0.0.1", "ORDERLY_SMTP_CA_FILE": "/nonexistent.pem"])
        }
        #expect(error?.problems.first?.hasPrefix("ORDERLY_SMTP_CA_FILE must name a readable PEM file") == true)
    }

    /// `ORDERLY_SEND_MESSAGES=false` leaves the sender out of an instance's jobs and nothing else.
    @Test func anInstanceToldNotToSendRunsNoSender() async throws {
        try await TestDatabase.withStores(.sqlite) { stores in
            func jobs(_ environment: [String: String]) throws -> [String] {
                try backgroundServices(configuration: .fromEnvironment(environment), stores: stores, logger: TestDatabase.logger)
                    .map { ($0 as? PeriodicJob)?.name ?? String(describing: type(of: $0)) }
            }
            let sending = try jobs([:])
            let quiet = try jobs(["ORDERLY_SEND_MESSAGES": "false"])
            #expect(sending.filter { $0 == "MessageDispatcher" }.count == 1)
            #expect(quiet.filter { $0 == "MessageDispatcher" }.isEmpty)
            #expect(quiet == sending.filter { $0 != "MessageDispatcher" })
            #expect(quiet.contains("WebhookDispatcher") && quiet.contains("alerts"))
        }
    }

    /// A server without STARTTLS never sees the password: the message fails instead.
    @Test func thePasswordIsNotSentInTheClear() async throws {
        let server = try await TestSMTPServer.start(credentials: .init(username: "shop@example.com", password: "s3cret"))
        defer { Task { await server.stop() } }
        let settings = SMTPSettings(host: "127.0.0.1", port: server.port, username: "shop@example.com", password: "s3cret", from: "shop@example.com")
        let error = await #expect(throws: SMTPClient.Failure.self) {
            try await SMTPClient(settings: settings, timeout: .seconds(60)).send(
                Mail(to: "ada@example.com", subject: "x", body: "x", messageId: "m1"))
        }
        #expect(error?.description.contains("not sent in the clear") == true)
        #expect(await server.mails.isEmpty)
    }

    /// An address that would smuggle a header or a second recipient is refused before any connection.
    @Test func anAddressWithALineBreakIsRefusedBeforeConnecting() async throws {
        let client = SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: 1, from: "shop@example.com"), timeout: .seconds(5))
        for address in ["ada@example.com\r\nBcc: eve@example.com", "ada@example.com> <eve@example.com", "no-at-sign"] {
            let error = await #expect(throws: SMTPClient.Failure.self) {
                try await client.send(Mail(to: address, subject: "Hi", body: "x", messageId: "msg_1"))
            }
            #expect(error?.description.hasSuffix("is not an email address") == true, "\(address)")
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["ORDERLY_SMTP_URL": "http://mail.example.com"])
        }
        #expect(error?.problems.first?.hasPrefix("ORDERLY_SMTP_URL must be smtp://") == true)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["ORDERLY_SMTP_FROM": "a@b.c"]) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["ORDERLY_SMTP_URL": "smtp://localhost", "ORDERLY_SMTP_FROM": "not an address"])
        }
    }
}
