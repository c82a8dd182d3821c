import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The payment settings page: each channel's payment policy (as `PATCH /v1/channels/{id}
/// {payments}` sets it; who manages the catalogue) and the payment providers allowed to send
/// signed callbacks (as `/v1/payment-providers`; who manages keys). Secrets are typed once and
/// never shown again.
extension WebUI {
    func paymentSettings(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        let managesChannels = principal.may(.manageCatalog)
        let managesProviders = principal.may(.manageKeys)
        if !managesChannels { try principal.authorize(.manageKeys) }
        var values: [String: Any] = ["csrf": session.csrfToken]
        if managesChannels {
            values["managesChannels"] = true
            let channels = try await stores.channels.list(after: nil, limit: 500).items
            values["channels"] = channels.map { channel -> [String: Any] in
                let policy = channel.payments
                var row: [String: Any] = [
                    "id": channel.id.rawValue, "name": channel.name, "csrf": session.csrfToken,
                    "capture": PaymentPolicy.Capture.allCases.map { ["value": $0.rawValue, "selected": $0 == policy.capture] },
                    "require": PaymentPolicy.Requirement.allCases.map { ["value": $0.rawValue, "selected": $0 == policy.require] },
                    "invoicing": PaymentPolicy.Invoicing.allCases.map { ["value": $0.rawValue, "selected": $0 == policy.invoicing] },
                ]
                if let timeout = policy.timeout { row["timeout"] = timeout.description }
                if case let errors = Self.fieldErrors(request, form: "payments-\(channel.id)"), !errors.isEmpty { row["errors"] = errors }
                return row
            }
        }
        if managesProviders {
            values["managesProviders"] = true
            values["providers"] = try await stores.paymentProviders.list().map { ["id": $0, "csrf": session.csrfToken] }
            values["providerErrors"] = Self.fieldErrors(request, form: "provider")
        }
        return render("payments", values, session: session, request: request, here: "payments")
    }

    func registerPaymentSettingActions(on router: Router<BasicRequestContext>) {
        router.post("/channels/:id/payments") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/payments#payments-\(id)", form: "payments-\(id)") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(ChannelPaymentsForm.self)
                guard let capture = PaymentPolicy.Capture(rawValue: fields.capture) else {
                    throw OrderlyError.invalid("capture", "is not a capture policy")
                }
                guard let require = PaymentPolicy.Requirement(rawValue: fields.require) else {
                    throw OrderlyError.invalid("require", "is not a payment requirement")
                }
                guard let invoicing = PaymentPolicy.Invoicing(rawValue: fields.invoicing) else {
                    throw OrderlyError.invalid("invoicing", "is not an invoicing policy")
                }
                let policy = PaymentPolicy(
                    capture: capture, require: require, timeout: try PaymentPolicy.timeout(fields.timeout ?? "", field: "timeout"),
                    invoicing: invoicing)
                _ = try await stores.channels.update(ChannelID(id), actor: session.user.principal.name) { $0.payments = policy }
                return ("/payments", session.says("Payments of channel \(id) saved.", "Betalingen van kanaal \(id) opgeslagen."))
            }
        }
        router.post("/payment-providers") { request, context in
            try await action(request, context, back: "/payments#provider-form", form: "provider") { form, session in
                try session.user.principal.authorize(.manageKeys)
                let fields = try form.decode(PaymentProviderForm.self)
                try await stores.paymentProviders.save(fields.id, secret: fields.secret, actor: session.user.principal.name)
                return (
                    "/payments",
                    session.says(
                        "Payment provider \(fields.id) saved; its callbacks are checked with the new secret.",
                        "Betaalaanbieder \(fields.id) opgeslagen; zijn meldingen worden met het nieuwe geheim gecontroleerd.")
                )
            }
        }
        router.post("/payment-providers/:id/delete") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/payments") { _, session in
                try session.user.principal.authorize(.manageKeys)
                try await stores.paymentProviders.delete(id, actor: session.user.principal.name)
                return (
                    "/payments",
                    session.says(
                        "Payment provider \(id) removed; its callbacks are refused.",
                        "Betaalaanbieder \(id) verwijderd; zijn meldingen worden geweigerd.")
                )
            }
        }
    }
}
