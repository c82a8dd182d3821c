import Foundation
import OrderlyCore
import SQLKit

/// Workflows and every version of them. Saving draws the next version from the workflow's
/// head row (created or updated in the same statement, so two saves at once get two numbers)
/// and makes it active; activating switches the head to a version that exists.
public struct WorkflowStore: Sendable {
    let database: Database
    let time: any TimeSource

    /// A version as stored: the workflow, who saved it, when, and whether it is the active one.
    public struct Version: Sendable, Equatable {
        public var workflow: Workflow
        public var actor: String?
        public var createdAt: Date
        public var active: Bool
    }

    /// Saves `json` as the next version of workflow `id`, checked first (`Workflow.parse`).
    public func save(_ id: String, _ json: RuleValue, actor: String?) async throws -> Version {
        _ = try Workflow.parse(id: id, json)
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard
                let head = try await db.raw(
                    """
                    INSERT INTO workflow_heads (id, latest, active, updated_at) VALUES (\(bind: id), 1, 1, \(bind: now.stored))
                    ON CONFLICT (id) DO UPDATE SET latest = workflow_heads.latest + 1, active = workflow_heads.latest + 1,
                        updated_at = excluded.updated_at
                    RETURNING latest
                    """
                ).first()
            else { throw OrderlyError.conflict("Workflow \(id) could not be saved; retry") }
            let workflow = try Workflow.parse(id: id, version: Int(try head.int64("latest")), json)
            try await db.raw(
                """
                INSERT INTO workflow_versions (id, version, definition, actor, created_at)
                VALUES (\(bind: id), \(bind: Int64(workflow.version)), \(bind: try StoredJSON.encode(json)), \(bind: actor), \(bind: now.stored))
                """
            ).run()
            try EventLog.append(db, .workflowSaved(workflow), actor: actor, at: now)
            return Version(workflow: workflow, actor: actor, createdAt: now, active: true)
        }
    }

    /// Makes `version` of workflow `id` the active one (a rollback, or forward again).
    public func activate(_ id: String, version: Int, actor: String?) async throws -> Version {
        let now = time.now
        defer { database.cache.clear() }
        return try await database.transaction { db in
            guard var found = try await Self.version(db, id, version) else { throw OrderlyError.notFound("Workflow version", "\(id)@\(version)") }
            try await db.raw(
                "UPDATE workflow_heads SET active = \(bind: Int64(version)), updated_at = \(bind: now.stored) WHERE id = \(bind: id)"
            ).run()
            found.active = true
            try EventLog.append(db, .workflowActivated(found.workflow), actor: actor, at: now)
            return found
        }
    }

    /// The active version of workflow `id`.
    public func get(_ id: String) async throws -> Version {
        try await database.read { db in
            guard let head = try await db.raw("SELECT active FROM workflow_heads WHERE id = \(bind: id)").first(),
                let version = try await Self.version(db, id, Int(try head.int64("active")))
            else { throw OrderlyError.notFound("Workflow", id) }
            return version
        }
    }

    /// The active version of workflow `id`, inside a read or a transaction.
    static func active(_ db: any SQLDatabase, _ id: String) async throws -> Workflow? {
        guard let head = try await db.raw("SELECT active FROM workflow_heads WHERE id = \(bind: id)").first() else { return nil }
        return try await version(db, id, Int(try head.int64("active")))?.workflow
    }

    /// Version `version` of workflow `id`.
    public func get(_ id: String, version: Int) async throws -> Version {
        guard let found = try await database.read({ db in try await Self.version(db, id, version) }) else {
            throw OrderlyError.notFound("Workflow version", "\(id)@\(version)")
        }
        return found
    }

    /// Every version of workflow `id`, newest first.
    public func versions(_ id: String) async throws -> [Version] {
        try await database.read { db in
            guard let head = try await db.raw("SELECT active FROM workflow_heads WHERE id = \(bind: id)").first() else {
                throw OrderlyError.notFound("Workflow", id)
            }
            let active = try head.int64("active")
            return try await db.raw(
                "SELECT id, version, definition, actor, created_at FROM workflow_versions WHERE id = \(bind: id) ORDER BY version DESC"
            ).all().map { try Self.decode($0, active: active) }
        }
    }

    /// Every workflow's active version, by id.
    public func list() async throws -> [Version] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT v.id, v.version, v.definition, v.actor, v.created_at FROM workflow_heads h
                JOIN workflow_versions v ON v.id = h.id AND v.version = h.active ORDER BY h.id LIMIT 500
                """
            ).all().map { try Self.decode($0, active: try $0.int64("version")) }
        }
    }

    static func version(_ db: any SQLDatabase, _ id: String, _ version: Int) async throws -> Version? {
        guard
            let row = try await db.raw(
                """
                SELECT v.id, v.version, v.definition, v.actor, v.created_at, h.active FROM workflow_versions v
                JOIN workflow_heads h ON h.id = v.id WHERE v.id = \(bind: id) AND v.version = \(bind: Int64(version))
                """
            ).first()
        else { return nil }
        return try decode(row, active: try row.int64("active"))
    }

    static func decode(_ row: any SQLRow, active: Int64) throws -> Version {
        let version = try row.int64("version")
        let workflow = try Workflow.parse(
            id: try row.string("id"), version: Int(version), try StoredJSON.decode(RuleValue.self, from: try row.string("definition")))
        return Version(workflow: workflow, actor: try row.optionalString("actor"), createdAt: try row.date("created_at"), active: version == active)
    }
}
