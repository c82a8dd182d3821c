import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import OrderlyAPI
import OrderlyStore
import Prometheus
import ServiceLifecycle

/// Builds the Orderly application: used by `orderly serve` and by the tests.
public func buildApplication(
    configuration: ServerConfiguration, stores: Stores, logger: Logger,
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), runsBackgroundJobs: Bool = true
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, stores: stores, metrics: metrics)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Orderly"),
        services: runsBackgroundJobs ? backgroundServices(configuration: configuration, stores: stores, logger: logger) : [],
        logger: logger)
}

/// The jobs every instance runs beside the HTTP server: expiries, timeouts, alerts, the
/// customer messages' sender (unless `sendsMessages` is off) and the webhooks' dispatcher.
func backgroundServices(configuration: ServerConfiguration, stores: Stores, logger: Logger) -> [any Service] {
    var services: [any Service] = []
    let reservations = stores.reservations
    let orders = stores.orders
    services.append(
        PeriodicJob(name: "reservation-expiry", interval: configuration.expiryInterval, logger: logger) {
            var total = 0
            var released = 0
            repeat {
                released = try await reservations.expireDue(limit: 200)
                total += released
            } while released == 200 && !Task.isCancelled
            return total
        })
    services.append(
        PeriodicJob(name: "pre-order-release", interval: .seconds(60), logger: logger) {
            try await orders.allocateWaiting()
        })
    let payments = stores.payments
    services.append(
        PeriodicJob(name: "unpaid-orders", interval: .seconds(60), logger: logger) {
            try await payments.cancelUnpaid()
        })
    let workflowOrders = stores.orders
    services.append(
        PeriodicJob(name: "workflow-timeouts", interval: .seconds(60), logger: logger) {
            try await workflowOrders.runDueStages()
        })
    let subscriptions = stores.subscriptions
    services.append(
        PeriodicJob(name: "subscriptions", interval: .seconds(60), logger: logger) {
            try await subscriptions.runDue()
        })
    let fulfillment = stores.fulfillmentOrders
    let days = configuration.pickupExpiryDays
    services.append(
        PeriodicJob(name: "uncollected-pickups", interval: .seconds(300), logger: logger) {
            try await fulfillment.expireUncollectedPickups(olderThanDays: days)
        })
    let alerts = stores.alerts
    services.append(
        PeriodicJob(name: "alerts", interval: .seconds(60), logger: logger) {
            try await alerts.raiseDue()
        })
    if configuration.sendsMessages {
        services.append(
            MessageDispatcher(store: stores.messages, smtp: configuration.smtp, pollInterval: configuration.messagePollInterval, logger: logger))
    }
    services.append(
        WebhookDispatcher(
            store: stores.webhooks, policy: configuration.webhookRetry, timeout: configuration.webhookTimeout,
            pollInterval: configuration.webhookPollInterval, targets: WebhookTargets(allowPrivate: configuration.webhookAllowPrivate),
            logger: logger))
    return services
}

/// The router with every middleware and every OpenAPI operation registered.
public func buildRouter(
    configuration: ServerConfiguration, stores: Stores, metrics: PrometheusCollectorRegistry
) throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    let openAPIJSON = try OpenAPIJSON()
    let representations = try Representations(openAPIJSON: openAPIJSON.data)
    router.addMiddleware {
        ProblemMiddleware()
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
        ContentNegotiationMiddleware(representations: representations)
        BodyLimitMiddleware(maxBodyBytes: configuration.maxBodyBytes, maxImportBytes: configuration.maxImportBytes)
        AuthMiddleware(keys: stores.apiKeys, providers: stores.paymentProviders, time: stores.time, maxBodyBytes: configuration.maxBodyBytes)
        RateLimitMiddleware(perSecond: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        IdempotencyMiddleware(
            store: stores.idempotency, maxBodyBytes: configuration.maxBodyBytes, lease: configuration.idempotencyLease,
            wait: configuration.idempotencyWait)
    }
    let api = OrderlyAPIService(
        stores: stores, metrics: metrics, openAPIJSON: openAPIJSON, maxImportBytes: configuration.maxImportBytes,
        webhookTargets: WebhookTargets(allowPrivate: configuration.webhookAllowPrivate))
    // Compact JSON with sorted keys (deterministic): pretty-printing every answer cost CPU and
    // a third more bytes; `jq` is there for people.
    try api.registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.sortedKeys]))
    try WebUI(stores: stores, secureCookies: configuration.secureCookies, seller: configuration.seller, timeZone: configuration.timeZone).register(
        on: router)
    return router
}
