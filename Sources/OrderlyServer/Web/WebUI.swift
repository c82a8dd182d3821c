import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import OrderlyCore
import OrderlyStore

/// The back office in the browser: server-rendered pages for customer service and stores.
/// Every page reads and changes data through the same stores as the API, and every action
/// is authorized by the same `Principal` rules — a signed-in person acts as their role.
struct WebUI: Sendable {
    let stores: Stores
    let library: MustacheLibrary
    /// Sets `Secure` on cookies (`ORDERLY_SECURE_COOKIES`, when served over HTTPS).
    let secureCookies: Bool

    static let sessionCookie = "orderly_session"
    static let loginCSRFCookie = "orderly_login_csrf"
    static let flashCookie = "orderly_flash"
    /// A refused form's problems by field, shown next to them once (`fieldErrors(_:form:)`).
    static let fieldsCookie = "orderly_fields"

    /// Printed on invoices.
    let seller: ServerConfiguration.Seller

    /// Dates on the pages are in this zone (`ORDERLY_TIME_ZONE`).
    let timeZone: TimeZone

    init(stores: Stores, secureCookies: Bool, seller: ServerConfiguration.Seller = .init(), timeZone: TimeZone = .gmt) throws {
        self.stores = stores
        self.secureCookies = secureCookies
        self.seller = seller
        self.timeZone = timeZone
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// Every page's template by the name `render` uses. A name missing here renders an empty
    /// page: `BackOfficeTemplateTests` holds this list against the templates and the names used.
    static let templates: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
        ("dashboard", PackageResources.dashboard_mustache), ("orders", PackageResources.orders_mustache),
        ("order", PackageResources.order_mustache), ("customer", PackageResources.customer_mustache),
        ("inventory", PackageResources.inventory_mustache), ("store", PackageResources.store_mustache),
        ("error", PackageResources.error_mustache), ("invoice", PackageResources.invoice_mustache),
        ("reports", PackageResources.reports_mustache), ("tax-rates", PackageResources.tax_rates_mustache),
        ("messages", PackageResources.messages_mustache),
        ("payments", PackageResources.payments_mustache), ("workflows", PackageResources.workflows_mustache),
        ("waiting", PackageResources.waiting_mustache), ("routing", PackageResources.routing_mustache),
        ("locations", PackageResources.locations_mustache),
        ("routing-simulation", PackageResources.routing_simulation_mustache),
        ("workflow-simulation", PackageResources.workflow_simulation_mustache),
        ("routing-comparison", PackageResources.routing_comparison_mustache), ("take-back", PackageResources.take_back_mustache),
        ("order-entry", PackageResources.order_entry_mustache), ("people", PackageResources.people_mustache),
        ("account", PackageResources.account_mustache), ("reset", PackageResources.reset_mustache),
    ]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/static/app.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.app_css)))
        }
        router.get("/login") { request, _ in try await loginForm(request) }
        router.post("/login") { request, context in try await login(request, context: context) }
        router.post("/logout") { request, context in try await logout(request, context: context) }
        router.get("/") { request, context in try await page(request, context) { try await dashboard($0, $1) } }
        router.get("/orders") { request, context in try await page(request, context) { try await orders($0, $1) } }
        router.get("/orders/:id") { request, context in try await page(request, context) { try await order($0, $1, context.parameters.require("id")) }
        }
        router.get("/reports") { request, context in try await page(request, context) { try await reports($0, $1) } }
        router.get("/tax-rates") { request, context in try await page(request, context) { try await taxRates($0, $1) } }
        router.get("/payments") { request, context in try await page(request, context) { try await paymentSettings($0, $1) } }
        router.get("/workflows") { request, context in try await page(request, context) { try await workflows($0, $1) } }
        router.get("/waiting") { request, context in try await page(request, context) { try await waiting($0, $1) } }
        router.get("/routing") { request, context in try await page(request, context) { try await routing($0, $1) } }
        router.get("/locations") { request, context in try await page(request, context) { try await locations($0, $1) } }
        router.get("/invoices/:id") { request, context in
            try await page(request, context) { try await invoice($0, $1, context.parameters.require("id")) }
        }
        router.get("/customers/:id") { request, context in
            try await page(request, context) { try await customer($0, $1, context.parameters.require("id")) }
        }
        router.get("/inventory") { request, context in try await page(request, context) { try await inventory($0, $1) } }
        router.get("/stores/:location/take-back") { request, context in
            try await page(request, context) { try await takeBack($0, $1, context.parameters.require("location")) }
        }
        router.get("/stores/:location") { request, context in
            try await page(request, context) { try await store($0, $1, context.parameters.require("location")) }
        }
        registerOrderEntry(on: router)
        registerPeopleActions(on: router)
        registerOrderActions(on: router)
        registerOrderChangeActions(on: router)
        registerCustomerActions(on: router)
        registerPaymentActions(on: router)
        registerTaxRateActions(on: router)
        registerPaymentSettingActions(on: router)
        registerWorkflowActions(on: router)
        registerApprovalActions(on: router)
        registerStoreActions(on: router)
        registerRoutingActions(on: router)
        registerLocationActions(on: router)
        registerMessageActions(on: router)
    }

    /// A page for a signed-in person: no session sends them to the sign-in form, a refusal
    /// or a missing resource renders an error page with the right status.
    func page(
        _ request: Request, _ context: BasicRequestContext, _ body: (Request, StaffStore.Session) async throws -> Response
    ) async throws -> Response {
        guard let session = try await session(request) else { return .redirect(to: "/login", type: .found) }
        do {
            return try await body(request, session)
        } catch let error as OrderlyError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound: .notFound
                case .forbidden: .forbidden
                default: .badRequest
                }
            return render("error", ["heading": status.reasonPhrase, "message": error.detail], session: session, status: status)
        }
    }

    /// Renders a template inside the layout, with the navigation for `session`'s person.
    func render(
        _ template: String, _ values: [String: Any], session: StaffStore.Session?, request: Request? = nil, status: HTTPResponse.Status = .ok,
        here: String = ""
    ) -> Response {
        let language = session?.user.language.rawValue ?? "en"
        var values = Self.addingWords(values, in: language)
        values["t"] = Chrome.translator(language)
        values["language"] = language
        if let session { values["nav"] = navigation(session, here: here) }
        let flash = request.flatMap(Self.flash)
        if let flash { values["flash"] = flash }
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: library.render(values, withTemplate: template) ?? "")))
        // A flash message is shown once.
        if flash != nil { response.setCookie(cookie(Self.flashCookie, "", maxAge: 0)) }
        if request?.cookies[Self.fieldsCookie] != nil { response.setCookie(cookie(Self.fieldsCookie, "", maxAge: 0)) }
        // Pages hold personal data and forms: never framed by another site.
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Content-Security-Policy")!] = "default-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'"
        return response
    }

    func navigation(_ session: StaffStore.Session, here: String) -> [String: Any] {
        let principal = session.user.principal
        return [
            "userName": session.user.name, "role": session.user.role.rawValue, "csrf": session.csrfToken,
            "seesOrders": principal.may(.readOrders(nil)), "entersOrders": principal.entersOrders || principal.role == .store,
            "atDashboard": here == "dashboard", "atOrders": here == "orders", "atInventory": here == "inventory",
            "atReports": here == "reports", "atTaxRates": here == "tax-rates", "managesCatalog": principal.may(.manageCatalog),
            "atPayments": here == "payments", "atWorkflows": here == "workflows", "atWaiting": here == "waiting",
            "atRouting": here == "routing", "atLocations": here == "locations", "managesStaff": principal.may(.manageStaff),
            "atPeople": here == "people", "atMessages": here == "messages",
            "managesPayments": principal.may(.manageCatalog) || principal.may(.manageKeys),
            "stores": session.user.locations.map { ["id": $0.rawValue, "name": $0.rawValue, "here": here == "store:\($0)"] },
        ]
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}

extension WebUI {
    /// A date as this person reads it: their language's words, the business's time zone, to the minute.
    func when(_ date: Date, in session: StaffStore.Session) -> String {
        session.user.language.date(date, in: timeZone)
    }
}
