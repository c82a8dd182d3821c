/// Back-office accounts, their sessions, and failed sign-ins (for throttling).
enum Migration0007Staff {
    static let migration = Migration(version: 7, name: "staff") { _ in
        [
            """
            CREATE TABLE staff_users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                email_key TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                location_ids TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                disabled_at BIGINT
            )
            """,
            """
            CREATE TABLE staff_sessions (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES staff_users(id),
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at)",
            """
            CREATE TABLE staff_login_failures (
                email_key TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_failure_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
