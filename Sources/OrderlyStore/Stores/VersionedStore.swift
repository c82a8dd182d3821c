import Foundation
import OrderlyCore
import SQLKit

/// A configuration a business saves as versions: workflows and routing strategies. Each is
/// checked when read from its JSON, and stored as that JSON.
public protocol VersionedDocument: Sendable, Equatable {
    /// The tables' prefix: `<table>_heads`, `<table>_versions`.
    static var table: String { get }
    /// What people call it: `Workflow`, `Routing strategy`.
    static var noun: String { get }
    static func parse(id: String, version: Int, _ json: RuleValue) throws(OrderlyError) -> Self
    var json: RuleValue { get }
    var id: String { get }
    var version: Int { get }
    static func saved(_ document: Self) -> DomainEvent
    static func activated(_ document: Self) -> DomainEvent
    /// Adds a problem for every other configuration the document names that does not exist.
    static func checkReferences(_ db: any SQLDatabase, _ document: Self, into v: inout Validator) async throws
}

extension VersionedDocument {
    public static func checkReferences(_ db: any SQLDatabase, _ document: Self, into v: inout Validator) async throws {}
}

extension Workflow: VersionedDocument {
    public static let table = "workflow"
    public static let noun = "Workflow"
    public static func saved(_ workflow: Workflow) -> DomainEvent { .workflowSaved(workflow) }
    public static func activated(_ workflow: Workflow) -> DomainEvent { .workflowActivated(workflow) }

    /// The routing strategies its stages route by must exist.
    public static func checkReferences(_ db: any SQLDatabase, _ workflow: Workflow, into v: inout Validator) async throws {
        for (i, stage) in workflow.stages.enumerated() {
            for (j, action) in stage.onEntry.enumerated() {
                guard case .route(let id) = action, try await !RoutingStrategyStore.exists(db, id) else { continue }
                v.add("stages[\(i)].onEntry[\(j)].route", "routing strategy '\(id)' does not exist")
            }
        }
    }
}

extension RoutingStrategy: VersionedDocument {
    public static let table = "routing_strategy"
    public static let noun = "Routing strategy"
    public static func saved(_ strategy: RoutingStrategy) -> DomainEvent { .routingStrategySaved(strategy) }
    public static func activated(_ strategy: RoutingStrategy) -> DomainEvent { .routingStrategyActivated(strategy) }
}

public typealias WorkflowStore = VersionedStore<Workflow>
public typealias RoutingStrategyStore = VersionedStore<RoutingStrategy>

/// Documents and every version of them. Saving draws the next version from the document's
/// head row (created or updated in the same statement, so two saves at once get two numbers)
/// and makes it active; activating switches the head to a version that exists.
public struct VersionedStore<Document: VersionedDocument>: Sendable {
    let database: Database
    let time: any TimeSource

    /// A version as stored: the document, who saved it, when, and whether it is the active one.
    public struct Version: Sendable, Equatable {
        public var document: Document
        public var actor: String?
        public var createdAt: Date
        public var active: Bool
    }

    static var heads: SQLQueryString { "\(unsafeRaw: Document.table)_heads" }
    static var versions: SQLQueryString { "\(unsafeRaw: Document.table)_versions" }

