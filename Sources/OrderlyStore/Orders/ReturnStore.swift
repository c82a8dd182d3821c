import Foundation
import OrderlyCore
import SQLKit

/// Returns: opened against fulfilled units, received at a location (restocked or written off
/// by condition), refunded by the payment integration.
public struct ReturnStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// Opens a return; refuses more than was fulfilled less what is already returned or on its
    /// way back. With `exchange` lines, a linked replacement order (same channel, customer and
    /// address) is placed and routed in the same transaction, and the return's value pays it
    /// as `Exchange` decides: the credit is a `sale` on the replacement now, and a `refund` on
    /// this order when the units come back.
    ///
    /// With `received` (units taken back at a counter, `ReturnPolicy.TakeBack`), the return is
    /// received in the same transaction: the customer hands the units over as it is opened.
    public func create(
        orderId: OrderID, locationId: LocationID, method: Return.Method, lines requested: [ReturnPolicy.Request],
        exchange: [Exchange.Item] = [], received: [ReturnPolicy.Received]? = nil, actor: String?
    ) async throws -> Return {
        let exchangeLines = try Exchange.lines(exchange)
        let now = time.now
        let opened = try await Replanning.untilStockSettles {
            try await database.transaction { db in
                let ret = try await Self.open(db, orderId, locationId, method, requested, exchangeLines, actor, at: now)
                guard let received else { return ret }
                return try await Self.receive(db, ret.id, received, actor: actor, at: now)
            }
        }
        guard let opened else { throw OrderlyError.conflict("Stock kept changing while the exchange order was routed; retry") }
        return opened
    }

    private static func open(
        _ db: Transaction, _ orderId: OrderID, _ locationId: LocationID, _ method: Return.Method, _ requested: [ReturnPolicy.Request],
        _ exchangeLines: [OrderDraft.Line], _ actor: String?, at now: Date
    ) async throws -> Return {
        guard let order = try await OrderRows.fetch(db, orderId, forUpdate: true) else {
            throw OrderlyError.invalid("orderId", "order '\(orderId)' does not exist")
        }
        guard let location = try await LocationStore.fetch(db, locationId) else {
            throw OrderlyError.invalid("locationId", "location '\(locationId)' does not exist")
        }
        let pending = try await Self.pendingUnits(db, orderId)
        let lines = try ReturnPolicy.validate(requested, order: order, pending: pending, location: location, method: method)
        var returned: [Int: Int64] = [:]
        for line in order.lines { returned[line.number] = line.returnedQuantity + (pending[line.number] ?? 0) }
        var ret = Return(
            id: ReturnID("ret_" + Token.random(bytes: 10)), orderId: orderId, locationId: locationId, method: method, lines: lines,
            refundAmount: ReturnPolicy.refund(for: lines, order: order, alreadyReturned: returned), currency: order.currency, createdAt: now)
        if !exchangeLines.isEmpty { try await Self.placeExchange(db, exchangeLines, for: &ret, of: order, actor: actor, at: now) }
        try await db.raw(
            """
            INSERT INTO returns (id, order_id, location_id, method, status, refund_amount, refund_status, currency, created_at, updated_at,
                exchange_order_id, exchange_credit, exchange_charge)
            VALUES (\(bind: ret.id.rawValue), \(bind: orderId.rawValue), \(bind: locationId.rawValue), \(bind: method.rawValue),
                \(bind: ret.status.rawValue), \(bind: ret.refundAmount), \(bind: ret.refundStatus.rawValue), \(bind: ret.currency.rawValue),
                \(bind: now.stored), \(bind: now.stored), \(bind: ret.exchangeOrderId?.rawValue), \(bind: ret.exchangeCredit),
                \(bind: ret.exchangeCharge))
            """
        ).run()
        for line in Self.merged(lines) {
            try await db.raw(
                """
                INSERT INTO return_lines (return_id, order_line_no, sku, quantity, reason)
                VALUES (\(bind: ret.id.rawValue), \(bind: Int64(line.orderLine)), \(bind: line.sku.rawValue), \(bind: line.quantity), \(bind: line.reason))
                """
            ).run()
        }
        try EventLog.append(db, .returnRequested(ret), actor: actor, at: now)
        return try await Self.fetch(db, ret.id) ?? ret
    }

    /// The replacement's draft checked, its errors named under `exchange`.
    private static func validateExchange(_ draft: OrderDraft) throws(OrderlyError) {
        do {
            try draft.validate()
        } catch {
            throw OrderlyError.validation(error.fieldErrors.map { OrderlyError.FieldError(field: "exchange." + $0.field, message: $0.message) })
        }
    }

    /// Places the replacement of an exchange, priced like any order, with the credit the
    /// return's value gives it (`Exchange.settle`); the return keeps the rest as its refund.
    private static func placeExchange(
        _ db: Transaction, _ lines: [OrderDraft.Line], for ret: inout Return, of order: Order, actor: String?, at now: Date
    ) async throws {
        let customer = try await CustomerStore.fetch(db, order.customerId)
        var draft = OrderDraft(
            channel: order.channel, externalId: "exchange:\(ret.id)",
            customer: CustomerDetails(email: customer?.email, name: customer?.name, phone: customer?.phone), currency: order.currency,
            shippingAddress: order.shippingAddress, coordinates: order.coordinates, lines: lines, tags: ["exchange"],
            note: "Exchange for return \(ret.id) of order \(order.number)")
        try Self.validateExchange(draft)
        let intake = try await OrderStore.Intake.read(db, draft, at: now)
        let settlement = Exchange.settle(returnValue: ret.refundAmount, replacementTotal: intake.priced.totals.total, order: order)
        if settlement.credit > 0 { draft.prepaid = [Exchange.creditIn(settlement.credit, returnId: ret.id, currency: order.currency)] }
        let placement = try await OrderStore.place(db, draft, intake, actor: actor, at: now)
        ret.exchangeOrderId = placement.order.id
        ret.exchangeCredit = settlement.credit
        ret.exchangeCharge = settlement.charge
        ret.refundAmount = settlement.refund
    }

    /// Receives units with their condition: resellable ones are restocked at the receiving
    /// location through the ledger (`return_restock`), damaged and open-box ones are counted only.
    public func receive(_ id: ReturnID, lines received: [ReturnPolicy.Received], actor: String?) async throws -> Return {
        let now = time.now
        return try await database.transaction { db in try await Self.receive(db, id, received, actor: actor, at: now) }
    }

    private static func receive(
        _ db: Transaction, _ id: ReturnID, _ received: [ReturnPolicy.Received], actor: String?, at now: Date
    ) async throws -> Return {
        guard let peek = try await Self.fetch(db, id) else { throw OrderlyError.notFound("Return", id) }
        guard let order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true),
            let current = try await Self.fetch(db, id, forUpdate: true)
        else {
            throw OrderlyError.notFound("Return", id)
        }
        let receipt = try current.receiving(received, order: order)
        var (ret, restock) = (receipt.ret, receipt.restock)
        if !restock.isEmpty {
            let keys = restock.keys.map { StockLedger.Key(sku: $0, locationId: ret.locationId) }
            let levels = try await StockLedger.lock(db, keys, at: now)
            let changes = try keys.sorted().compactMap { key -> StockLedger.Change? in
                guard let level = levels[key], let quantity = restock[key.sku] else { return nil }
                return .init(
                    level: level, newOnHand: try StockChange.adjust(level, by: quantity, field: "lines"), newSafetyStock: level.safetyStock,
                    reason: .returnRestock, reference: id.rawValue)
            }
            try await StockLedger.apply(db, changes, actor: actor, at: now)
            try await StockLedger.serveWaiting(db, changes, actor: actor, at: now)
        }
        for line in ret.lines {
            try await db.raw(
                """
                UPDATE return_lines SET received_quantity = \(bind: line.receivedQuantity), restocked_quantity = \(bind: line.restockedQuantity),
                    damaged_quantity = \(bind: line.damagedQuantity), open_box_quantity = \(bind: line.openBoxQuantity)
                WHERE return_id = \(bind: id.rawValue) AND order_line_no = \(bind: Int64(line.orderLine))
                """
            ).run()
        }
        try await db.raw(
            "UPDATE returns SET status = \(bind: ret.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue)"
        ).run()
        try await OrderRows.saveProgress(db, receipt.order, at: now)
        try EventLog.append(db, receipt.event, actor: actor, at: now)
        // Once everything has arrived, the return's refund is asked of the provider.
        if ret.status == .received && current.status != .received {
            var order = receipt.order
            // The part of the return's value that paid an exchange leaves this order now.
            if let credit = Exchange.creditOut(ret, order: order) {
                _ = try await PaymentStore.record(db, credit, on: &order, actor: actor, at: now)
            }
            // A return by mail is refunded to the original payment when it arrives; one at a
            // store's counter waits for the till (`refundAtTill`): cash or the original payment.
            if ret.method == .mail, case let amount = RefundRequest.forReturn(ret.refundAmount, order: order), amount > 0 {
                try await PaymentStore.requestRefund(db, &order, amount: amount, reason: "return", returnId: ret.id, actor: actor, at: now)
                ret.refundStatus = .requested
                try await db.raw(
                    "UPDATE returns SET refund_status = \(bind: ret.refundStatus.rawValue) WHERE id = \(bind: ret.id.rawValue)"
                ).run()
            }
            // The credit note for what came back.
            if let draft = Invoicing.creditNote(
                for: ret, order: order, id: InvoiceStore.newID(), at: now, names: try await InvoiceStore.names(db, order))
            {
                _ = try await InvoiceStore.issue(db, draft, actor: actor)
            }
        }
        return ret
    }

    /// Cancels a return nothing of which has arrived; its units become returnable again.
    public func cancel(_ id: ReturnID, actor: String?) async throws -> Return {
        let now = time.now
        return try await database.transaction { db in
            guard let current = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Return", id) }
            let ret = try current.cancelling()
            try await db.raw(
                "UPDATE returns SET status = \(bind: ret.status.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: id.rawValue)"
            ).run()
            try EventLog.append(db, .returnCancelled(ret), actor: actor, at: now)
            return ret
        }
    }

    /// The order and what of each of its lines can still come back (`ReturnPolicy.returnable`).
    public func returnable(_ orderId: OrderID) async throws -> (order: Order, units: [Int: Int64]) {
        try await database.read { db in
            guard let order = try await OrderRows.fetch(db, orderId) else { throw OrderlyError.notFound("Order", orderId) }
            let pending = try await Self.pendingUnits(db, orderId)
            var units: [Int: Int64] = [:]
            for line in order.lines { units[line.number] = ReturnPolicy.returnable(line, pending: pending) }
            return (order, units)
        }
    }

    /// Whether units of the order came back at a store's counter and wait for their refund at its till.
    static func awaitingTill(_ db: any SQLDatabase, _ order: OrderID) async throws -> Bool {
        try await db.raw(
            """
            SELECT 1 AS one FROM returns WHERE order_id = \(bind: order.rawValue) AND method = \(bind: Return.Method.store.rawValue)
                AND status = \(bind: Return.Status.received.rawValue) AND refund_status = \(bind: Return.RefundStatus.pending.rawValue) LIMIT 1
            """
        ).first() != nil
    }

    /// Refunds of an order's returns: pending (not cancelled, not yet paid) and paid.
    static func refundTotals(_ db: any SQLDatabase, _ order: OrderID) async throws -> (pending: Int64, refunded: Int64) {
        let rows = try await db.raw(
            """
            SELECT refund_status, CAST(SUM(refund_amount) AS BIGINT) AS amount FROM returns
            WHERE order_id = \(bind: order.rawValue) AND status <> \(bind: Return.Status.cancelled.rawValue) GROUP BY refund_status
            """
        ).all()
        var totals: (pending: Int64, refunded: Int64) = (0, 0)
        for row in rows {
            if try row.string("refund_status") == "refunded" {
                totals.refunded = try row.int64("amount")
            } else {
                totals.pending = try row.int64("amount")
            }
        }
        return totals
    }

    /// The payment integration confirms that the refund was paid (once; repeating changes nothing).
    public func confirmRefund(_ id: ReturnID, actor: String?) async throws -> Return {
        let now = time.now
        return try await database.transaction { db in
            guard let ret = try await Self.fetch(db, id, forUpdate: true) else { throw OrderlyError.notFound("Return", id) }
            guard ret.refundStatus != .refunded else { return ret }
            guard ret.status != .cancelled else { throw OrderlyError.conflict("Return \(id) is cancelled") }
            return try await Self.markRefunded(db, ret, actor: actor, at: now)
        }
    }

    private static func markRefunded(_ db: Transaction, _ ret: Return, actor: String?, at now: Date) async throws -> Return {
        var ret = ret
        ret.refundStatus = .refunded
        try await db.raw(
            "UPDATE returns SET refund_status = \(bind: Return.RefundStatus.refunded.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: ret.id.rawValue)"
        ).run()
        try EventLog.append(db, .returnRefunded(ret), actor: actor, at: now)
        return ret
    }

    /// A store refunds a return it received at its counter: out of the till (a `cash` refund
    /// on the order, within what was captured; the return is refunded at once), or to the
    /// original payment (asked of the provider, which confirms with `confirmRefund`).
    public func refundAtTill(_ id: ReturnID, how: Return.TillRefund, actor: String?) async throws -> Return {
        let now = time.now
        return try await database.transaction { db in
            guard let peek = try await Self.fetch(db, id) else { throw OrderlyError.notFound("Return", id) }
            guard var order = try await OrderRows.fetch(db, peek.orderId, forUpdate: true), let ret = try await Self.fetch(db, id, forUpdate: true)
            else { throw OrderlyError.notFound("Return", id) }
            switch try ret.tillRefund(how, order: order) {
            case .cash(let report):
                _ = try await PaymentStore.record(db, report, on: &order, actor: actor, at: now)
                return try await Self.markRefunded(db, ret, actor: actor, at: now)
            case .request(let amount):
                try await PaymentStore.requestRefund(db, &order, amount: amount, reason: "return", returnId: ret.id, actor: actor, at: now)
                var requested = ret
                requested.refundStatus = .requested
                try await db.raw(
                    "UPDATE returns SET refund_status = \(bind: requested.refundStatus.rawValue), updated_at = \(bind: now.stored) WHERE id = \(bind: ret.id.rawValue)"
                ).run()
                return requested
            }
        }
    }

    public func get(_ id: ReturnID) async throws -> Return {
        guard let ret = try await database.read({ db in try await Self.fetch(db, id) }) else { throw OrderlyError.notFound("Return", id) }
        return ret
    }

    public func list(
        orderId: OrderID?, locationId: LocationID?, status: Return.Status?, after cursor: String?, limit: Int?
    ) async throws -> Page<Return> {
        let size = try pageSize(limit)
        let items = try await database.read { db in
            var query = SQLQueryString("SELECT id FROM returns WHERE id > \(bind: cursor ?? "")")
            if let orderId { query.appendInterpolation(SQLQueryString(" AND order_id = \(bind: orderId.rawValue)")) }
            if let locationId { query.appendInterpolation(SQLQueryString(" AND location_id = \(bind: locationId.rawValue)")) }
            if let status { query.appendInterpolation(SQLQueryString(" AND status = \(bind: status.rawValue)")) }
            query.appendInterpolation(SQLQueryString(" ORDER BY id LIMIT \(literal: size + 1)"))
            var result: [Return] = []
            for row in try await db.raw(query).all() {
                if let ret = try await Self.fetch(db, ReturnID(try row.string("id"))) { result.append(ret) }
            }
            return result
        }
        let page = Array(items.prefix(size))
        return Page(items: page, nextCursor: items.count > size ? page.last?.id.rawValue : nil)
    }

    /// Units on open returns not yet received, per order line.
    static func pendingUnits(_ db: any SQLDatabase, _ order: OrderID) async throws -> [Int: Int64] {
        let rows = try await db.raw(
            """
            SELECT rl.order_line_no, CAST(SUM(rl.quantity - rl.received_quantity) AS BIGINT) AS n FROM return_lines rl
            JOIN returns r ON r.id = rl.return_id WHERE r.order_id = \(bind: order.rawValue) AND r.status = \(bind: Return.Status.requested.rawValue)
            GROUP BY rl.order_line_no
            """
        ).all()
        var pending: [Int: Int64] = [:]
        for row in rows { pending[Int(try row.int64("order_line_no"))] = try row.int64("n") }
        return pending
    }

    /// Requests naming one order line twice become one line.
    static func merged(_ lines: [Return.Line]) -> [Return.Line] {
        var result: [Return.Line] = []
        for line in lines {
            if let index = result.firstIndex(where: { $0.orderLine == line.orderLine }) {
                result[index].quantity += line.quantity
            } else {
                result.append(line)
            }
        }
        return result
    }

    static func fetch(_ db: any SQLDatabase, _ id: ReturnID, forUpdate: Bool = false) async throws -> Return? {
        guard
            let row = try await db.raw(
                "SELECT order_id, location_id, method, status, refund_amount, refund_status, currency, created_at, exchange_order_id, exchange_credit, exchange_charge FROM returns WHERE id = \(bind: id.rawValue)\(forUpdate ? db.forUpdate : "")"
            ).first()
        else {
            return nil
        }
        let lines = try await db.raw(
            "SELECT order_line_no, sku, quantity, reason, received_quantity, restocked_quantity, damaged_quantity, open_box_quantity FROM return_lines WHERE return_id = \(bind: id.rawValue) ORDER BY order_line_no"
        ).all().map { row in
            var line = Return.Line(
                orderLine: Int(try row.int64("order_line_no")), sku: SKU(try row.string("sku")), quantity: try row.int64("quantity"),
                reason: try row.string("reason"))
            line.receivedQuantity = try row.int64("received_quantity")
            line.restockedQuantity = try row.int64("restocked_quantity")
            line.damagedQuantity = try row.int64("damaged_quantity")
            line.openBoxQuantity = try row.int64("open_box_quantity")
            return line
        }
        var ret = Return(
            id: id, orderId: OrderID(try row.string("order_id")), locationId: LocationID(try row.string("location_id")),
            method: Return.Method(rawValue: try row.string("method")) ?? .mail,
            status: Return.Status(rawValue: try row.string("status")) ?? .requested,
            lines: lines, refundAmount: try row.int64("refund_amount"),
            refundStatus: Return.RefundStatus(rawValue: try row.string("refund_status")) ?? .pending,
            currency: CurrencyCode(try row.string("currency")),
            createdAt: try row.date("created_at"))
        ret.exchangeOrderId = try row.optionalString("exchange_order_id").map(OrderID.init)
        ret.exchangeCredit = try row.int64("exchange_credit")
        ret.exchangeCharge = try row.int64("exchange_charge")
        return ret
    }
}
