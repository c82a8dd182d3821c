/// When the stage an order waits in times out, for the job that acts on it.
enum Migration0023StageDue {
    static let migration = Migration(version: 23, name: "stage due") { _ in
        [
            "ALTER TABLE orders ADD COLUMN stage_due BIGINT",
            "CREATE INDEX orders_stage_due ON orders (stage_due) WHERE stage_due IS NOT NULL",
        ]
    }
}
