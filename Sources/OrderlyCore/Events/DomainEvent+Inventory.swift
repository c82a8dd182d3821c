import Foundation

/// A checkout reservation as events show it (`reservation.created`, `.released`, `.expired`).
public struct ReservationPayload: EventPayload, Equatable {
    public struct Line: Encodable, Sendable, Equatable {
        public var sku: String
        public var locationId: String
        public var quantity: Int64
    }
    public var id: String
    public var channel: String
    public var status: String
    public var expiresAt: Date
    public var lines: [Line]
    public init(_ r: Reservation) {
        id = r.id.rawValue
        channel = r.channel.rawValue
        status = r.status.rawValue
        expiresAt = r.expiresAt
        lines = r.lines.map { Line(sku: $0.sku.rawValue, locationId: $0.locationId.rawValue, quantity: $0.quantity) }
    }
}

/// `reservation.consumed`: the order that took the reservation's stock.
public struct ReservationConsumedPayload: EventPayload, Equatable { public var orderId: String }

/// One inventory level changed: by how much, what it is now, why.
public struct LevelChangePayload: EventPayload, Equatable {
    public var sku: String
    public var locationId: String
    public var delta: Int64
    public var onHand: Int64
    public var safetyStock: Int64
    public var reason: String
    public var reference: String?
    public init(sku: SKU, locationId: LocationID, delta: Int64, onHand: Int64, safetyStock: Int64, reason: LedgerReason, reference: String?) {
        self.sku = sku.rawValue
        self.locationId = locationId.rawValue
        self.delta = delta
        self.onHand = onHand
        self.safetyStock = safetyStock
        self.reason = reason.rawValue
        self.reference = reference
    }
}

/// `inventory.adjusted`: an atomic batch of level changes.
public struct InventoryAdjustedPayload: EventPayload, Equatable { public var changes: [LevelChangePayload] }

/// `inventory.imported`: a snapshot applied, how many rows it had and how many changed a level.
public struct InventoryImportedPayload: EventPayload, Equatable {
    public var rows: Int
    public var changed: Int
    public var reference: String?
}

/// Units of a sku, in supply and its receipts.
public struct SupplyLinePayload: Codable, Sendable, Equatable {
    public var sku: SKU
    public var quantity: Int64
    public init(sku: SKU, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// `supply.created`.
public struct SupplyCreatedPayload: EventPayload, Equatable {
    public var id: String
    public var locationId: String
    public var expectedAt: Date
    public var lines: [SupplyLinePayload]
}

/// `supply.cancelled`: the units that will no longer come, per sku.
public struct SupplyCancelledPayload: EventPayload, Equatable {
    public var supplyId: String
    public var locationId: String
    public var lines: [SupplyLinePayload]
}

/// `supply.received`: the units received, per sku.
public struct SupplyReceivedPayload: EventPayload, Equatable {
    public var supplyId: String
    public var locationId: String
    public var lines: [SupplyLinePayload]
}

extension DomainEvent {
    public static func reservationCreated(_ r: Reservation) -> Self { .init(.reservationCreated, .reservation(r.id), ReservationPayload(r)) }

    /// A reservation closed without an order: released by the caller or expired.
    public static func reservationClosed(_ r: Reservation) -> Self {
        .init(r.status == .expired ? .reservationExpired : .reservationReleased, .reservation(r.id), ReservationPayload(r))
    }

    public static func reservationConsumed(_ id: ReservationID, by order: OrderID) -> Self {
        .init(.reservationConsumed, .reservation(id), ReservationConsumedPayload(orderId: order.rawValue))
    }

    public static func inventoryCounted(_ change: LevelChangePayload) -> Self {
        .init(.inventoryCounted, .level(SKU(change.sku), LocationID(change.locationId)), change)
    }

    public static func inventoryAdjusted(_ changes: [LevelChangePayload]) -> Self {
        .init(.inventoryAdjusted, .inventory, InventoryAdjustedPayload(changes: changes))
    }

    public static func inventoryImported(rows: Int, changed: Int, reference: String?) -> Self {
        .init(.inventoryImported, .inventory, InventoryImportedPayload(rows: rows, changed: changed, reference: reference))
    }

    public static func supplyCreated(_ supply: Supply) -> Self {
        .init(
            .supplyCreated, .supply(supply.id),
            SupplyCreatedPayload(
                id: supply.id.rawValue, locationId: supply.locationId.rawValue, expectedAt: supply.expectedAt,
                lines: supply.lines.map { SupplyLinePayload(sku: $0.sku, quantity: $0.quantity) }))
    }

    public static func supplyCancelled(_ supply: Supply, lines: [SupplyLinePayload]) -> Self {
        .init(
            .supplyCancelled, .supply(supply.id),
            SupplyCancelledPayload(supplyId: supply.id.rawValue, locationId: supply.locationId.rawValue, lines: lines))
    }

    public static func supplyReceived(_ supply: Supply, lines: [SupplyLinePayload]) -> Self {
        .init(
            .supplyReceived, .supply(supply.id),
            SupplyReceivedPayload(supplyId: supply.id.rawValue, locationId: supply.locationId.rawValue, lines: lines))
    }
}
