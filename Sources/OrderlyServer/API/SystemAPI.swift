import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore
import Prometheus
import Yams

extension OrderlyAPIService {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await stores.database.ping()
        } catch {
            return .serviceUnavailable(
                .init(
                    body: .applicationProblemJson(
                        .init(
                            _type: "https://orderly.dev/problems/unavailable", title: "Service Unavailable", status: 503,
                            detail: "The database does not answer", code: "unavailable"))))
        }
        return .ok(.init(body: .json(.init(status: "ok", engine: stores.database.engine.rawValue, schemaVersion: Migrator.latestVersion))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        buffer += Self.metricsText(stores.database.writeStatistics).utf8
        return .ok(.init(body: .plainText(HTTPBody(buffer))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .json(try openAPIJSON.container())))
    }
}

extension OrderlyAPIService {
    /// How the database gathered writes, read when scraped (the counters live in the store),
    /// in Prometheus' text format: an operator sees how many orders share a batch and how
    /// often a batch fails and its orders are placed alone.
    static func metricsText(_ statistics: Database.WriteStatistics) -> String {
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        if let commits = statistics.groupCommits {
            metric("orderly_group_commit_transactions_total", "counter", "Transactions committed by group commit.", commits.transactions)
            metric("orderly_group_commit_jobs_total", "counter", "Use cases run in group-committed transactions.", commits.jobs)
        }
        if let batches = statistics.orderBatches {
            metric("orderly_order_batches_total", "counter", "Transactions that placed new orders together.", batches.batches)
            metric("orderly_order_batch_orders_total", "counter", "New orders submitted to those transactions.", batches.orders)
            metric("orderly_order_batch_failures_total", "counter", "Order batches that failed; their orders were placed alone.", batches.failures)
            metric("orderly_order_batch_queued", "gauge", "New orders waiting for a batch.", batches.queued)
            metric(
                "orderly_order_batch_retries_total", "counter", "Order batches run again because stock moved under them.", batches.retries)
            let name = "orderly_order_batch_fallbacks_total"
            text += "# HELP \(name) Order batches that failed, by cause; their orders were placed alone.\n# TYPE \(name) counter\n"
            for cause in ["stock_moved", "duplicate", "other"] {
                text += "\(name){cause=\"\(cause)\"} \(batches.failuresByCause[cause] ?? 0)\n"
            }
        }
        return text
    }
}

/// The OpenAPI document converted once from the YAML the server was generated from.
struct OpenAPIJSON: Sendable {
    let data: Data

    init() throws {
        let yaml = String(decoding: OpenAPIDocument.yaml, as: UTF8.self)
        let object = try Yams.load(yaml: yaml) ?? [:]
        data = try JSONSerialization.data(withJSONObject: Self.jsonCompatible(object), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    func container() throws -> OpenAPIObjectContainer {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: data)
    }

    /// Yams yields Swift values JSONSerialization accepts, except for a few scalar types.
    private static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let dictionary as [AnyHashable: Any]:
            var result: [String: Any] = [:]
            for (key, value) in dictionary { result["\(key.base)"] = jsonCompatible(value) }
            return result
        case let array as [Any]:
            return array.map(jsonCompatible)
        case let string as String: return string
        case let bool as Bool: return bool
        case let int as Int: return int
        case let double as Double: return double
        case is NSNull: return NSNull()
        default: return "\(value)"
        }
    }
}
