/// Routing strategies, every saved version kept (`RoutingStrategy`, as `workflow_heads` and
/// `workflow_versions` keep workflows), and the strategy version that routed each order.
enum Migration0025RoutingStrategies {
    static let migration = Migration(version: 25, name: "routing strategies") { _ in
        [
            """
            CREATE TABLE routing_strategy_heads (
                id TEXT PRIMARY KEY, latest BIGINT NOT NULL, active BIGINT NOT NULL, updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE routing_strategy_versions (
                id TEXT NOT NULL REFERENCES routing_strategy_heads(id),
                version BIGINT NOT NULL,
                definition TEXT NOT NULL,
                actor TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (id, version)
            )
            """,
            "ALTER TABLE orders ADD COLUMN routing_strategy TEXT",
        ]
    }
}
