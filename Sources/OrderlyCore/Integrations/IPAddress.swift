import Foundation

/// An IPv4 or IPv6 address, parsed from its text form, and which of the special-purpose
/// ranges it falls in (RFC 6890): a webhook may reach only addresses in none of them, so
/// that an API key cannot make Orderly call into its own network (the loopback, a private
/// range, a cloud's link-local metadata service at 169.254.169.254).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses `192.0.2.1`, `2001:db8::1`, `::ffff:192.0.2.1` (with or without `[…]`); nil for
    /// anything else, host names included.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// Why this address is not a public one (`loopback`, `private`, `link-local`,
    /// `unique-local`, `multicast`, …), or nil when it is.
    public var specialPurpose: String? {
        if bytes.count == 4 { return Self.ipv4Range(bytes) }
        let prefix = Array(bytes[0..<12])
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
        if prefix == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] || prefix == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return Self.ipv4Range(Array(bytes[12..<16]))
        }
        if bytes == [UInt8](repeating: 0, count: 16) { return "unspecified" }
        if bytes == [UInt8](repeating: 0, count: 15) + [1] { return "loopback" }
        if prefix.allSatisfy({ $0 == 0 }) { return "IPv4-compatible" }
        switch (bytes[0], bytes[1]) {
        case (0xff, _): return "multicast"
        case (0xfe, let b) where b & 0xc0 == 0x80: return "link-local"
        case (0xfe, let b) where b & 0xc0 == 0xc0: return "site-local"
        case (let a, _) where a & 0xfe == 0xfc: return "unique-local"
        case (0x20, 0x01) where bytes[2] == 0x0d && bytes[3] == 0xb8: return "documentation"
        case (0x01, 0x00) where bytes[2..<8].allSatisfy({ $0 == 0 }): return "discard-only"
        default: return nil
        }
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    private static func ipv4Range(_ b: [UInt8]) -> String? {
        switch (b[0], b[1]) {
        case (0, _): "unspecified"
        case (10, _): "private"
        case (100, let x) where x & 0xc0 == 64: "shared (carrier-grade NAT)"
        case (127, _): "loopback"
        case (169, 254): "link-local"
        case (172, let x) where x & 0xf0 == 16: "private"
        case (192, 0) where b[2] == 0: "IETF protocol assignment"
        case (192, 0) where b[2] == 2: "documentation"
        case (192, 168): "private"
        case (198, let x) where x & 0xfe == 18: "benchmarking"
        case (198, 51) where b[2] == 100: "documentation"
        case (203, 0) where b[2] == 113: "documentation"
        case (let a, _) where a & 0xf0 == 224: "multicast"
        case (let a, _) where a & 0xf0 == 240: "reserved"
        default: nil
        }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":"), !text.contains(":::") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
