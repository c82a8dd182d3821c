/// Customers, orders with their lines, allocations and holds, fulfillment orders, and the
/// order number sequence.
enum Migration0002Orders {
    static let migration = Migration(version: 2, name: "orders") { engine in
        let sequence =
            switch engine {
            case .postgres: "CREATE SEQUENCE order_number_seq"
            case .sqlite: "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"
            }
        return [
            sequence,
            """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY,
                email TEXT,
                email_key TEXT UNIQUE,
                name TEXT,
                phone TEXT,
                phone_key TEXT,
                addresses TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX customers_phone ON customers (phone_key)",
            """
            CREATE TABLE orders (
                id TEXT PRIMARY KEY,
                number TEXT NOT NULL UNIQUE,
                channel_id TEXT NOT NULL REFERENCES channels(id),
                external_id TEXT,
                customer_id TEXT NOT NULL REFERENCES customers(id),
                currency TEXT NOT NULL,
                subtotal BIGINT NOT NULL,
                shipping BIGINT NOT NULL,
                discount BIGINT NOT NULL,
                total BIGINT NOT NULL,
                shipping_address TEXT,
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                tags TEXT NOT NULL,
                status TEXT NOT NULL,
                search TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (channel_id, external_id)
            )
            """,
            "CREATE INDEX orders_created ON orders (created_at, id)",
            "CREATE INDEX orders_customer ON orders (customer_id, created_at)",
            "CREATE INDEX orders_status ON orders (status, created_at)",
            """
            CREATE TABLE order_lines (
                order_id TEXT NOT NULL REFERENCES orders(id),
                line_no BIGINT NOT NULL,
                sku TEXT NOT NULL REFERENCES products(sku),
                quantity BIGINT NOT NULL,
                unit_price BIGINT NOT NULL,
                pickup_location_id TEXT REFERENCES locations(id),
                allocated BIGINT NOT NULL DEFAULT 0,
                backordered BIGINT NOT NULL DEFAULT 0,
                fulfilled BIGINT NOT NULL DEFAULT 0,
                cancelled BIGINT NOT NULL DEFAULT 0,
                returned BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (order_id, line_no),
                CHECK (allocated >= 0 AND backordered >= 0 AND cancelled >= 0),
                CHECK (fulfilled + cancelled <= quantity)
            )
            """,
            "CREATE INDEX order_lines_sku ON order_lines (sku, order_id)",
            "CREATE INDEX order_lines_waiting ON order_lines (sku) WHERE backordered > 0",
            """
            CREATE TABLE order_allocations (
                order_id TEXT NOT NULL REFERENCES orders(id),
                line_no BIGINT NOT NULL,
                location_id TEXT NOT NULL REFERENCES locations(id),
                type TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                released BIGINT NOT NULL DEFAULT 0,
                reason TEXT NOT NULL,
                PRIMARY KEY (order_id, line_no, location_id, type),
                CHECK (quantity >= 0 AND released >= 0 AND released <= quantity)
            )
            """,
            """
            CREATE TABLE order_holds (
                order_id TEXT NOT NULL REFERENCES orders(id),
                hold_id TEXT NOT NULL,
                reason TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (order_id, hold_id)
            )
            """,
            """
            CREATE TABLE fulfillment_orders (
                id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL REFERENCES orders(id),
                location_id TEXT NOT NULL REFERENCES locations(id),
                type TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX fulfillment_orders_order ON fulfillment_orders (order_id)",
            "CREATE INDEX fulfillment_orders_location ON fulfillment_orders (location_id, status, created_at)",
            """
            CREATE TABLE fulfillment_order_lines (
                fulfillment_order_id TEXT NOT NULL REFERENCES fulfillment_orders(id),
                order_line_no BIGINT NOT NULL,
                sku TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                fulfilled_quantity BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (fulfillment_order_id, order_line_no),
                CHECK (fulfilled_quantity >= 0 AND fulfilled_quantity <= quantity)
            )
            """,
        ]
    }
}
