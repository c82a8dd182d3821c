/// What an exchange's return paid of its replacement, and what the customer still pays on it
/// (`Exchange.Settlement`).
enum Migration0019ExchangeCredit {
    static let migration = Migration(version: 19, name: "exchange credit") { _ in
        [
            "ALTER TABLE returns ADD COLUMN exchange_credit BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE returns ADD COLUMN exchange_charge BIGINT NOT NULL DEFAULT 0",
        ]
    }
}
