/// Each channel's payment policy (`PaymentPolicy`): when captures are requested, what an order
/// needs before release, how long it may wait for it. `{}` is the policy before there was one:
/// capture manual, nothing required.
enum Migration0016ChannelPayments {
    static let migration = Migration(version: 16, name: "channel payments") { _ in
        ["ALTER TABLE channels ADD COLUMN payments TEXT NOT NULL DEFAULT '{}'"]
    }
}
