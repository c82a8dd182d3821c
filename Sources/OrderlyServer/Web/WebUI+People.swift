import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// People and access: administrators add people, change their role and stores, disable them
/// and issue one-time password-reset links (`/people`); everyone changes their own password
/// (`/account`); a reset link (`/reset/<token>`) sets a new one without signing in.
extension WebUI {
    func people(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        try session.user.principal.authorize(.manageStaff)
        let accounts = try await stores.staff.list()
        let values: [String: Any] = [
            "csrf": session.csrfToken, "errors": Self.fieldErrors(request, form: "person"),
            "accounts": accounts.map { a -> [String: Any] in
                [
                    "userId": a.user.id.rawValue, "email": a.user.email, "personName": a.user.name,
                    "storeList": a.user.locations.map(\.rawValue).joined(separator: ", "),
                    "disabled": a.disabled, "isMe": a.user.id == session.user.id, "since": when(a.createdAt, in: session),
                    "roles": StaffUser.Role.allCases.map { ["value": $0.rawValue, "selected": $0 == a.user.role] },
                ]
            },
        ]
        return render("people", values, session: session, request: request, here: "people")
    }

    func account(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let languages = [("en", "English"), ("nl", "Nederlands")].map { code, label -> [String: Any] in
            ["code": code, "label": label, "chosen": session.user.language.rawValue == code]
        }
        return render(
            "account",
            ["csrf": session.csrfToken, "email": session.user.email, "errors": Self.fieldErrors(request, form: "password"), "languages": languages],
            session: session, request: request, here: "account")
    }

    func registerPeopleActions(on router: Router<BasicRequestContext>) {
        router.get("/people") { request, context in try await page(request, context) { try await people($0, $1) } }
        router.get("/account") { request, context in try await page(request, context) { try await account($0, $1) } }
        router.post("/people") { request, context in
            try await action(request, context, back: "/people", form: "person") { form, session in
                try session.user.principal.authorize(.manageStaff)
                let fields = try form.decode(PersonForm.self)
                let role = try fields.staffRole()
                let user = try await stores.staff.create(
                    email: fields.email ?? "", name: fields.name ?? "", password: fields.password ?? "", role: role, locations: fields.locations(),
                    actor: session.user.email)
                return ("/people", session.says("Added \(user.email) (\(user.role.rawValue)).", "\(user.email) toegevoegd (\(user.role.rawValue))."))
            }
        }
        router.post("/people/:id") { request, context in
            let id = StaffUserID(try context.parameters.require("id"))
            return try await action(request, context, back: "/people") { form, session in
                try session.user.principal.authorize(.manageStaff)
                let fields = try form.decode(PersonForm.self)
                let change: StaffUser.Change
                switch fields.intent {
                case "disable": change = .init(disabled: true)
                case "enable": change = .init(disabled: false)
                default: change = .init(name: fields.name, role: try fields.staffRole(), locations: fields.locations())
                }
                let account = try await stores.staff.update(id, change, by: session.user)
                return ("/people", "\(account.user.email): \(account.disabled ? "disabled, signed out everywhere" : "saved").")
            }
        }
        router.post("/people/:id/reset") { request, context in
            let id = StaffUserID(try context.parameters.require("id"))
            return try await action(request, context, back: "/people") { _, session in
                try session.user.principal.authorize(.manageStaff)
                let (token, expires) = try await stores.staff.issueReset(id, by: session.user)
                return (
                    "/people",
                    "Send this link to the person (one use, until \(when(expires, in: session)) \(timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier)): /reset/\(token)"
                )
            }
        }
        router.post("/account/password") { request, context in
            try await action(request, context, back: "/account", form: "password") { form, session in
                let fields = try form.decode(PasswordForm.self)
                try await stores.staff.changePassword(session.user, current: fields.current ?? "", new: fields.new ?? "")
                return ("/account", session.says("Your password is changed.", "Je wachtwoord is gewijzigd."))
            }
        }
        router.post("/account/language") { request, context in
            try await action(request, context, back: "/account") { form, session in
                guard let language = StaffUser.Language(rawValue: try form.decode(LanguageForm.self).language ?? "") else {
                    throw OrderlyError.invalid("language", "must be en or nl")
                }
                try await stores.staff.setLanguage(session.user, language)
                return ("/account", language == .nl ? "De backoffice staat nu in het Nederlands." : "The back office now shows in English.")
            }
        }
        router.get("/reset/:token") { request, context in
            let token = try context.parameters.require("token")
            guard let user = try await stores.staff.resetting(token: token) else {
                return render("reset", ["invalid": true], session: nil, status: .notFound)
            }
            return render("reset", ["token": token, "email": user.email], session: nil)
        }
        router.post("/reset/:token") { request, context in
            let token = try context.parameters.require("token")
            let fields = (try? (try await Self.form(request, context: context)).decode(PasswordForm.self)) ?? PasswordForm()
            do {
                let user = try await stores.staff.reset(token: token, to: fields.new ?? "")
                return redirect("/login", flash: "ok", "Your new password is set, \(user.email): sign in with it.")
            } catch let error as OrderlyError {
                let user = try await stores.staff.resetting(token: token)
                return render(
                    "reset", ["token": token, "email": user?.email ?? "", "invalid": user == nil, "problem": Self.describe(error)], session: nil,
                    status: user == nil ? .notFound : .badRequest)
            }
        }
    }
}
