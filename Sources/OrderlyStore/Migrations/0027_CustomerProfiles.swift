/// Customer profiles service staff edit: tags conditions read (`customer.tags`), and the
/// profile a merged one went into (kept, so that its email still finds the person).
enum Migration0027CustomerProfiles {
    static let migration = Migration(version: 27, name: "customer profiles") { _ in
        [
            "ALTER TABLE customers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE customers ADD COLUMN merged_into TEXT",
            "CREATE INDEX customers_merged_into ON customers (merged_into)",
        ]
    }
}
