/// The order's money: order-level discounts, shipping lines and a billing address on the order;
/// line discounts, each line's share of the order's discounts and taxes on the lines; the tax
/// total beside the other totals (`discount` and `shipping` now hold `discountTotal` and
/// `shippingTotal`). Orders placed before keep their figures: their shipping price becomes one
/// shipping line, their discount one order-level discount, whose shares the data step after
/// the migration spreads over their lines (`OrderMoneyUpgrade`).
enum Migration0012OrderMoney {
    static let migration = Migration(version: 12, name: "order money") { _ in
        [
            "ALTER TABLE orders ADD COLUMN discounts TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE orders ADD COLUMN shipping_lines TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE orders ADD COLUMN billing_address TEXT",
            "ALTER TABLE orders ADD COLUMN tax_total BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE order_lines ADD COLUMN discounts TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE order_lines ADD COLUMN order_discount BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE order_lines ADD COLUMN taxes TEXT NOT NULL DEFAULT '[]'",
            """
            UPDATE orders SET shipping_lines = '[{"method":"shipping","price":' || shipping || ',"taxes":[]}]' WHERE shipping > 0
            """,
            """
            UPDATE orders SET discounts = '[{"name":"Discount","amount":' || discount || '}]' WHERE discount > 0
            """,
        ]
    }
}
