import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Changing an order after placement from its page: its lines, and its fulfillment orders moved,
/// split and merged.
extension WebUI {
    func registerOrderChangeActions(on router: Router<BasicRequestContext>) {
        router.post("/orders/:id/lines") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/orders/\(id)", form: "lines") { form, session in
                let order = try await changeable(id, session)
                let fields = try form.decode(LineChangeForm.self)
                let changes = try fields.changes(of: order)
                guard !changes.isEmpty else { throw OrderlyError.invalid("lines", "nothing to change: every line already is as the form says") }
                do {
                    _ = try await stores.orders.change(
                        order.id, lines: changes.map(\.change), reason: fields.reason, actor: session.user.principal.name)
                } catch let error as OrderlyError where !error.fieldErrors.isEmpty {
                    throw Self.namingLines(error, changes.map(\.name))
                }
                return ("/orders/\(id)", session.says("Lines changed.", "Regels gewijzigd."))
            }
        }
        onWork(router, "move") { form, session, work in
            let fields = try form.decode(MoveForm.self)
            _ = try await stores.fulfillmentOrders.move(
                work.id, to: LocationID(fields.locationId), reason: fields.reason, actor: session.user.principal.name)
            return session.says("Moved to \(fields.locationId).", "Verplaatst naar \(fields.locationId).")
        }
        onWork(router, "split") { form, session, work in
            let fields = try form.decode(SplitForm.self)
            let fos = try await stores.fulfillmentOrders.split(
                work.id, units: [(fields.line.value, fields.quantity.value)], actor: session.user.principal.name)
            let part = fos.last?.id.rawValue ?? ""
            return session.says(
                "Split: \(fields.quantity.value) unit(s) now in \(part).", "Gesplitst: \(fields.quantity.value) stuk(s) nu in \(part).")
        }
        onWork(router, "merge") { form, session, work in
            let other = try await changeableWork(work.orderId.rawValue, try form.decode(MergeWorkForm.self).other, session)
            _ = try await stores.fulfillmentOrders.merge(work.id, absorbing: other.id, actor: session.user.principal.name)
            return session.says("Merged \(other.id) into \(work.id).", "\(other.id) samengevoegd met \(work.id).")
        }
    }

    /// A refusal of line changes with each `lines[i].field` named as the form's person knows
    /// it (`line 2 · sku: …`), all under the form's `lines`.
    static func namingLines(_ error: OrderlyError, _ names: [String]) -> OrderlyError {
        OrderlyError.validation(
            error.fieldErrors.map { problem in
                let path = problem.field
                guard path.hasPrefix("lines["), let close = path.firstIndex(of: "]"),
                    let index = Int(path[path.index(path.startIndex, offsetBy: 6)..<close]), names.indices.contains(index)
                else { return .init(field: "lines", message: problem.message) }
                let rest = path[path.index(after: close)...].drop { $0 == "." }
                return .init(field: "lines", message: names[index] + (rest.isEmpty ? "" : " · \(rest)") + ": " + problem.message)
            })
    }

    /// A form about one fulfillment order of an order the person may change, posted to
    /// `/orders/:id/fulfillment/:fo/<verb>`; `body` answers what to tell, back on the order page.
    func onWork(
        _ router: Router<BasicRequestContext>, _ verb: String,
        _ body: @escaping @Sendable (WebForm, StaffStore.Session, FulfillmentOrder) async throws -> String
    ) {
        router.post("/orders/:id/fulfillment/:fo/\(verb)") { request, context in
            let id = try context.parameters.require("id")
            let fo = try context.parameters.require("fo")
            return try await action(request, context, back: "/orders/\(id)") { form, session in
                ("/orders/\(id)", try await body(form, session, try await changeableWork(id, fo, session)))
            }
        }
    }

    /// The fulfillment order `fo` of order `id`, if this person may change that order.
    func changeableWork(_ id: String, _ fo: String, _ session: StaffStore.Session) async throws -> FulfillmentOrder {
        let order = try await changeable(id, session)
        let work = try await stores.fulfillmentOrders.get(FulfillmentOrderID(fo))
        guard work.orderId == order.id else { throw OrderlyError.notFound("Fulfillment order", fo) }
        return work
    }
}
