import Foundation
import OrderlyCore
import SQLKit

extension OrderStore {
    /// Places a sale at a store's counter (`CounterSale.draft`) and records the till's payment
    /// of its whole total (`CounterSale.payment`) in the same transaction: the units leave the
    /// store's stock through the ledger as the order is placed, or nothing happens. The same
    /// request key answers the original sale.
    public func sellAtCounter(_ draft: OrderDraft, paidWith method: String, actor: String?) async throws -> Order {
        var v = Validator()
        v.text(method, "method", max: 50)
        try v.validate()
        let sold = try await Replanning.untilStockSettles { [database, time] in
            try await database.transaction { db in
                let placement = try await Self.place(db, draft, actor: actor, at: time.now)
                var order = placement.order
                if placement.created {
                    _ = try await PaymentStore.record(db, CounterSale.payment(for: order, method: method), on: &order, actor: actor, at: time.now)
                }
                return order
            }
        }
        guard let sold else { throw OrderlyError.conflict("Stock kept changing while the sale was rung up; ring it up again") }
        return sold
    }
}
