import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listInventory(_ input: Operations.ListInventory.Input) async throws -> Operations.ListInventory.Output {
        let location = input.query.locationId.map(LocationID.init)
        _ = try RequestScope.caller(may: .readInventory(location))
        let page = try await stores.inventory.levels(
            sku: input.query.sku.map(SKU.init), locationId: location, after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.InventoryLevel.init), nextCursor: page.nextCursor))))
    }

    func getInventoryLevel(_ input: Operations.GetInventoryLevel.Input) async throws -> Operations.GetInventoryLevel.Output {
        let location = LocationID(input.path.locationId)
        _ = try RequestScope.caller(may: .readInventory(location))
        return .ok(.init(body: .json(.init(try await stores.inventory.level(sku: SKU(input.path.sku), locationId: location)))))
    }

    func countInventory(_ input: Operations.CountInventory.Input) async throws -> Operations.CountInventory.Output {
        let location = LocationID(input.path.locationId)
        let caller = try RequestScope.caller(may: .changeInventory(location))
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let view = try await stores.inventory.count(
            sku: SKU(input.path.sku), locationId: location, onHand: body.onHand, safetyStock: body.safetyStock,
            reference: body.reference, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(view))))
    }

    func adjustInventory(_ input: Operations.AdjustInventory.Input) async throws -> Operations.AdjustInventory.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let principal = try RequestScope.caller()
        for location in Set(body.adjustments.map(\.locationId)) { try principal.authorize(.changeInventory(LocationID(location))) }
        let batch = body.adjustments.map {
            StockAdjustment(
                sku: SKU($0.sku), locationId: LocationID($0.locationId), delta: $0.delta,
                reason: LedgerReason(rawValue: $0.reason.rawValue) ?? .adjustment, reference: $0.reference)
        }
        let views = try await stores.inventory.adjust(batch, actor: Self.actor(principal))
        return .ok(.init(body: .json(.init(items: views.map(Components.Schemas.InventoryLevel.init)))))
    }

    func importInventory(_ input: Operations.ImportInventory.Input) async throws -> Operations.ImportInventory.Output {
        let caller = try RequestScope.caller(may: .importInventory)
        if let reference = input.query.reference, reference.count > 200 {
            throw OrderlyError.invalid("reference", "must be at most 200 characters")
        }
        var parser = StockSnapshotCSV()
        switch input.body {
        case .csv(let body):
            var received = 0
            for try await chunk in body {
                received += chunk.count
                guard received <= maxImportBytes else {
                    throw OrderlyError(.payloadTooLarge, "The snapshot is larger than the \(maxImportBytes) bytes accepted")
                }
                parser.consume(chunk)
            }
        case .json(let snapshot):
            for level in snapshot.levels { parser.add(sku: level.sku, locationId: level.locationId, onHand: level.onHand) }
        }
        let rows = try parser.finish()
        let summary = try await stores.inventory.importSnapshot(
            rows, dryRun: input.query.dryRun ?? false, reference: input.query.reference, actor: Self.actor(caller))
        return .ok(
            .init(
                body: .json(
                    .init(
                        rows: summary.rows, changed: summary.changed, unchanged: summary.unchanged, dryRun: summary.dryRun,
                        differences: summary.differences.map {
                            .init(line: $0.line, sku: $0.sku.rawValue, locationId: $0.locationId.rawValue, before: $0.before, after: $0.after)
                        }))))
    }

    func listLedger(_ input: Operations.ListLedger.Input) async throws -> Operations.ListLedger.Output {
        let location = input.query.locationId.map(LocationID.init)
        _ = try RequestScope.caller(may: .readInventory(location))
        let page = try await stores.inventory.ledger(
            sku: input.query.sku.map(SKU.init), locationId: location, before: input.query.cursor, limit: input.query.limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.items.map {
                            .init(
                                id: $0.id, sku: $0.sku.rawValue, locationId: $0.locationId.rawValue, delta: $0.delta, onHandAfter: $0.onHandAfter,
                                reason: .init(rawValue: $0.reason.rawValue) ?? .adjustment, reference: $0.reference, actor: $0.actor, at: $0.at)
                        }, nextCursor: page.nextCursor))))
    }
}

extension Components.Schemas.InventoryLevel {
    init(_ view: InventoryStore.LevelView) {
        self.init(
            sku: view.level.sku.rawValue, locationId: view.level.locationId.rawValue, onHand: view.level.onHand,
            reserved: view.level.reserved, safetyStock: view.level.safetyStock, available: view.level.available, incoming: view.incoming)
    }
}
