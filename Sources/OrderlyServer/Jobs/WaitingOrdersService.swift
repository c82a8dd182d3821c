import Logging
import OrderlyStore
import ServiceLifecycle

/// Routes pre-order lines once their release date has passed, every `interval`.
struct WaitingOrdersService: Service {
    let orders: OrderStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let units = try await orders.allocateWaiting()
                    if units > 0 { logger.info("allocated released pre-orders", metadata: ["units": "\(units)"]) }
                } catch {
                    logger.error("pre-order release failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
