/// The trigram indexes of migration 8 on `customers.email_key` and `customers.phone_key` also
/// answer `=` (pg_trgm's operator class has it), and PostgreSQL sometimes chose them over the
/// B-tree indexes for the equality lookups that place orders: a lookup of a few emails then
/// scanned the GIN index's pending entries (12–22 ms under load instead of 0.1 ms). The trigram
/// indexes are rebuilt on `lower(…)` of those columns, which searches use (`LIKE` on
/// `LOWER(email_key)` is the same text: the keys are stored lowercased), so an equality on the
/// column itself can only be answered by its B-tree.
enum Migration0009SearchIndexesForLike {
    static let migration = Migration(version: 9, name: "search indexes for like") { engine in
        guard engine == .postgres else { return [] }
        return [
            """
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                    DROP INDEX IF EXISTS customers_email_trgm;
                    DROP INDEX IF EXISTS customers_phone_key_trgm;
                    CREATE INDEX customers_email_trgm ON customers USING gin (lower(email_key) gin_trgm_ops);
                    CREATE INDEX customers_phone_key_trgm ON customers USING gin (lower(phone_key) gin_trgm_ops);
                END IF;
            END
            $$
            """
        ]
    }
}
