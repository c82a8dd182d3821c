import Logging
import OrderlyStore
import ServiceLifecycle

/// Releases expired checkout reservations every `interval`. Safe to run in every instance:
/// the store claims each reservation once (SKIP LOCKED plus a status-conditional update).
struct ReservationExpiryService: Service {
    let reservations: ReservationStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    var released = 0
                    repeat {
                        released = try await reservations.expireDue(limit: 200)
                        if released > 0 { logger.info("released expired reservations", metadata: ["count": "\(released)"]) }
                    } while released == 200 && !Task.isCancelled
                } catch {
                    logger.error("reservation expiry failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
