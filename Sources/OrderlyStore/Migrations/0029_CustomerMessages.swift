/// Customer messages: the outbox each message is written to in the transaction of the event
/// that causes it, the templates a business saves, the language a channel writes its customers
/// in, and a store's opening hours (pickup messages say them).
enum Migration0029CustomerMessages {
    static let migration = Migration(version: 29, name: "customer messages") { _ in
        [
            """
            CREATE TABLE customer_messages (
                id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL REFERENCES orders(id),
                kind TEXT NOT NULL,
                cause TEXT NOT NULL,
                status TEXT NOT NULL,
                recipient TEXT,
                language TEXT,
                subject TEXT,
                body TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,
                lease_until BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                sent_at BIGINT
            )
            """,
            "CREATE INDEX customer_messages_order ON customer_messages (order_id, created_at)",
            "CREATE INDEX customer_messages_due ON customer_messages (status, next_attempt_at)",
            """
            CREATE TABLE message_templates (
                kind TEXT NOT NULL,
                language TEXT NOT NULL,
                channel_id TEXT NOT NULL DEFAULT '',
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (kind, language, channel_id)
            )
            """,
            "ALTER TABLE channels ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
            "ALTER TABLE locations ADD COLUMN opening_hours TEXT",
        ]
    }
}
