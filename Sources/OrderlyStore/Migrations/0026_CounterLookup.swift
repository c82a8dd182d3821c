/// Finding an order at a counter (`OrderLookup`) by the id its channel gave it, whichever
/// channel that was (the unique `(channel_id, external_id)` index serves one channel only),
/// and returned units counted as open box (received, not restocked as new).
enum Migration0026CounterLookup {
    static let migration = Migration(version: 26, name: "counter look-up") { _ in
        [
            "CREATE INDEX orders_external_id ON orders (external_id)",
            "ALTER TABLE return_lines ADD COLUMN open_box_quantity BIGINT NOT NULL DEFAULT 0",
        ]
    }
}
