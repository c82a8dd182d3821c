/// Tax rates as data (`TaxRateRule`): per country and tax category, included in prices or
/// added to them; and each product's tax category.
enum Migration0013TaxRates {
    static let migration = Migration(version: 13, name: "tax rates") { _ in
        [
            """
            CREATE TABLE tax_rates (
                id TEXT PRIMARY KEY,
                country TEXT NOT NULL,
                tax_category TEXT NOT NULL,
                name TEXT NOT NULL,
                rate BIGINT NOT NULL CHECK (rate >= 0 AND rate <= 1000000),
                included BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX tax_rates_country ON tax_rates (country, tax_category)",
            "ALTER TABLE products ADD COLUMN tax_category TEXT",
        ]
    }
}
