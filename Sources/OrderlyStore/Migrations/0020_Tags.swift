/// Tags on products and locations, and an order's free attributes and risk score: facts that
/// conditions read (`Fact.catalog`).
enum Migration0020Tags {
    static let migration = Migration(version: 20, name: "tags and order attributes") { _ in
        [
            "ALTER TABLE products ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE locations ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE orders ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE orders ADD COLUMN risk_score BIGINT",
        ]
    }
}
