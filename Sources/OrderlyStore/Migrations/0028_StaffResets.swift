/// Password-reset links an administrator issues (only a hash of each token is kept, usable
/// once before it expires), and the language each person reads the back office in.
enum Migration0028StaffResets {
    static let migration = Migration(version: 28, name: "staff password resets") { _ in
        [
            """
            CREATE TABLE staff_password_resets (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES staff_users(id),
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT
            )
            """,
            "ALTER TABLE staff_users ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
        ]
    }
}
