import Foundation
import OrderlyCore
import SQLKit

/// Invariants that must hold whatever happened before — a crash, `kill -9` in the middle of
/// a load, concurrent writers on several instances. `orderly check` runs it; tests run it
/// after their flows. An empty result means the stock and the orders agree.
public struct ConsistencyCheck: Sendable {
    let database: Database

    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var rule: String
        public var subject: String
        public var detail: String
        public var description: String { "\(rule) \(subject): \(detail)" }
    }

    public func run() async throws -> [Finding] {
        try await database.read { db in
            var findings: [Finding] = []
            // (PostgreSQL sums BIGINTs as NUMERIC: the sums are cast back.)
            // 1. What a level holds reserved is exactly what orders hold there plus live checkout reservations.
            for row in try await db.raw(
                """
                SELECT l.sku, l.location_id, l.reserved, CAST(
                    COALESCE((SELECT SUM(a.quantity) FROM order_allocations a
                              JOIN order_lines ol ON ol.order_id = a.order_id AND ol.line_no = a.line_no
                              WHERE ol.sku = l.sku AND a.location_id = l.location_id), 0)
                  + COALESCE((SELECT SUM(rl.quantity) FROM reservation_lines rl JOIN reservations r ON r.id = rl.reservation_id
                              WHERE r.status = \(bind: Reservation.Status.active.rawValue) AND rl.sku = l.sku AND rl.location_id = l.location_id), 0) AS BIGINT) AS expected
                FROM inventory_levels l
                """
            ).all() {
                let reserved = try row.int64("reserved")
                let expected = try row.int64("expected")
                if reserved != expected {
                    findings.append(
                        .init(
                            rule: "reserved", subject: "\(try row.string("sku"))@\(try row.string("location_id"))",
                            detail: "reserved \(reserved), but orders and reservations hold \(expected)"))
                }
            }
            // 2. On-hand is what the ledger's last entry says it became.
            for row in try await db.raw(
                """
                SELECT l.sku, l.location_id, l.on_hand, g.on_hand_after FROM inventory_levels l
                JOIN inventory_ledger g ON g.sku = l.sku AND g.location_id = l.location_id
                WHERE g.id = (SELECT MAX(id) FROM inventory_ledger m WHERE m.sku = l.sku AND m.location_id = l.location_id)
                  AND g.on_hand_after <> l.on_hand
                """
            ).all() {
                findings.append(
                    .init(
                        rule: "ledger", subject: "\(try row.string("sku"))@\(try row.string("location_id"))",
                        detail: "on hand \(try row.int64("on_hand")), but the ledger ends at \(try row.int64("on_hand_after"))"))
            }
            // 3. Every unit of every line is in exactly one state, and allocated units are where the allocations say.
            for row in try await db.raw(
                """
                SELECT ol.order_id, ol.line_no, ol.quantity, ol.allocated, ol.backordered, ol.fulfilled, ol.cancelled,
                    CAST(COALESCE((SELECT SUM(a.quantity) FROM order_allocations a WHERE a.order_id = ol.order_id AND a.line_no = ol.line_no), 0) AS BIGINT) AS held
                FROM order_lines ol
                WHERE ol.allocated + ol.backordered + ol.fulfilled + ol.cancelled <> ol.quantity
                   OR ol.allocated <> COALESCE((SELECT SUM(a.quantity) FROM order_allocations a WHERE a.order_id = ol.order_id AND a.line_no = ol.line_no), 0)
                """
            ).all() {
                findings.append(
                    .init(
                        rule: "line", subject: "\(try row.string("order_id")):\(try row.int64("line_no"))",
                        detail:
                            "quantity \(try row.int64("quantity")) = allocated \(try row.int64("allocated")) + backordered \(try row.int64("backordered")) "
                            + "+ fulfilled \(try row.int64("fulfilled")) + cancelled \(try row.int64("cancelled"))? allocations hold \(try row.int64("held"))"
                    ))
            }
            // 4. No order without lines (a half-written order).
            for row in try await db.raw(
                "SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id)"
            ).all() {
                findings.append(.init(rule: "order", subject: try row.string("id"), detail: "has no lines"))
            }
            // 5. A supply line's `promised` is the sum of its promises and never more than it still brings.
            for row in try await db.raw(
                """
                SELECT sl.supply_id, sl.line_no, sl.quantity - sl.received_quantity AS outstanding, sl.promised,
                    CAST(COALESCE((SELECT SUM(p.quantity) FROM supply_promises p
                                   WHERE p.supply_id = sl.supply_id AND p.supply_line_no = sl.line_no), 0) AS BIGINT) AS held
                FROM supply_lines sl
                """
            ).all() {
                let (promised, held, outstanding) = (try row.int64("promised"), try row.int64("held"), try row.int64("outstanding"))
                guard promised != held || promised > outstanding else { continue }
                findings.append(
                    .init(
                        rule: "promise", subject: "\(try row.string("supply_id"))#\(try row.int64("line_no"))",
                        detail: "promised \(promised), promises hold \(held), \(outstanding) still expected"))
            }
            // 6. No order line is promised more units than it has waiting.
            for row in try await db.raw(
                """
                SELECT p.order_id, p.line_no, ol.backordered, CAST(SUM(p.quantity) AS BIGINT) AS promised
                FROM supply_promises p JOIN order_lines ol ON ol.order_id = p.order_id AND ol.line_no = p.line_no
                GROUP BY p.order_id, p.line_no, ol.backordered
                HAVING SUM(p.quantity) > ol.backordered
                """
            ).all() {
                findings.append(
                    .init(
                        rule: "promise", subject: "\(try row.string("order_id")):\(try row.int64("line_no"))",
                        detail: "promised \(try row.int64("promised")) units, but \(try row.int64("backordered")) wait"))
            }
            // 7. An order's totals are the sum of its lines and shipping lines, and its order-level
            //    discounts are exactly what its lines' shares add up to (read in pages by id).
            var after = ""
            while true {
                let rows = try await db.raw(
                    "SELECT \(OrderRows.columns) FROM orders WHERE id > \(bind: after) ORDER BY id LIMIT \(bind: Int64(500))"
                ).all()
                guard let last = rows.last else { break }
                after = try last.string("id")
                for row in rows {
                    let order = try await OrderRows.decode(db, row)
                    for detail in order.moneyDiscrepancies { findings.append(.init(rule: "money", subject: order.id.rawValue, detail: detail)) }
                    // 8. A settled order's payments say what its invoices and credit notes say.
                    guard order.payments.captured > 0 else { continue }
                    let documents = try await InvoiceStore.documents(db, of: order.id)
                    let awaitingTill = try await ReturnStore.awaitingTill(db, order.id)
                    if let settled = Invoicing.settled(order, documents: documents, awaitingTill: awaitingTill), settled.documents != settled.payments
                    {
                        findings.append(
                            .init(
                                rule: "money", subject: order.id.rawValue,
                                detail: "captured less refunded is \(settled.payments), but invoices less credit notes are \(settled.documents)"))
                    }
                }
            }
            return findings
        }
    }
}
