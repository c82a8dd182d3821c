import Logging
import ServiceLifecycle

/// A background job run every `interval` until graceful shutdown: releasing expired
/// reservations, routing released pre-orders. Each job's work is safe to run in every server
/// instance at once (the store claims rows so that none is done twice).
struct PeriodicJob: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    /// One round of work; returns how much it did, for the log.
    let work: @Sendable () async throws -> Int

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let done = try await work()
                    if done > 0 { logger.info("background job did work", metadata: ["job": "\(name)", "count": "\(done)"]) }
                } catch {
                    logger.error("background job failed", metadata: ["job": "\(name)", "error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
