/// Payment transactions (`PaymentTransaction`), unique per provider and reference so that a
/// step reported twice is one step; and on the order the sums they come to with the status
/// derived from them (`Order.paymentStatus`), written with every change of either.
enum Migration0014Payments {
    static let migration = Migration(version: 14, name: "payments") { _ in
        [
            """
            CREATE TABLE payment_transactions (
                id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL REFERENCES orders(id),
                kind TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                currency TEXT NOT NULL,
                provider TEXT NOT NULL,
                method TEXT,
                reference TEXT NOT NULL,
                status TEXT NOT NULL,
                at BIGINT NOT NULL,
                note TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (provider, reference)
            )
            """,
            "CREATE INDEX payment_transactions_order ON payment_transactions (order_id, created_at)",
            "ALTER TABLE orders ADD COLUMN payment_status TEXT NOT NULL DEFAULT 'unpaid'",
            "ALTER TABLE orders ADD COLUMN authorized_amount BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN captured_amount BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN voided_amount BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN refunded_amount BIGINT NOT NULL DEFAULT 0",
            "UPDATE orders SET payment_status = 'paid' WHERE total = 0",
        ]
    }
}
