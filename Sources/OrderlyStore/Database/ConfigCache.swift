import Synchronization

/// Channels, locations and API keys — read on every order and request, changed rarely — kept
/// in memory for a second: three fewer statements per order.
///
/// A change made through this process clears the cache once it has committed (the stores call
/// `clear()`); a load that began before such a change is not kept. A change made by another
/// instance on the same database is seen here within `lifetime`.
final class ConfigCache: Sendable {
    private struct Entry {
        var value: any Sendable
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var generation = 0
        var entries: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    let lifetime: Duration
    /// Entries kept at most (only what exists is cached, so this bounds nothing an attacker picks).
    let capacity: Int

    init(lifetime: Duration = .seconds(1), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The value under `key`: from memory while fresh, otherwise from `load` (kept when found).
    func value<T: Sendable>(_ key: String, _ load: () async throws -> T?) async throws -> T? {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state -> (T?, Int) in
            guard let entry = state.entries[key], entry.expires > now else { return (nil, state.generation) }
            return (entry.value as? T, state.generation)
        }
        if let cached { return cached }
        guard let loaded = try await load() else { return nil }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll() }
            state.entries[key] = Entry(value: loaded, expires: now + lifetime)
        }
        return loaded
    }

    /// Forgets everything (after a change to channels, locations or keys has committed).
    func clear() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
        }
    }
}

extension Optional where Wrapped == ConfigCache {
    /// Through the cache when there is one.
    func value<T: Sendable>(_ key: String, _ load: () async throws -> T?) async throws -> T? {
        guard let cache = self else { return try await load() }
        return try await cache.value(key, load)
    }
}
