/// Alerts: the thresholds a channel and a location set (JSON, `AlertThresholds`), and the alerts
/// already raised, so that each is announced (`alert.raised`) once, by one instance.
enum Migration0030Alerts {
    static let migration = Migration(version: 30, name: "alerts") { _ in
        [
            "ALTER TABLE channels ADD COLUMN alerts TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE locations ADD COLUMN alerts TEXT NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE alerts_raised (
                key TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                order_id TEXT NOT NULL REFERENCES orders(id),
                raised_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
