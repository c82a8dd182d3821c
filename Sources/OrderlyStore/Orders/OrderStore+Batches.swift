import Foundation
import OrderlyCore
import SQLKit

extension OrderStore {
    /// An order to place together with others that arrive at the same time (PostgreSQL,
    /// `Database.orderBatches`).
    struct Batched: Sendable {
        var draft: OrderDraft
        var intake: Intake
        var actor: String?
        var now: Date

        /// Orders of one customer never share a batch (both would complete one profile); orders
        /// drawing on a checkout reservation, or of a customer known only by phone, go alone.
        var key: String? { draft.reservationId == nil ? draft.customer.normalizedEmail : nil }

        /// What a batch answers an order: placed, or refused as it would have been alone (the
        /// batch's stock view could not serve it, under a policy that refuses shortages).
        enum Outcome: Sendable {
            case placed(Placement)
            case refused(OrderlyError)

            /// The placement, if placed.
            var placement: Placement? {
                if case .placed(let placement) = self { return placement }
                return nil
            }
        }
    }

    /// How many times a batch whose stock moved under it (another transaction took units
    /// between its read and its reserves) runs again before its orders are placed alone.
    static let batchAttempts = 3

    /// Places orders that arrived together in one transaction: their customers read with one
    /// statement, their numbers drawn with another, the stock of skus they share with a third
    /// (`StockView.skusToRead`: on a first attempt only skus of more than one order), and everything
    /// they write — reserves of one stock row merged into one update — sent as one statement
    /// before the one commit. A few round trips for the batch instead of five or more per
    /// order, and a hot stock row locked once per batch.
    ///
    /// Each order is decided as alone (`decide`), from the batch's own view of the stock
    /// (`StockView`: as read, less what earlier orders of the batch took), so an order the view
    /// cannot serve is answered on its own and writes nothing, and the others go on. When the
    /// stock moved under the batch the whole batch runs again (`batchAttempts`), every sku read
    /// afresh; when anything
    /// else fails it rolls back and each order is placed alone (`Batches`).
    ///
    /// The batch's writes are sent unprepared: how many orders, lines and fulfillment orders a
    /// batch holds gives their statement a shape that rarely comes again. Its reads have one
    /// shape for any batch, and are prepared as usual.
    static func placeTogether(
        _ batch: [Batched], in driver: any DatabaseDriver, retried: @Sendable () -> Void = {}
    ) async throws -> [Batched.Outcome] {
        let orders = batch.map { $0.draft.lines.map(\.sku) }
        for attempt in 1...batchAttempts {
            let skus = StockView.skusToRead(orders, attempt: attempt)
            do {
                return try await driver.transaction(prepared: false) { db in
                    let reads = db.withStatements(prepared: true)
                    let (customers, numbers, levels) = (
                        try await CustomerStore.lookUp(reads, emails: Set(batch.compactMap(\.key))),
                        try await OrderRows.nextNumbers(reads, count: batch.count),
                        try await StockLedger.levels(reads, skus: skus)
                    )
                    var view = StockView(levels, covering: skus)
                    var outcomes: [Batched.Outcome] = []
                    for (job, number) in zip(batch, numbers) {
                        var intake = job.intake
                        intake.stock = view.applied(to: intake.stock)
                        let customer = CustomerStore.Identity(job.key.flatMap { customers[$0] })
                        let plan: OrderPlacement.Plan
                        do {
                            plan = try await decide(
                                db, job.draft, intake, customer: customer.id, isFirstOrder: customer.isFirstOrder,
                                number: number, at: job.now)
                        } catch let refusal as OrderlyError {
                            outcomes.append(.refused(refusal))
                            continue
                        }
                        try await CustomerStore.settle(db, job.draft.customer, customer, address: job.draft.shippingAddress, at: job.now)
                        outcomes.append(
                            .placed(try await write(db, plan, draft: job.draft, channel: job.intake.channel, actor: job.actor, at: job.now)))
                        view.take(plan.routing.allocations)
                    }
                    return outcomes
                }
            } catch is ReservationStore.StockMoved where attempt < batchAttempts {
                retried()
            }
        }
        throw ReservationStore.StockMoved()
    }
}
