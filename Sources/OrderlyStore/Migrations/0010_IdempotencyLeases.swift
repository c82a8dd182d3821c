/// `Idempotency-Key` claims become leases (`lease_until`): a claim whose request died with
/// its server (never answered, never abandoned) used to refuse every retry with 409 forever;
/// once its lease runs out a retry is handled afresh. Claims already stranded expire now.
///
/// An order placed under a key records it (`orders.request_key`, unique where set), in the
/// same transaction that places it: a retry handled afresh after a crash finds that order
/// instead of placing a second one, as `(channel, externalId)` does for channels that send one.
enum Migration0010IdempotencyLeases {
    static let migration = Migration(version: 10, name: "idempotency leases") { _ in
        [
            "ALTER TABLE idempotency_keys ADD COLUMN lease_until BIGINT",
            "UPDATE idempotency_keys SET lease_until = created_at WHERE status IS NULL",
            "ALTER TABLE orders ADD COLUMN request_key TEXT",
            "CREATE UNIQUE INDEX orders_request_key ON orders (request_key) WHERE request_key IS NOT NULL",
        ]
    }
}
