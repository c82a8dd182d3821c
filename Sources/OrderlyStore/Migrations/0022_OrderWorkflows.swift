/// A channel's workflow, and where each order stands in it (`OrderWorkflow`, as JSON).
enum Migration0022OrderWorkflows {
    static let migration = Migration(version: 22, name: "order workflows") { _ in
        ["ALTER TABLE channels ADD COLUMN workflow TEXT", "ALTER TABLE orders ADD COLUMN workflow TEXT"]
    }
}
