import Foundation

/// Proactive content negotiation (RFC 9110 §12.5.1): which of the representations an
/// operation has is the one the request's `Accept` header prefers, or none.
///
/// A header that cannot be read at all is treated as absent (the RFC lets a server ignore
/// it), so a client that sends a malformed value still gets the documented representation
/// instead of an error; a readable header that rules out everything the operation has is
/// answered 406 by `ContentNegotiationMiddleware`.
struct ContentNegotiation: Equatable, Sendable {
    /// One media range of an `Accept` header: `type/subtype` (either may be `*`) and its weight.
    struct MediaRange: Equatable, Sendable {
        var type: String
        var subtype: String
        var quality: Double

        /// Parses one comma-separated member (`text/html;level=1;q=0.8`); nil when malformed.
        init?(_ text: Substring) {
            var parts = text.split(separator: ";", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard !parts.isEmpty else { return nil }
            let range = parts.removeFirst().split(separator: "/", omittingEmptySubsequences: false)
            guard range.count == 2, let type = range.first.map(String.init), let subtype = range.last.map(String.init),
                Self.isToken(type), Self.isToken(subtype), type != "*" || subtype == "*"
            else { return nil }
            var quality = 1.0
            for parameter in parts where !parameter.isEmpty {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, Self.isToken(pair[0]) else { return nil }
                if pair[0] == "q" {
                    guard let value = Double(pair[1]), (0...1).contains(value) else { return nil }
                    quality = value
                }
            }
            self.type = type
            self.subtype = subtype
            self.quality = quality
        }

        /// How specifically this range names `mediaType` (3 exact, 2 `type/*`, 1 `*/*`), or nil.
        func specificity(for mediaType: String) -> Int? {
            let parts = mediaType.lowercased().split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            if type == "*" { return 1 }
            guard type == parts[0] else { return nil }
            if subtype == "*" { return 2 }
            return subtype == parts[1] ? 3 : nil
        }

        private static func isToken(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && !"()<>@,;:\\\"/[]?={} \t".unicodeScalars.contains($0) }
        }
    }

    /// The header's readable media ranges; nil when the header is absent or none is readable.
    let ranges: [MediaRange]?

    init(accept: String?) {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else {
            ranges = nil
            return
        }
        let parsed = accept.split(separator: ",").compactMap(MediaRange.init)
        ranges = parsed.isEmpty ? nil : parsed
    }

    /// The weight the header gives `mediaType`: that of the most specific range naming it, 0 if none does.
    func quality(of mediaType: String) -> Double {
        guard let ranges else { return 1 }
        var best = (specificity: 0, quality: 0.0)
        for range in ranges {
            if let specificity = range.specificity(for: mediaType), specificity > best.specificity {
                best = (specificity, range.quality)
            }
        }
        return best.quality
    }

    /// The one of `offered` the header weighs most (the first offered on a tie, so that the
    /// spec's first representation is the default).
    func preferred(among offered: [String]) -> String? {
        var best: (type: String, quality: Double)?
        for type in offered {
            let weight = quality(of: type)
            if weight > (best?.quality ?? 0) { best = (type, weight) }
        }
        return best?.type
    }

    /// Whether the request takes one of `offered` (an operation that answers with no body
    /// offers none and satisfies any header).
    func accepts(anyOf offered: [String]) -> Bool {
        offered.isEmpty || offered.contains { quality(of: $0) > 0 }
    }
}
