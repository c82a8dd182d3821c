/// Executing fulfillment orders: pickup codes, rejection reasons, shipments.
enum Migration0003Fulfillment {
    static let migration = Migration(version: 3, name: "fulfillment") { _ in
        [
            "ALTER TABLE fulfillment_orders ADD COLUMN pickup_code TEXT",
            "ALTER TABLE fulfillment_orders ADD COLUMN ready_at BIGINT",
            "ALTER TABLE fulfillment_orders ADD COLUMN rejection_reason TEXT",
            "CREATE UNIQUE INDEX fulfillment_orders_pickup_code ON fulfillment_orders (pickup_code)",
            "CREATE INDEX fulfillment_orders_ready ON fulfillment_orders (status, ready_at)",
            """
            CREATE TABLE shipments (
                id TEXT PRIMARY KEY,
                fulfillment_order_id TEXT NOT NULL REFERENCES fulfillment_orders(id),
                carrier TEXT,
                tracking_number TEXT,
                created_at BIGINT NOT NULL,
                delivered_at BIGINT
            )
            """,
            "CREATE INDEX shipments_fulfillment_order ON shipments (fulfillment_order_id)",
            """
            CREATE TABLE shipment_lines (
                shipment_id TEXT NOT NULL REFERENCES shipments(id),
                order_line_no BIGINT NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                PRIMARY KEY (shipment_id, order_line_no)
            )
            """,
        ]
    }
}
