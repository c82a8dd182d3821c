/// Workflows, every saved version kept (`Workflow`): `workflow_heads` holds each workflow's
/// latest and active version, so that a save draws its version number and a rollback
/// switches the active one with a single-row update.
enum Migration0021Workflows {
    static let migration = Migration(version: 21, name: "workflows") { _ in
        [
            "CREATE TABLE workflow_heads (id TEXT PRIMARY KEY, latest BIGINT NOT NULL, active BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE workflow_versions (
                id TEXT NOT NULL REFERENCES workflow_heads(id),
                version BIGINT NOT NULL,
                definition TEXT NOT NULL,
                actor TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (id, version)
            )
            """,
        ]
    }
}
