/// Invoices and credit notes (`Invoice`), numbered per series by `number_series`: the number
/// is drawn by an update of the series' row in the transaction that issues the document, so
/// a rolled-back issue gives its number back and the numbers have no gaps.
enum Migration0018Invoices {
    static let migration = Migration(version: 18, name: "invoices") { _ in
        [
            "CREATE TABLE number_series (series TEXT PRIMARY KEY, last BIGINT NOT NULL)",
            """
            CREATE TABLE invoices (
                id TEXT PRIMARY KEY,
                number TEXT NOT NULL UNIQUE,
                series TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                kind TEXT NOT NULL,
                order_id TEXT NOT NULL REFERENCES orders(id),
                fulfillment_order_id TEXT,
                return_id TEXT,
                currency TEXT NOT NULL,
                total BIGINT NOT NULL,
                tax_total BIGINT NOT NULL,
                document TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                UNIQUE (series, sequence)
            )
            """,
            "CREATE INDEX invoices_order ON invoices (order_id, issued_at)",
            "CREATE INDEX invoices_issued ON invoices (issued_at, id)",
        ]
    }
}
