import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// Customer profiles: the page service staff read a person on, and edit, merge and erase them.
extension WebUI {
    func customer(_ request: Request, _ session: StaffStore.Session, _ id: String) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCustomers)
        let profile = try await stores.customers.get(CustomerID(id))
        let c = profile.customer
        var values: [String: Any] = [
            "customerId": c.id.rawValue, "name": c.name ?? c.email ?? c.phone ?? "Customer", "email": c.email ?? "—", "phone": c.phone ?? "—",
            "tags": c.tags.joined(separator: ", "), "csrf": session.csrfToken,
            "addresses": c.addresses.map {
                ["line1": $0.line1 ?? "", "postalCode": $0.postalCode ?? "", "city": $0.city ?? "", "country": $0.country ?? ""]
            },
            "orders": profile.orders.map { o -> [String: Any] in
                [
                    "id": o.id.rawValue, "number": o.number, "createdAt": when(o.createdAt, in: session), "channel": o.channel.rawValue,
                    "status": o.status.rawValue, "total": Self.money(o.total, o.currency, in: session),
                ]
            },
            "history": try await stores.customers.timeline(c.id).reversed().map { event -> [String: Any] in
                ["at": when(event.at, in: session), "type": event.type, "summary": EventSummary.describe(event.data), "actor": event.actor ?? ""]
            },
        ]
        if !(values["history"] as? [Any] ?? []).isEmpty { values["hasHistory"] = true }
        if principal.may(.changeCustomers) {
            values["edit"] = [
                "email": c.email ?? "", "name": c.name ?? "", "phone": c.phone ?? "", "tagList": c.tags.joined(separator: ", "),
                "errors": Self.fieldErrors(request, form: "profile"),
            ]
        }
        if principal.may(.eraseCustomers) && (c.email != nil || c.phone != nil || c.name != nil) { values["canErase"] = true }
        return render("customer", values, session: session, request: request, here: "orders")
    }

    func registerCustomerActions(on router: Router<BasicRequestContext>) {
        router.post("/customers/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/customers/\(id)", form: "profile") { form, session in
                try session.user.principal.authorize(.changeCustomers)
                let edit = try form.decode(CustomerForm.self).edit
                _ = try await stores.customers.edit(CustomerID(id), edit, actor: session.user.principal.name)
                return ("/customers/\(id)", session.says("Profile saved.", "Profiel opgeslagen."))
            }
        }
        router.post("/customers/:id/erase") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/customers/\(id)") { form, session in
                try session.user.principal.authorize(.eraseCustomers)
                guard try form.decode(EraseForm.self).confirm?.trimmingCharacters(in: .whitespaces) == "ERASE" else {
                    throw OrderlyError.invalid("confirm", "type ERASE to erase this person's data; it cannot be undone")
                }
                let erased = try await stores.customers.erase(CustomerID(id), actor: session.user.principal.name)
                return (
                    "/customers/\(erased.id)",
                    session.says(
                        "The person's data is erased; their orders keep the amounts and the country of sale.",
                        "De gegevens van de persoon zijn gewist; de bestellingen houden de bedragen en het land van verkoop.")
                )
            }
        }
        router.post("/customers/:id/merge") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/customers/\(id)") { form, session in
                try session.user.principal.authorize(.changeCustomers)
                let other = try form.decode(MergeForm.self).other.trimmingCharacters(in: .whitespaces)
                let otherId = other.contains("@") ? try await stores.customers.find(email: other) : CustomerID(other)
                guard let otherId else { throw OrderlyError.invalid("other", "no profile has the email \(other)") }
                let before = try await stores.customers.get(CustomerID(id)).orders.count
                let merged = try await stores.customers.merge(CustomerID(id), absorbing: otherId, actor: session.user.principal.name)
                let moved = merged.orders.count - before
                return ("/customers/\(id)", "Merged \(other) into this profile: \(moved) order\(moved == 1 ? "" : "s") moved.")
            }
        }
    }
}
