/// Recurring orders and the record of each period's run.
enum Migration0005Subscriptions {
    static let migration = Migration(version: 5, name: "subscriptions") { _ in
        [
            """
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                channel_id TEXT NOT NULL REFERENCES channels(id),
                customer TEXT NOT NULL,
                currency TEXT NOT NULL,
                lines TEXT NOT NULL,
                shipping_address TEXT,
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                interval TEXT NOT NULL,
                start_at BIGINT NOT NULL,
                period BIGINT NOT NULL,
                anchor_period BIGINT NOT NULL DEFAULT 0,
                next_run_at BIGINT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX subscriptions_due ON subscriptions (status, next_run_at)",
            """
            CREATE TABLE subscription_runs (
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
                period BIGINT NOT NULL,
                order_id TEXT,
                error TEXT,
                at BIGINT NOT NULL,
                PRIMARY KEY (subscription_id, period)
            )
            """,
            "ALTER TABLE returns ADD COLUMN exchange_order_id TEXT",
        ]
    }
}
