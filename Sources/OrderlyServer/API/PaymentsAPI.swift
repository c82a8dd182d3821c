import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listOrderPayments(_ input: Operations.ListOrderPayments.Input) async throws -> Operations.ListOrderPayments.Output {
        let order = try await visibleOrder(input.path.id, for: { .readOrders($0) })
        let transactions = try await stores.payments.list(order.id)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: transactions.map(Components.Schemas.PaymentTransaction.init), paymentStatus: .init(order.paymentStatus),
                        paymentTotals: .init(order.payments), amountDue: order.amountDue))))
    }

    func recordOrderPayment(_ input: Operations.RecordOrderPayment.Input) async throws -> Operations.RecordOrderPayment.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let order = try await visibleOrder(input.path.id, for: { .recordPayment($0) })
        let report = PaymentRecording.Report(
            kind: .init(body.kind), amount: body.amount, currency: CurrencyCode(body.currency), provider: body.provider, method: body.method,
            reference: body.reference, status: body.status.map(PaymentTransaction.Status.init) ?? .succeeded, at: body.at, note: body.note)
        let recorded = try await stores.payments.record(report, on: order.id, actor: actorName())
        let answer = Components.Schemas.PaymentTransaction(recorded.outcome.transaction)
        if case .record = recorded.outcome { return .created(.init(body: .json(answer))) }
        return .ok(.init(body: .json(answer)))
    }

    func receivePaymentCallback(_ input: Operations.ReceivePaymentCallback.Input) async throws -> Operations.ReceivePaymentCallback.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        // AuthMiddleware verified the signature of the provider the body names.
        guard let provider = RequestScope.signedProvider, provider == body.provider else {
            throw OrderlyError(.unauthorized, "A payment callback must be signed by the provider it names")
        }
        let order: Order
        switch (body.orderId, body.channel, body.externalId) {
        case (let id?, nil, nil): order = try await stores.orders.get(OrderID(id))
        case (nil, let channel?, let externalId?): order = try await stores.orders.get(channel: ChannelID(channel), externalId: externalId)
        default: throw OrderlyError.invalid("orderId", "name the order by orderId, or by channel and externalId")
        }
        let report = PaymentRecording.Report(
            kind: .init(body.kind), amount: body.amount, currency: CurrencyCode(body.currency), provider: provider, method: body.method,
            reference: body.reference, status: body.status.map(PaymentTransaction.Status.init) ?? .succeeded, at: body.at)
        let recorded = try await stores.payments.record(report, on: order.id, actor: "provider:" + provider)
        let answer = Components.Schemas.PaymentTransaction(recorded.outcome.transaction)
        if case .record = recorded.outcome { return .created(.init(body: .json(answer))) }
        return .ok(.init(body: .json(answer)))
    }

    func runDuePayments(_ input: Operations.RunDuePayments.Input) async throws -> Operations.RunDuePayments.Output {
        let caller = try RequestScope.caller(may: .runScheduler)
        let cancelled = try await stores.payments.cancelUnpaid(asOf: input.query.asOf, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(cancelled: cancelled))))
    }

    func listInvoices(_ input: Operations.ListInvoices.Input) async throws -> Operations.ListInvoices.Output {
        var orderId: OrderID?
        if let id = input.query.orderId {
            orderId = try await visibleOrder(id, for: { .readOrders($0) }).id
        } else {
            _ = try RequestScope.caller(may: .readOrders(nil))
        }
        let page = try await stores.invoices.list(orderId: orderId, after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Invoice.init), nextCursor: page.nextCursor))))
    }

    func getInvoice(_ input: Operations.GetInvoice.Input) async throws -> Operations.GetInvoice.Output {
        let invoice = try await stores.invoices.get(InvoiceID(input.path.id))
        _ = try await visibleOrder(invoice.orderId.rawValue, for: { .readOrders($0) })
        return .ok(.init(body: .json(.init(invoice))))
    }

    func salesReport(_ input: Operations.SalesReport.Input) async throws -> Operations.SalesReport.Output {
        _ = try RequestScope.caller(may: .readOrders(nil))
        let to = input.query.to ?? stores.time.now
        let from = input.query.from ?? to.addingTimeInterval(-30 * 86_400)
        let grouping: SalesReport.Grouping =
            switch input.query.groupBy {
            case .channel, nil: .channel
            case .location: .location
            case .day: .day
            }
        let report = try await stores.invoices.sales(from: from, to: to, by: grouping)
        // CSV when the caller prefers it to JSON (ContentNegotiationMiddleware has refused what is neither).
        let weight = { (type: Operations.SalesReport.AcceptableContentType) in
            input.headers.accept.first { $0.contentType == type }?.quality.doubleValue ?? 0
        }
        if weight(.csv) > weight(.json) {
            return .ok(.init(body: .csv(HTTPBody(report.csv))))
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        from: from, to: to, groupBy: .init(rawValue: (input.query.groupBy ?? .channel).rawValue) ?? .channel,
                        rows: report.rows.map {
                            .init(
                                key: $0.key, currency: $0.currency.rawValue, invoices: $0.invoices, units: $0.units, gross: $0.gross,
                                discounts: $0.discounts, tax: $0.tax, net: $0.net, refunds: $0.refunds, unitsReturned: $0.unitsReturned,
                                returnsRate: $0.returnsRate)
                        }))))
    }

    func listPaymentProviders(_ input: Operations.ListPaymentProviders.Input) async throws -> Operations.ListPaymentProviders.Output {
        _ = try RequestScope.caller(may: .manageKeys)
        return .ok(.init(body: .json(.init(items: try await stores.paymentProviders.list().map { .init(id: $0) }))))
    }

    func savePaymentProvider(_ input: Operations.SavePaymentProvider.Input) async throws -> Operations.SavePaymentProvider.Output {
        let caller = try RequestScope.caller(may: .manageKeys)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        try await stores.paymentProviders.save(input.path.id, secret: body.secret, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(id: input.path.id))))
    }

    func deletePaymentProvider(_ input: Operations.DeletePaymentProvider.Input) async throws -> Operations.DeletePaymentProvider.Output {
        let caller = try RequestScope.caller(may: .manageKeys)
        try await stores.paymentProviders.delete(input.path.id, actor: Self.actor(caller))
        return .noContent(.init())
    }
}

