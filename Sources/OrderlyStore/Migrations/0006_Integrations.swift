/// The gap-free event feed on PostgreSQL, webhook subscriptions with their deliveries, and
/// counter sales (POS lines the customer carries out).
enum Migration0006Integrations {
    static let migration = Migration(version: 6, name: "integrations") { engine in
        var statements: [String] = []
        if engine == .postgres {
            // Event ids come from a sequence, so a transaction can take id 10 and commit after
            // another one committed id 11. Before its first id, each writing transaction holds
            // a shared advisory lock keyed by the sequence's value at that moment (offset into
            // a key range of our own), visible to every session in `pg_locks`. The feed reads
            // only up to the smallest such key: no id below it can still appear. See
            // `EventLog.settledHorizon`.
            statements.append(
                """
                CREATE FUNCTION orderly_next_event_id() RETURNS bigint LANGUAGE plpgsql AS $$
                BEGIN
                    IF coalesce(current_setting('orderly.event_fence', true), '') <> 'on' THEN
                        PERFORM pg_advisory_xact_lock_shared((SELECT last_value FROM events_id_seq) + \(EventFence.keyOffset));
                        PERFORM set_config('orderly.event_fence', 'on', true);
                    END IF;
                    RETURN nextval('events_id_seq');
                END
                $$
                """)
        }
        statements += [
            """
            CREATE TABLE webhooks (
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                event_types TEXT NOT NULL,
                secret TEXT NOT NULL,
                after_event_id BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                deleted_at BIGINT
            )
            """,
            """
            CREATE TABLE webhook_fanout (
                name TEXT PRIMARY KEY,
                last_event_id BIGINT NOT NULL
            )
            """,
            "INSERT INTO webhook_fanout (name, last_event_id) VALUES ('events', 0)",
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                webhook_id TEXT NOT NULL REFERENCES webhooks(id),
                event_id BIGINT NOT NULL,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                lease_until BIGINT,
                last_status_code BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (webhook_id, event_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, event_id)",
            // A POS sale's lines are carried out at the counter (`pickup_location_id` names the store).
            "ALTER TABLE order_lines ADD COLUMN carry_out BOOLEAN NOT NULL DEFAULT FALSE",
        ]
        return statements
    }
}

/// The advisory-lock key range that marks event ids still being written (PostgreSQL only).
enum EventFence {
    /// 2^62: far above any event id and any other advisory lock key Orderly uses.
    static let keyOffset: Int64 = 1 << 62
}
