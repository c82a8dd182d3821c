import Foundation
import OrderlyCore
import OrderlyStore

/// Late work (`Alert`) as the dashboard and the store page list it.
extension WebUI {
    /// `links`: whether the reader may open the order's page (the desk; a store may not).
    func alertRows(_ alerts: [Alert], links: Bool, in session: StaffStore.Session) -> [[String: Any]] {
        alerts.map { alert in
            [
                "kind": alert.kind.rawValue, "alertOrder": alert.orderNumber, "alertOrderId": alert.orderId.rawValue, "alertLinks": links,
                "alertWhere": alert.locationId?.rawValue ?? alert.channel.rawValue, "alertDetail": alert.detail,
                "alertSince": when(alert.dueAt, in: session),
            ]
        }
    }
}
