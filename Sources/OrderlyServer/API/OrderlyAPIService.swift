import Foundation
import Logging
import OrderlyAPI
import OrderlyCore
import OrderlyStore
import Prometheus

/// The implementation of the generated `APIProtocol`: each handler checks the caller's
/// permission, converts the generated input into Core values, calls one store use case and
/// converts the result back. No rule is decided here.
struct OrderlyAPIService: APIProtocol {
    let stores: Stores
    let metrics: PrometheusCollectorRegistry
    let openAPIJSON: OpenAPIJSON
    let maxImportBytes: Int
    let webhookTargets: WebhookTargets

    /// The caller's name for the audit trail on events and ledger entries.
    static func actor(_ principal: Principal) -> String { principal.name }
}
