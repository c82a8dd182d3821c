import Crypto
import Foundation

/// The `Orderly-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// Receivers recompute it over the raw body and compare in constant time; the timestamp
/// lets them refuse old replays.
public enum WebhookSignature {
    public static let headerName = "Orderly-Signature"

    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(mac(secret: secret, timestamp: timestamp, body: body)))"
    }

    /// Whether `header` signs `body` with `secret` and was made within `tolerance` of `now`.
    public static func verify(header: String, secret: String, body: [UInt8], now: Date, tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let key = SymmetricKey(data: Array(secret.utf8))
        let signed = Array("\(timestamp).".utf8) + body
        return signatures.contains { candidate in
            guard let bytes = bytes(hex: candidate) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: signed, using: key)
        }
    }

    static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: Array(secret.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: key))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(bytes)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
