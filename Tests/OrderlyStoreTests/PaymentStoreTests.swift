import Foundation
import OrderlyCore
import OrderlyStore
import OrderlyTestSupport
import Testing

@Suite("Payments, stored")
struct PaymentStoreTests {
    static func order(_ stores: Stores, total unitPrice: Int64 = 10_000) async throws -> Order {
        try await Fixtures.stock(stores, "SKU-1", Fixtures.warehouse, 5)
        return try await stores.orders.place(OrderStoreTests.draft([.init(sku: "SKU-1", quantity: 1, unitPrice: unitPrice)]), actor: nil).order
    }

    static func report(_ kind: PaymentTransaction.Kind, _ amount: Int64, _ reference: String) -> PaymentRecording.Report {
        .init(kind: kind, amount: amount, currency: "EUR", provider: "psp", method: "card", reference: reference)
    }

    /// Six captures of 4000 at once against an authorization of 10000: exactly two are taken,
    /// whichever they are, and the order says 8000 captured.
    @Test(arguments: Engine.all)
    func concurrentCapturesNeverTakeMoreThanIsAuthorized(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let order = try await Self.order(stores)
            _ = try await stores.payments.record(Self.report(.authorization, 10_000, "auth-1"), on: order.id, actor: "psp")
            let line = StartLine(count: 6)
            let outcomes = await withTaskGroup(of: OrderlyError.Code?.self) { group in
                for n in 0..<6 {
                    group.addTask {
                        await line.arrive()
                        do {
                            _ = try await stores.payments.record(Self.report(.capture, 4000, "cap-\(n)"), on: order.id, actor: "psp")
                            return nil
                        } catch let error as OrderlyError {
                            return error.code
                        } catch {
                            return .conflict
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 2 && outcomes.filter { $0 == .paymentRefused }.count == 4)
            let read = try await stores.orders.get(order.id)
            #expect(read.payments == PaymentTotals(authorized: 10_000, captured: 8000) && read.paymentStatus == .partiallyPaid)
            #expect(try await stores.payments.list(order.id).filter { $0.kind == .capture }.count == 2)
        }
    }

    /// Refunds at once against a sale never give back more than was taken; the same refund
    /// reported by several callbacks at once is one refund.
    @Test(arguments: Engine.all)
    func concurrentRefundsNeverReturnMoreThanWasTaken(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let order = try await Self.order(stores)
            _ = try await stores.payments.record(Self.report(.sale, 10_000, "sale-1"), on: order.id, actor: "psp")
            let line = StartLine(count: 8)
            await withTaskGroup(of: Void.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        await line.arrive()
                        // Four distinct refunds of 3000 and the same refund of 1000 four times.
                        let report = n < 4 ? Self.report(.refund, 3000, "ref-\(n)") : Self.report(.refund, 1000, "ref-same")
                        _ = try? await stores.payments.record(report, on: order.id, actor: "psp")
                    }
                }
            }
            let read = try await stores.orders.get(order.id)
            #expect(read.payments.refunded == 10_000, "three refunds of 3000 and one of 1000; the fourth 3000 found no room")
            #expect(read.paymentStatus == .refunded)
            let refunds = try await stores.payments.list(order.id).filter { $0.kind == .refund }
            #expect(refunds.filter { $0.reference == "ref-same" }.count == 1 && refunds.count == 4)
        }
    }

    @Test(arguments: Engine.all)
    func aPendingStepIsSettledOnceAndEveryStepIsOnTheTimeline(engine: Engine) async throws {
        try await TestDatabase.withStores(engine) { stores in
            try await Fixtures.seed(stores)
            let order = try await Self.order(stores)
            var pending = Self.report(.authorization, 10_000, "auth-1")
            pending.status = .pending
            let first = try await stores.payments.record(pending, on: order.id, actor: "psp")
            #expect(first.order.paymentStatus == .unpaid)
            let again = try await stores.payments.record(pending, on: order.id, actor: "psp").outcome
            guard case .replay(let replayed) = again else {
                Issue.record("expected a replay, got \(again)")
                return
            }
            #expect(replayed.id == first.outcome.transaction.id && replayed.status == .pending)
            let settled = try await stores.payments.record(Self.report(.authorization, 10_000, "auth-1"), on: order.id, actor: "psp")
            #expect(settled.outcome.transaction.id == first.outcome.transaction.id && settled.order.paymentStatus == .authorized)
            _ = try await stores.payments.record(Self.report(.capture, 10_000, "cap-1"), on: order.id, actor: "psp")
            #expect(try await stores.orders.get(order.id).paymentStatus == .paid)
            let steps = try await stores.orders.timeline(order.id, after: nil, limit: nil).items.filter { $0.type == "payment.recorded" }
            #expect(steps.count == 3)
        }
    }
}
