import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The tax rates page: everyone who reads the catalogue sees them; an admin adds, replaces
/// and removes them (the same store calls as `/v1/tax-rates`).
extension WebUI {
    func taxRates(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCatalog)
        let rules = try await stores.taxRates.list(country: nil)
        return render(
            "tax-rates",
            [
                "canManage": principal.may(.manageCatalog), "csrf": session.csrfToken, "errors": Self.fieldErrors(request, form: "tax-rate"),
                "rates": rules.map { rule -> [String: Any] in
                    [
                        "id": rule.id, "country": rule.country, "taxCategory": rule.taxCategory, "name": rule.name, "rate": rule.rate.percent,
                        "included": rule.included
                            ? session.says("included in prices", "inbegrepen in de prijzen") : session.says("added to prices", "bovenop de prijzen"),
                        "canManage": principal.may(.manageCatalog),
                        "csrf": session.csrfToken,
                    ]
                },
            ], session: session, request: request, here: "tax-rates")
    }

    func registerTaxRateActions(on router: Router<BasicRequestContext>) {
        router.post("/tax-rates") { request, context in
            try await action(request, context, back: "/tax-rates#tax-rate-form", form: "tax-rate") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(TaxRateForm.self)
                guard let rate = TaxRate(percent: fields.rate) else {
                    throw OrderlyError.invalid("rate", "must be a percentage from 0 to 100, such as 21 or 7.25")
                }
                let rule = TaxRateRule(
                    id: fields.id, country: fields.country.uppercased(), taxCategory: fields.taxCategory, name: fields.name, rate: rate,
                    included: fields.included == "true")
                _ = try await stores.taxRates.upsert([rule], actor: session.user.principal.name)
                return ("/tax-rates", session.says("Tax rate \(rule.id) saved.", "Btw-tarief \(rule.id) opgeslagen."))
            }
        }
        router.post("/tax-rates/:id/delete") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/tax-rates") { _, session in
                try session.user.principal.authorize(.manageCatalog)
                try await stores.taxRates.delete(id, actor: session.user.principal.name)
                return ("/tax-rates", session.says("Tax rate \(id) removed.", "Btw-tarief \(id) verwijderd."))
            }
        }
    }
}
