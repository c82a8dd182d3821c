/// Incoming supply promised to waiting order lines (`SupplyPromising` in Core): each
/// backordered or pre-ordered unit is promised against one supply line, or none when none is
/// left, so that availability's `incoming` shows only what is still free to promise.
/// `supply_lines.promised` is the sum of a line's promises, changed only with them, by a
/// conditional update (`quantity - received_quantity - promised >= q`) that two checkouts
/// cannot both pass for the same units.
enum Migration0011SupplyPromises {
    static let migration = Migration(version: 11, name: "supply promises") { _ in
        [
            "ALTER TABLE supply_lines ADD COLUMN promised BIGINT NOT NULL DEFAULT 0 CHECK (promised >= 0)",
            """
            CREATE TABLE supply_promises (
                order_id TEXT NOT NULL REFERENCES orders(id),
                line_no BIGINT NOT NULL,
                supply_id TEXT NOT NULL,
                supply_line_no BIGINT NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL CHECK (quantity > 0),
                expected_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (order_id, line_no, supply_id, supply_line_no),
                FOREIGN KEY (supply_id, supply_line_no) REFERENCES supply_lines(supply_id, line_no)
            )
            """,
            "CREATE INDEX supply_promises_sku ON supply_promises (sku)",
            "CREATE INDEX supply_promises_supply ON supply_promises (supply_id, supply_line_no)",
        ]
    }
}
