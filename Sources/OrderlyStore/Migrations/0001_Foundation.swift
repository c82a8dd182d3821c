/// Locations, products, channels, inventory and its ledger, supply, reservations, the event
/// outbox, API keys and remembered idempotent responses.
enum Migration0001Foundation {
    static let migration = Migration(version: 1, name: "foundation") { engine in
        [
            """
            CREATE TABLE locations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                address TEXT,
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                can_ship BOOLEAN NOT NULL,
                can_pickup BOOLEAN NOT NULL,
                can_return BOOLEAN NOT NULL,
                priority BIGINT NOT NULL,
                daily_capacity BIGINT,
                active BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE products (
                sku TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                attributes TEXT NOT NULL,
                sell_beyond_stock TEXT NOT NULL,
                release_date BIGINT,
                dropship_supplier TEXT REFERENCES locations(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE channels (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                locations TEXT NOT NULL,
                routing TEXT NOT NULL,
                hold_rules TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE inventory_levels (
                sku TEXT NOT NULL REFERENCES products(sku),
                location_id TEXT NOT NULL REFERENCES locations(id),
                on_hand BIGINT NOT NULL,
                reserved BIGINT NOT NULL DEFAULT 0,
                safety_stock BIGINT NOT NULL DEFAULT 0,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (sku, location_id),
                CHECK (reserved >= 0),
                CHECK (safety_stock >= 0),
                CHECK (on_hand >= reserved)
            )
            """,
            "CREATE INDEX inventory_levels_location ON inventory_levels (location_id, sku)",
            """
            CREATE TABLE inventory_ledger (
                id \(engine.serialPrimaryKey),
                sku TEXT NOT NULL,
                location_id TEXT NOT NULL,
                delta BIGINT NOT NULL,
                on_hand_after BIGINT NOT NULL,
                reason TEXT NOT NULL,
                reference TEXT,
                actor TEXT,
                at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX inventory_ledger_sku ON inventory_ledger (sku, location_id, id)",
            "CREATE INDEX inventory_ledger_location ON inventory_ledger (location_id, id)",
            """
            CREATE TABLE supplies (
                id TEXT PRIMARY KEY,
                location_id TEXT NOT NULL REFERENCES locations(id),
                expected_at BIGINT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE supply_lines (
                supply_id TEXT NOT NULL REFERENCES supplies(id),
                line_no BIGINT NOT NULL,
                sku TEXT NOT NULL REFERENCES products(sku),
                quantity BIGINT NOT NULL,
                received_quantity BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (supply_id, line_no),
                CHECK (received_quantity >= 0 AND received_quantity <= quantity)
            )
            """,
            "CREATE INDEX supply_lines_sku ON supply_lines (sku)",
            """
            CREATE TABLE reservations (
                id TEXT PRIMARY KEY,
                channel_id TEXT NOT NULL REFERENCES channels(id),
                status TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                closed_at BIGINT
            )
            """,
            "CREATE INDEX reservations_expiry ON reservations (status, expires_at)",
            """
            CREATE TABLE reservation_lines (
                reservation_id TEXT NOT NULL REFERENCES reservations(id),
                line_no BIGINT NOT NULL,
                sku TEXT NOT NULL,
                location_id TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                PRIMARY KEY (reservation_id, line_no)
            )
            """,
            """
            CREATE TABLE events (
                id \(engine.serialPrimaryKey),
                type TEXT NOT NULL,
                at BIGINT NOT NULL,
                subject TEXT NOT NULL,
                data TEXT NOT NULL,
                actor TEXT
            )
            """,
            "CREATE INDEX events_subject ON events (subject, id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                channel_id TEXT,
                location_ids TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status BIGINT,
                content_type TEXT,
                body TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (scope, key)
            )
            """,
        ]
    }
}
