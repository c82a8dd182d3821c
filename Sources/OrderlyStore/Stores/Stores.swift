import Foundation
import OrderlyCore

/// Every store over one database and clock: what Server and the CLI hold.
public struct Stores: Sendable {
    public let database: Database
    public let time: any TimeSource

    /// bcrypt's cost for staff passwords (tests lower it to keep sign-ins fast).
    public let bcryptCost: UInt8

    /// Seals the secrets Orderly must read back (webhook signing secrets) before they are stored.
    public let secrets: SecretBox

    public init(database: Database, time: any TimeSource = SystemTime(), bcryptCost: UInt8 = 12, secrets: SecretBox = .none) {
        self.database = database
        self.time = time
        self.bcryptCost = bcryptCost
        self.secrets = secrets
    }

    public var locations: LocationStore { LocationStore(database: database, time: time) }
    public var products: ProductStore { ProductStore(database: database, time: time) }
    public var channels: ChannelStore { ChannelStore(database: database, time: time) }
    public var taxRates: TaxRateStore { TaxRateStore(database: database, time: time) }
    public var workflows: WorkflowStore { WorkflowStore(database: database, time: time) }
    public var routingStrategies: RoutingStrategyStore { RoutingStrategyStore(database: database, time: time) }
    public var payments: PaymentStore { PaymentStore(database: database, time: time) }
    public var invoices: InvoiceStore { InvoiceStore(database: database, time: time) }
    public var paymentProviders: PaymentProviderStore { PaymentProviderStore(database: database, time: time, secrets: secrets) }
    public var inventory: InventoryStore { InventoryStore(database: database, time: time) }
    public var supply: SupplyStore { SupplyStore(database: database, time: time) }
    public var availability: AvailabilityStore { AvailabilityStore(database: database) }
    public var reservations: ReservationStore { ReservationStore(database: database, time: time) }
    public var apiKeys: APIKeyStore { APIKeyStore(database: database, time: time) }
    public var idempotency: IdempotencyStore { IdempotencyStore(database: database, time: time) }
    public var events: EventLog { EventLog(database: database) }
    public var orders: OrderStore { OrderStore(database: database, time: time) }
    public var customers: CustomerStore { CustomerStore(database: database, time: time) }
    public var fulfillmentOrders: FulfillmentOrderStore { FulfillmentOrderStore(database: database, time: time) }
    public var returns: ReturnStore { ReturnStore(database: database, time: time) }
    public var subscriptions: SubscriptionStore { SubscriptionStore(database: database, time: time) }
    public var alerts: AlertStore { AlertStore(database: database, time: time) }
    public var messages: MessageStore { MessageStore(database: database, time: time) }
    public var webhooks: WebhookStore { WebhookStore(database: database, time: time, secrets: secrets) }
    public var consistency: ConsistencyCheck { ConsistencyCheck(database: database) }
    public var staff: StaffStore { StaffStore(database: database, time: time, bcryptCost: bcryptCost) }
}
