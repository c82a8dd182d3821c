import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore
import OrderlyStore

/// Signing in and out, sessions, CSRF tokens, flash messages and form bodies.
extension WebUI {
    func session(_ request: Request) async throws -> StaffStore.Session? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty, token.count <= 128 else { return nil }
        return try await stores.staff.session(token: token)
    }

    func loginForm(_ request: Request, error: String? = nil, email: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        if error == nil, try await session(request) != nil { return .redirect(to: "/", type: .found) }
        // Before there is a session, the form's CSRF token is a random value also set as a cookie (double submit).
        let token = Token.random(bytes: 16)
        var values: [String: Any] = ["csrf": token, "email": email]
        if let error { values["error"] = error }
        var response = render("login", values, session: nil, request: request, status: status)
        response.setCookie(cookie(Self.loginCSRFCookie, token, maxAge: 3600))
        return response
    }

    func login(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        guard let sent = form.csrf, let expected = request.cookies[Self.loginCSRFCookie]?.value, Self.same(sent, expected) else {
            return try await loginForm(request, error: "The form expired; please sign in again.", status: .forbidden)
        }
        let fields = (try? form.decode(LoginForm.self)) ?? LoginForm()
        let email = fields.email ?? ""
        switch try await stores.staff.signIn(email: email, password: fields.password ?? "") {
        case .signedIn(let token, let session):
            var response = Response.redirect(to: session.user.role == .store ? "/stores/\(session.user.locations.first ?? "")" : "/", type: .normal)
            response.setCookie(cookie(Self.sessionCookie, token, maxAge: Int(StaffStore.sessionLifetime)))
            response.setCookie(cookie(Self.loginCSRFCookie, "", maxAge: 0))
            return response
        case .refused:
            return try await loginForm(request, error: "The email or password is not right.", email: email, status: .unauthorized)
        case .throttled(let seconds):
            var response = try await loginForm(
                request, error: "Too many wrong passwords. Try again in \(seconds) seconds.", email: email, status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    func logout(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        if let token = request.cookies[Self.sessionCookie]?.value, let session = try await stores.staff.session(token: token) {
            guard let sent = form.csrf, Self.same(sent, session.csrfToken) else { return .redirect(to: "/", type: .normal) }
            try await stores.staff.signOut(token: token)
        }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    /// A form POST from a signed-in person: the session must exist and the form must carry its
    /// CSRF token. `body` returns where to go next and what to tell; a refusal by the rules goes
    /// back to `back` with the reason, and nothing was changed.
    ///
    /// `form` names the form on the page `back` shows: its refused fields are shown next to
    /// them there (`fieldErrors(_:form:)`), as well as in the message at the top.
    func action(
        _ request: Request, _ context: BasicRequestContext, back: String, form formName: String? = nil,
        _ body: (WebForm, StaffStore.Session) async throws -> (to: String, message: String)
    ) async throws -> Response {
        let (form, session): (WebForm, StaffStore.Session)
        switch try await posted(request, context) {
        case .refused(let response): return response
        case .form(let posted, let by): (form, session) = (posted, by)
        }
        do {
            let (to, message) = try await body(form, session)
            return redirect(to, flash: "ok", message)
        } catch let error as OrderlyError {
            if error.code == .forbidden || error.code == .notFound {
                return render(
                    "error", ["heading": error.code == .forbidden ? "Forbidden" : "Not Found", "message": error.detail],
                    session: session, status: error.code == .forbidden ? .forbidden : .notFound)
            }
            var response = redirect(back, flash: "error", Self.describe(error))
            if let formName, !error.fieldErrors.isEmpty {
                let lines = [formName] + error.fieldErrors.map { "\($0.field)\t\($0.message)" }
                let value = lines.joined(separator: "\n").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                response.setCookie(cookie(Self.fieldsCookie, String(value.prefix(2000)), maxAge: 60))
            }
            return response
        }
    }

    /// A form POST as received: from a signed-in person with the form's CSRF token, or refused
    /// (to the sign-in page, or forbidden).
    enum Posted {
        case form(WebForm, StaffStore.Session)
        case refused(Response)
    }

    func posted(_ request: Request, _ context: BasicRequestContext) async throws -> Posted {
        guard let session = try await session(request) else { return .refused(.redirect(to: "/login", type: .normal)) }
        let form = try await Self.form(request, context: context)
        guard let sent = form.csrf, Self.same(sent, session.csrfToken) else {
            return .refused(
                render(
                    "error", ["heading": "Forbidden", "message": "The form expired or did not come from Orderly; nothing was changed."],
                    session: session, status: .forbidden))
        }
        return .form(form, session)
    }

    /// The problems a refused form of the page had, by the field they belong to — the part of
    /// its path before the first `.` or `[` (`rules[1].when.fact` is shown by `rules`) — when
    /// the form refused was `form`. Paths under `group` (`alerts.acceptWithinHours`) are shown
    /// by the field after it (`acceptWithinHours`): a form that types a nested object flat.
    static func fieldErrors(_ request: Request, form: String, group: String? = nil) -> [String: String] {
        guard let raw = request.cookies[fieldsCookie]?.value.removingPercentEncoding else { return [:] }
        let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == form else { return [:] }
        var errors: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let path = group.map { parts[0].hasPrefix($0 + ".") ? String(parts[0].dropFirst($0.count + 1)) : parts[0] } ?? parts[0]
            let key = String(path.prefix { $0 != "." && $0 != "[" })
            let message = path == key ? parts[1] : "\(path): \(parts[1])"
            errors[key] = errors[key].map { "\($0); \(message)" } ?? message
        }
        return errors
    }

    func redirect(_ to: String, flash kind: String, _ message: String) -> Response {
        var response = Response.redirect(to: to, type: .normal)
        let value = "\(kind):\(message)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        response.setCookie(cookie(Self.flashCookie, String(value.prefix(1000)), maxAge: 60))
        return response
    }

    static func flash(_ request: Request) -> [String: String]? {
        guard let raw = request.cookies[flashCookie]?.value.removingPercentEncoding, !raw.isEmpty else { return nil }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["ok", "error"].contains(parts[0]) else { return nil }
        return ["kind": parts[0], "message": parts[1]]
    }

    /// An error as one sentence for a person: the detail, or each field's problem.
    static func describe(_ error: OrderlyError) -> String {
        if !error.fieldErrors.isEmpty { return error.fieldErrors.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
        if !error.shortages.isEmpty {
            return "Not enough stock: "
                + error.shortages.map { "\($0.sku) (asked \($0.requested), available \($0.available))" }.joined(separator: ", ")
        }
        return error.detail
    }

    /// Constant-time comparison of tokens.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// An `application/x-www-form-urlencoded` body (`WebForm`).
    static func form(_ request: Request, context: BasicRequestContext) async throws -> WebForm {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        return WebForm(String(buffer: buffer))
    }
}

extension StaffStore.Session {
    /// What to tell this person after a form: `english`, or `dutch` for a Dutch reader.
    func says(_ english: String, _ dutch: String) -> String { user.language == .nl ? dutch : english }
}