extension Components.Schemas.Invoice {
    init(_ i: Invoice) {
        self.init(
            id: i.id.rawValue, number: i.number, kind: i.kind == .invoice ? .invoice : .creditNote, orderId: i.orderId.rawValue,
            orderNumber: i.orderNumber, fulfillmentOrderId: i.fulfillmentOrderId?.rawValue, returnId: i.returnId?.rawValue,
            currency: i.currency.rawValue, buyer: i.buyer.map(Components.Schemas.Address.init), buyerEmail: i.buyerEmail,
            lines: i.lines.map {
                .init(
                    orderLine: $0.orderLine, sku: $0.sku, description: $0.description, quantity: $0.quantity, unitPrice: $0.unitPrice,
                    discount: $0.discount, taxes: $0.taxes.map(Components.Schemas.Tax.init), total: $0.total)
            },
            taxes: i.taxes.map { .init(name: $0.name, rate: $0.rate.fraction, included: $0.included, amount: $0.amount) }, taxTotal: i.taxTotal,
            total: i.total, issuedAt: i.issuedAt)
    }
}

extension PaymentTransaction.Kind {
    init(_ kind: Components.Schemas.PaymentKind) {
        switch kind {
        case .authorization: self = .authorization
        case .capture: self = .capture
        case .sale: self = .sale
        case .void: self = .void
        case .refund: self = .refund
        }
    }
}

extension PaymentTransaction.Status {
    init(_ status: Components.Schemas.PaymentTransactionStatus) {
        switch status {
        case .pending: self = .pending
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        }
    }
}

extension Components.Schemas.PaymentKind {
    init(_ kind: PaymentTransaction.Kind) {
        switch kind {
        case .authorization: self = .authorization
        case .capture: self = .capture
        case .sale: self = .sale
        case .void: self = .void
        case .refund: self = .refund
        }
    }
}

extension Components.Schemas.PaymentTransactionStatus {
    init(_ status: PaymentTransaction.Status) {
        switch status {
        case .pending: self = .pending
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        }
    }
}

extension Components.Schemas.PaymentStatus {
    init(_ status: PaymentStatus) {
        switch status {
        case .unpaid: self = .unpaid
        case .authorized: self = .authorized
        case .partiallyPaid: self = .partiallyPaid
        case .paid: self = .paid
        case .partiallyRefunded: self = .partiallyRefunded
        case .refunded: self = .refunded
        case .voided: self = .voided
        }
    }
}

extension Components.Schemas.PaymentTotals {
    init(_ t: PaymentTotals) { self.init(authorized: t.authorized, captured: t.captured, voided: t.voided, refunded: t.refunded) }
}

extension Components.Schemas.PaymentTransaction {
    init(_ t: PaymentTransaction) {
        self.init(
            id: t.id.rawValue, orderId: t.orderId.rawValue, kind: .init(t.kind), amount: t.amount, currency: t.currency.rawValue,
            provider: t.provider, method: t.method, reference: t.reference, status: .init(t.status), at: t.at, note: t.note)
    }
}
