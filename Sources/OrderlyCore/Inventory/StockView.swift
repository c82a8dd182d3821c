/// What orders placed together in one transaction may still take: available units as read
/// when the transaction began, less what the orders before them in it took. Each order is
/// routed from this view instead of its own earlier snapshot, so one order never counts on
/// units another order of the same batch has taken — and an order that the view cannot serve
/// is refused (or backordered) on its own, not by failing the batch's conditional update.
public struct StockView: Sendable, Equatable {
    public private(set) var available: [SKU: [LocationID: Int64]]
    /// The skus the view was read for; the others keep each order's own snapshot.
    public let covered: Set<SKU>

    /// The view of `levels`, read for `skus` (a sku with no level has nothing available).
    public init(_ levels: [InventoryLevel], covering skus: some Sequence<SKU>) {
        var available: [SKU: [LocationID: Int64]] = [:]
        for level in levels { available[level.sku, default: [:]][level.locationId] = level.available }
        self.available = available
        covered = Set(skus)
    }

    /// The skus a batch must read before its orders are decided. Orders that share no sku
    /// cannot take each other's units, so on a first attempt only the skus of more than one
    /// order are read (none, mostly, when orders are spread over many skus: no extra round trip);
    /// once the stock has moved under the batch, every sku is read again, fresh.
    public static func skusToRead(_ orders: [[SKU]], attempt: Int) -> [SKU] {
        var seen: [SKU: Int] = [:]
        for skus in orders { for sku in Set(skus) { seen[sku, default: 0] += 1 } }
        return seen.filter { attempt > 1 || $0.value > 1 }.keys.sorted()
    }

    /// `snapshot` with this view's figures for every level of a covered sku both know (a level
    /// only the view knows is at a location the snapshot left out, such as an inactive one).
    public func applied(to snapshot: RoutingPlanner.Snapshot) -> RoutingPlanner.Snapshot {
        var snapshot = snapshot
        for (sku, levels) in snapshot.stock where covered.contains(sku) {
            for location in levels.keys { snapshot.stock[sku]?[location] = available[sku]?[location] ?? 0 }
        }
        return snapshot
    }

    /// Counts the units an order's plan reserves as taken.
    public mutating func take(_ allocations: [RoutingPlanner.Allocation]) {
        for allocation in allocations {
            available[allocation.sku, default: [:]][allocation.locationId, default: 0] -= allocation.quantity
        }
    }
}
