/// What an event is about. Its text (`order:ord_…`) is stored with the event: an order's
/// timeline is every event whose subject is that order.
public enum EventSubject: Sendable, Hashable {
    case order(OrderID)
    case reservation(ReservationID)
    /// One inventory level.
    case level(SKU, LocationID)
    /// A batch of inventory changes across levels (adjustments, imports).
    case inventory
    case product(SKU)
    case location(LocationID)
    case channel(ChannelID)
    case supply(SupplyID)
    case subscription(SubscriptionID)
    case webhook(WebhookID)
    case apiKey(APIKeyID)
    case staff(StaffUserID)
    case taxRate(String)
    case paymentProvider(String)
    case workflow(String)
    case routingStrategy(String)
    /// A message template: `kind/language` or `kind/language/channel`.
    case messageTemplate(String)
    case customer(CustomerID)

    /// The stored text: `kind:id` (`inventory:SKU@LOCATION` for a level, `inventory` for a batch).
    public var text: String {
        switch self {
        case .order(let id): "order:\(id)"
        case .reservation(let id): "reservation:\(id)"
        case .level(let sku, let location): "inventory:\(sku)@\(location)"
        case .inventory: "inventory"
        case .product(let sku): "product:\(sku)"
        case .location(let id): "location:\(id)"
        case .channel(let id): "channel:\(id)"
        case .supply(let id): "supply:\(id)"
        case .subscription(let id): "subscription:\(id)"
        case .webhook(let id): "webhook:\(id)"
        case .apiKey(let id): "api_key:\(id)"
        case .staff(let id): "staff:\(id)"
        case .taxRate(let id): "tax_rate:\(id)"
        case .paymentProvider(let id): "payment_provider:\(id)"
        case .workflow(let id): "workflow:\(id)"
        case .routingStrategy(let id): "routing_strategy:\(id)"
        case .messageTemplate(let id): "message_template:\(id)"
        case .customer(let id): "customer:\(id)"
        }
    }
}
