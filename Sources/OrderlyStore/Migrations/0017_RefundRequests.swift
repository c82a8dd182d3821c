/// The refund level Orderly has asked payment providers for, per order (`RefundRequest`).
enum Migration0017RefundRequests {
    static let migration = Migration(version: 17, name: "refund requests") { _ in
        ["ALTER TABLE orders ADD COLUMN refunds_requested BIGINT NOT NULL DEFAULT 0"]
    }
}
