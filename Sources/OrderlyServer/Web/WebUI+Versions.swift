import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// What the workflow and routing pages share: the versions of a saved document, activating
/// one again, and forms that try something out (a simulation, a comparison) without saving.
extension WebUI {
    /// Rows of a document's versions, newest first, with Activate for the inactive ones when
    /// the person manages the catalogue.
    func versionRows<Document>(_ versions: [VersionedStore<Document>.Version], canManage: Bool, in session: StaffStore.Session) -> [[String: Any]] {
        let csrf = session.csrfToken
        return versions.map { version in
            var row: [String: Any] = [
                "id": version.document.id, "version": version.document.version, "createdAt": when(version.createdAt, in: session),
                "actor": version.actor ?? "", "csrf": csrf,
            ]
            if version.active { row["active"] = true } else if canManage { row["canActivate"] = true }
            return row
        }
    }

    /// `POST <path>/:id/activate {version}`: makes an earlier (or later) version the active one.
    func registerActivation<Document>(
        on router: Router<BasicRequestContext>, path: String, back: @escaping @Sendable (String) -> String,
        store: @escaping @Sendable () -> VersionedStore<Document>
    ) {
        router.post("\(path)/:id/activate") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: back(id)) { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let version = try form.decode(WorkflowActivationForm.self).version.value
                _ = try await store().activate(id, version: version, actor: session.user.principal.name)
                return (
                    back(id),
                    session.says(
                        "\(Document.noun) \(id) version \(version) is active again.", "\(Document.noun) \(id) versie \(version) is weer actief.")
                )
            }
        }
    }

    /// A form that changes nothing but shows its result on its page: checked like every action
    /// (`posted`), then `body` renders the page for who may do `action` (manage the catalogue,
    /// unless named).
    func tryOut(
        _ request: Request, _ context: BasicRequestContext, may action: Action = .manageCatalog,
        _ body: (WebForm, Request, StaffStore.Session) async throws -> Response
    ) async throws -> Response {
        let form: WebForm
        switch try await posted(request, context) {
        case .refused(let response): return response
        case .form(let posted, _): form = posted
        }
        return try await page(request, context) { request, session in
            try session.user.principal.authorize(action)
            return try await body(form, request, session)
        }
    }

    /// What `work` answers for a page, or its refusal in words (a refusal of the person stays one).
    static func outcome(_ work: () async throws -> [String: Any]) async throws -> [String: Any] {
        do {
            return try await work()
        } catch let error as OrderlyError where error.code != .forbidden {
            return ["error": describe(error)]
        }
    }
}
