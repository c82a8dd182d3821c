/// Free-text order and customer search at scale. The searches are `LIKE '%…%'`, which no
/// B-tree index serves: with a million orders a search read every row (0.4 s, measured by
/// Benchmarks/scale.sh). On PostgreSQL trigram indexes (pg_trgm, shipped with PostgreSQL and
/// trusted, so the database owner may create it) answer the same queries unchanged. Where the
/// extension cannot be created the search keeps working, by scanning. SQLite scans.
enum Migration0008Search {
    static let migration = Migration(version: 8, name: "search") { engine in
        guard engine == .postgres else { return [] }
        return [
            """
            DO $$
            BEGIN
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX orders_search_trgm ON orders USING gin (search gin_trgm_ops);
                CREATE INDEX customers_email_trgm ON customers USING gin (email_key gin_trgm_ops);
                CREATE INDEX customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops);
                CREATE INDEX customers_phone_key_trgm ON customers USING gin (phone_key gin_trgm_ops);
                CREATE INDEX customers_phone_trgm ON customers USING gin (phone gin_trgm_ops);
            EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
                RAISE NOTICE 'pg_trgm is not available (%): order and customer search will scan', SQLERRM;
            END
            $$
            """
        ]
    }
}
