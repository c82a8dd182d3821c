/// Stock of one sku at one location. Changed only through ledger entries.
public struct InventoryLevel: Sendable, Equatable, Codable {
    public var sku: SKU
    public var locationId: LocationID
    public var onHand: Int64
    public var reserved: Int64
    public var safetyStock: Int64

    public init(sku: SKU, locationId: LocationID, onHand: Int64 = 0, reserved: Int64 = 0, safetyStock: Int64 = 0) {
        self.sku = sku
        self.locationId = locationId
        self.onHand = onHand
        self.reserved = reserved
        self.safetyStock = safetyStock
    }

    /// Available to promise: what can still be reserved here.
    /// `max(0, onHand − reserved − safetyStock)`; the one place this arithmetic lives.
    public var available: Int64 { Self.available(onHand: onHand, reserved: reserved, safetyStock: safetyStock) }

    public static func available(onHand: Int64, reserved: Int64, safetyStock: Int64) -> Int64 {
        max(0, onHand - reserved - safetyStock)
    }
}

/// Why stock moved. Every ledger entry carries one.
public enum LedgerReason: String, Sendable, Codable, CaseIterable {
    case count
    case receipt
    case shipment
    case returnRestock = "return_restock"
    case adjustment
    case damage
    case transfer

    /// Reasons a client may give to `POST /v1/inventory/adjustments`. Counts go through
    /// `PUT`/import; shipments are written by fulfillment, never by hand.
    public static let manual: [LedgerReason] = [.adjustment, .damage, .receipt, .transfer, .returnRestock]
}

/// The decisions about changing on-hand stock: what a count or an adjustment does to a level,
/// and when it must be refused.
public enum StockChange {
    /// The delta a physical count implies, refused when it would leave fewer units than are
    /// promised to customers (on-hand never drops below reserved).
    public static func count(
        _ level: InventoryLevel, newOnHand: Int64, field: String = "onHand"
    ) throws(OrderlyError) -> Int64 {
        var v = Validator()
        v.quantity(newOnHand, field, allowZero: true)
        try v.validate()
        guard newOnHand >= level.reserved else {
            throw OrderlyError.invalid(
                field, "\(newOnHand) is below the \(level.reserved) units reserved for \(level.sku) at \(level.locationId)")
        }
        return newOnHand - level.onHand
    }

    /// The on-hand after applying `delta`, refused when it would fall below what is reserved.
    public static func adjust(_ level: InventoryLevel, by delta: Int64, field: String) throws(OrderlyError) -> Int64 {
        let (newOnHand, overflow) = level.onHand.addingReportingOverflow(delta)
        guard !overflow else { throw OrderlyError.invalid(field, "must be within ±\(Limits.maxQuantity)") }
        guard newOnHand >= level.reserved else {
            throw OrderlyError.invalid(
                field,
                "would leave \(newOnHand) on hand for \(level.sku) at \(level.locationId), below the \(level.reserved) reserved"
            )
        }
        guard newOnHand <= Limits.maxQuantity else {
            throw OrderlyError.invalid(field, "would leave more than \(Limits.maxQuantity) on hand")
        }
        return newOnHand
    }
}

/// One requested change in an atomic adjustment batch.
public struct StockAdjustment: Sendable, Equatable {
    public var sku: SKU
    public var locationId: LocationID
    public var delta: Int64
    public var reason: LedgerReason
    public var reference: String?

    public init(sku: SKU, locationId: LocationID, delta: Int64, reason: LedgerReason, reference: String? = nil) {
        self.sku = sku
        self.locationId = locationId
        self.delta = delta
        self.reason = reason
        self.reference = reference
    }

    /// Checks the shape of a batch before any stock is read: sizes, bounds, reasons.
    public static func validate(_ batch: [StockAdjustment]) throws(OrderlyError) {
        var v = Validator()
        v.check(!batch.isEmpty, "adjustments", "must hold at least one adjustment")
        v.check(batch.count <= Limits.maxBatchSize, "adjustments", "may hold at most \(Limits.maxBatchSize) adjustments")
        for (i, a) in batch.enumerated() {
            let field = "adjustments[\(i)]"
            v.check(a.delta != 0, "\(field).delta", "must not be 0")
            // `magnitude`, not `abs`: abs(Int64.min) traps (found by fuzzing).
            v.check(a.delta.magnitude <= UInt64(Limits.maxQuantity), "\(field).delta", "must be within ±\(Limits.maxQuantity)")
            v.check(
                LedgerReason.manual.contains(a.reason), "\(field).reason",
                "must be one of \(LedgerReason.manual.map(\.rawValue).joined(separator: ", "))")
            if let reference = a.reference {
                v.check(reference.count <= 200, "\(field).reference", "must be at most 200 characters")
            }
        }
        try v.validate()
    }
}
