import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        let scope = try RequestScope.caller().fulfillmentListing(input.query.locationId.map(LocationID.init))
        let alerts = try await stores.alerts.current(at: scope)
        return .ok(.init(body: .json(.init(items: alerts.map(Components.Schemas.Alert.init)))))
    }
}

extension Components.Schemas.Alert {
    init(_ a: Alert) {
        self.init(
            kind: .init(rawValue: a.kind.rawValue) ?? .notAccepted, key: a.key, orderId: a.orderId.rawValue, orderNumber: a.orderNumber,
            channel: a.channel.rawValue, fulfillmentOrderId: a.fulfillmentOrderId?.rawValue, locationId: a.locationId?.rawValue, line: a.line,
            dueAt: a.dueAt, detail: a.detail)
    }
}

extension AlertThresholds {
    init(_ t: Components.Schemas.AlertThresholds) {
        self.init(
            acceptWithinHours: t.acceptWithinHours, collectWithinDays: t.collectWithinDays, waitBeyondPromiseHours: t.waitBeyondPromiseHours,
            waitWithoutPromiseDays: t.waitWithoutPromiseDays)
    }
}

extension Components.Schemas.AlertThresholds {
    init(_ t: AlertThresholds) {
        self.init(
            acceptWithinHours: t.acceptWithinHours, collectWithinDays: t.collectWithinDays, waitBeyondPromiseHours: t.waitBeyondPromiseHours,
            waitWithoutPromiseDays: t.waitWithoutPromiseDays)
    }
}
