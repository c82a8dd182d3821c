import Foundation
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
