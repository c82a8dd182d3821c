/// The stage each order waits in, for the back office's list of waiting orders.
enum Migration0024WorkflowStage {
    static let migration = Migration(version: 24, name: "workflow stage") { _ in
        [
            "ALTER TABLE orders ADD COLUMN workflow_stage TEXT",
            "CREATE INDEX orders_workflow_stage ON orders (workflow_stage, created_at) WHERE workflow_stage IS NOT NULL",
        ]
    }
}