    /// Saves `json` as the next version of document `id`, checked first (`Document.parse`).
    public func save(_ id: String, _ json: RuleValue, actor: String?) async throws -> Version {
        _ = try Document.parse(id: id, version: 1, json)
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard
                let head = try await db.raw(
                    """
                    INSERT INTO \(Self.heads) (id, latest, active, updated_at) VALUES (\(bind: id), 1, 1, \(bind: now.stored))
                    ON CONFLICT (id) DO UPDATE SET latest = \(Self.heads).latest + 1, active = \(Self.heads).latest + 1,
                        updated_at = excluded.updated_at
                    RETURNING latest
                    """
                ).first()
            else { throw OrderlyError.conflict("\(Document.noun) \(id) could not be saved; retry") }
            let document = try Document.parse(id: id, version: Int(try head.int64("latest")), json)
            var v = Validator()
            try await Document.checkReferences(db, document, into: &v)
            try v.validate()
            try await db.raw(
                """
                INSERT INTO \(Self.versions) (id, version, definition, actor, created_at)
                VALUES (\(bind: id), \(bind: Int64(document.version)), \(bind: try StoredJSON.encode(json)), \(bind: actor), \(bind: now.stored))
                """
            ).run()
            try EventLog.append(db, Document.saved(document), actor: actor, at: now)
            return Version(document: document, actor: actor, createdAt: now, active: true)
        }
    }

    /// Makes `version` of document `id` the active one (a rollback, or forward again).
    public func activate(_ id: String, version: Int, actor: String?) async throws -> Version {
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard var found = try await Self.version(db, id, version) else {
                throw OrderlyError.notFound("\(Document.noun) version", "\(id)@\(version)")
            }
            try await db.raw("UPDATE \(Self.heads) SET active = \(bind: Int64(version)), updated_at = \(bind: now.stored) WHERE id = \(bind: id)")
                .run()
            found.active = true
            try EventLog.append(db, Document.activated(found.document), actor: actor, at: now)
            return found
        }
    }

    /// The active version of document `id`.
    public func get(_ id: String) async throws -> Version {
        try await database.read { db in
            guard let head = try await db.raw("SELECT active FROM \(Self.heads) WHERE id = \(bind: id)").first(),
                let version = try await Self.version(db, id, Int(try head.int64("active")))
            else { throw OrderlyError.notFound(Document.noun, id) }
            return version
        }
    }

    /// The active version of document `id`, inside a read or a transaction.
    static func active(_ db: any SQLDatabase, _ id: String) async throws -> Document? {
        guard let head = try await db.raw("SELECT active FROM \(heads) WHERE id = \(bind: id)").first() else { return nil }
        return try await version(db, id, Int(try head.int64("active")))?.document
    }

    /// Whether document `id` exists.
    static func exists(_ db: any SQLDatabase, _ id: String) async throws -> Bool {
        try await db.raw("SELECT 1 AS one FROM \(heads) WHERE id = \(bind: id)").first() != nil
    }

    /// Version `version` of document `id`.
    public func get(_ id: String, version: Int) async throws -> Version {
        guard let found = try await database.read({ db in try await Self.version(db, id, version) }) else {
            throw OrderlyError.notFound("\(Document.noun) version", "\(id)@\(version)")
        }
        return found
    }

    /// Every version of document `id`, newest first.
    public func versions(_ id: String) async throws -> [Version] {
        try await database.read { db in
            guard let head = try await db.raw("SELECT active FROM \(Self.heads) WHERE id = \(bind: id)").first() else {
                throw OrderlyError.notFound(Document.noun, id)
            }
            let active = try head.int64("active")
            return try await db.raw(
                "SELECT id, version, definition, actor, created_at FROM \(Self.versions) WHERE id = \(bind: id) ORDER BY version DESC"
            ).all().map { try Self.decode($0, active: active) }
        }
    }

    /// Every document's active version, by id.
    public func list() async throws -> [Version] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT v.id, v.version, v.definition, v.actor, v.created_at FROM \(Self.heads) h
                JOIN \(Self.versions) v ON v.id = h.id AND v.version = h.active ORDER BY h.id LIMIT 500
                """
            ).all().map { try Self.decode($0, active: try $0.int64("version")) }
        }
    }

    static func version(_ db: any SQLDatabase, _ id: String, _ version: Int) async throws -> Version? {
        guard
            let row = try await db.raw(
                """
                SELECT v.id, v.version, v.definition, v.actor, v.created_at, h.active FROM \(versions) v
                JOIN \(heads) h ON h.id = v.id WHERE v.id = \(bind: id) AND v.version = \(bind: Int64(version))
                """
            ).first()
        else { return nil }
        return try decode(row, active: try row.int64("active"))
    }

    static func decode(_ row: any SQLRow, active: Int64) throws -> Version {
        let version = try row.int64("version")
        let document = try Document.parse(
            id: try row.string("id"), version: Int(version), try StoredJSON.decode(RuleValue.self, from: try row.string("definition")))
        return Version(document: document, actor: try row.optionalString("actor"), createdAt: try row.date("created_at"), active: version == active)
    }
}
