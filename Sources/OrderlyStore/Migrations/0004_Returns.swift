/// Returns (RMAs) with their lines and refund state.
enum Migration0004Returns {
    static let migration = Migration(version: 4, name: "returns") { _ in
        [
            """
            CREATE TABLE returns (
                id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL REFERENCES orders(id),
                location_id TEXT NOT NULL REFERENCES locations(id),
                method TEXT NOT NULL,
                status TEXT NOT NULL,
                refund_amount BIGINT NOT NULL,
                refund_status TEXT NOT NULL,
                currency TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX returns_order ON returns (order_id)",
            "CREATE INDEX returns_location ON returns (location_id, status)",
            """
            CREATE TABLE return_lines (
                return_id TEXT NOT NULL REFERENCES returns(id),
                order_line_no BIGINT NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                reason TEXT NOT NULL,
                received_quantity BIGINT NOT NULL DEFAULT 0,
                restocked_quantity BIGINT NOT NULL DEFAULT 0,
                damaged_quantity BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (return_id, order_line_no),
                CHECK (received_quantity <= quantity)
            )
            """,
        ]
    }
}
