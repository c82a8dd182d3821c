/// Payment providers that send signed callbacks (`POST /v1/payments/events`): each with the
/// secret its signatures are checked with, sealed like webhook secrets.
enum Migration0015PaymentProviders {
    static let migration = Migration(version: 15, name: "payment providers") { _ in
        [
            """
            CREATE TABLE payment_providers (
                id TEXT PRIMARY KEY,
                secret TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ]
    }
}
