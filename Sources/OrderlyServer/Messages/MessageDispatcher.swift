import Logging
import Mustache
import OrderlyCore
import OrderlyStore
import ServiceLifecycle

/// Renders a message template: plain text (nothing HTML-escaped), values from `MessageValues`.
enum MessageRenderer {
    /// Checks that `text` parses; the error names `field` and what the parser said.
    static func check(_ text: String, field: String) throws(OrderlyError) {
        do { _ = try MustacheTemplate(string: text) } catch { throw OrderlyError.invalid(field, "is not a valid mustache template: \(error)") }
    }

    /// `parsed` keeps the templates parsed so far: a round renders many messages from few templates.
    static func render(
        _ template: MessageTemplate, _ values: MessageValues, parsed: inout [String: MustacheTemplate]
    ) throws -> (
        subject: String, body: String
    ) {
        let dictionary = values.dictionary
        func render(_ text: String) throws -> String {
            if parsed[text] == nil { parsed[text] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text) }
            return parsed[text]?.render(dictionary) ?? ""
        }
        let subject = try render(template.subject).split(whereSeparator: \.isNewline).joined(separator: " ")
        return (subject, try render(template.body))
    }
}

/// Sends customer messages from the outbox, off the request path: each round claims due
/// messages (leased, so no other instance sends them meanwhile), renders each with its
/// channel's template and language, sends it over SMTP (or, without `ORDERLY_SMTP_URL`,
/// records it), and records the outcome on the order's timeline.
public struct MessageDispatcher: Service {
    let store: MessageStore
    let smtp: SMTPSettings?
    let policy: MessageRetryPolicy
    let timeout: Duration
    let pollInterval: Duration
    let logger: Logger
    /// Messages claimed, rendered and sent at once per round; their outcomes are recorded together.
    let batchSize = 64

    public init(
        store: MessageStore, smtp: SMTPSettings?, policy: MessageRetryPolicy = .init(), timeout: Duration = .seconds(30),
        pollInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.store = store
        self.smtp = smtp
        self.policy = policy
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var busy = false
                do {
                    busy = try await runOnce() > 0
                } catch {
                    logger.error("message round failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !busy { try? await Task.sleep(for: pollInterval) }
            }
        }
    }

    /// One round; returns how many messages it took.
    @discardableResult
    public func runOnce() async throws -> Int {
        let jobs = try await store.claim(limit: batchSize, lease: timeout * 3)
        // Rendered here, each template parsed once; then sent at once.
        var parsed: [String: MustacheTemplate] = [:]
        let rendered = jobs.map { job in
            (job: job, words: Result { try MessageRenderer.render(job.template, job.values, parsed: &parsed) })
        }
        let outcomes = await withTaskGroup(of: (job: MessageStore.Job, outcome: MessageStore.Outcome).self) { group in
            for (job, words) in rendered { group.addTask { (job, await deliver(job, words)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        do {
            try await store.record(outcomes, policy: policy)
        } catch {
            // Unrecorded, the messages are claimed again when their lease ends (sent at least once).
            logger.error("recording messages failed", metadata: ["count": "\(outcomes.count)", "error": "\(String(reflecting: error))"])
        }
        return jobs.count
    }

    func deliver(_ job: MessageStore.Job, _ words: Result<(subject: String, body: String), any Error>) async -> MessageStore.Outcome {
        let outcome: MessageStore.Outcome
        do {
            if let recipient = job.recipient {
                let (subject, body) = try words.get()
                if let smtp {
                    try await SMTPClient(settings: smtp, timeout: timeout).send(Mail(to: recipient, subject: subject, body: body, messageId: job.id))
                    outcome = .sent(subject: subject, body: body)
                } else {
                    outcome = .recorded(subject: subject, body: body)
                }
            } else {
                outcome = .skipped
            }
        } catch {
            logger.warning("message not sent", metadata: ["message": "\(job.id)", "attempt": "\(job.attempt)", "error": "\(error)"])
            outcome = .failed(String(describing: error))
        }
        return outcome
    }
}
