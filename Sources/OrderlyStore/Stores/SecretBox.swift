import Crypto
import Foundation
import SQLKit

/// Encrypts secrets Orderly must be able to read back (webhook signing secrets) before they
/// are stored: AES-256-GCM under `ORDERLY_SECRET_KEY`, so that a copy of the database (a
/// backup, a replica, a support dump) does not hand out the secrets that sign webhooks.
///
/// A stored value is `enc:v1:<key id>:<base64 of nonce, ciphertext and tag>`; the key id (the
/// first 8 hex digits of the key's SHA-256) says which key sealed it, so that after a rotation
/// the previous keys (`ORDERLY_SECRET_KEY_PREVIOUS`) still open what they sealed until
/// `orderly secrets rotate` has sealed every value again under the current key. A value
/// without the prefix is one stored before encryption (or without a key) and is read as it is.
public struct SecretBox: Sendable {
    /// A 256-bit key and its id.
    public struct Key: Sendable {
        let bytes: [UInt8]
        public let id: String
        var key: SymmetricKey { SymmetricKey(data: bytes) }

        /// 64 hex digits or the base64 of 32 bytes (`openssl rand -hex 32`); nil for anything else.
        public init?(_ text: String) {
            let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            var bytes: [UInt8]?
            if text.count == 64, text.allSatisfy(\.isHexDigit) {
                bytes = stride(from: 0, to: 64, by: 2).compactMap {
                    let start = text.index(text.startIndex, offsetBy: $0)
                    return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16)
                }
            } else if let data = Data(base64Encoded: text) {
                bytes = Array(data)
            }
            guard let bytes, bytes.count == 32 else { return nil }
            self.bytes = bytes
            id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Why a stored secret cannot be read.
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    static let prefix = "enc:v1:"

    /// The key that seals; nil stores secrets as they are (the server warns at start).
    public let current: Key?
    /// Keys that still open values sealed before a rotation.
    public let previous: [Key]

    public init(current: Key?, previous: [Key] = []) {
        self.current = current
        self.previous = previous
    }

    /// No key: secrets are stored and read as they are.
    public static let none = SecretBox(current: nil)

    /// `plain` sealed under the current key (as it is, without one).
    public func seal(_ plain: String) throws -> String {
        guard let current else { return plain }
        let sealed = try AES.GCM.seal(Data(plain.utf8), using: current.key)
        guard let combined = sealed.combined else { throw Unreadable(description: "AES-GCM gave no combined form") }
        return Self.prefix + current.id + ":" + combined.base64EncodedString()
    }

    /// The secret a stored value holds.
    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        let rest = stored.dropFirst(Self.prefix.count)
        let parts = rest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let data = Data(base64Encoded: String(parts[1])) else {
            throw Unreadable(description: "a stored secret is malformed")
        }
        let id = String(parts[0])
        guard let key = ([current].compactMap { $0 } + previous).first(where: { $0.id == id }) else {
            throw Unreadable(
                description: "a stored secret was sealed with key \(id), which is neither ORDERLY_SECRET_KEY nor in ORDERLY_SECRET_KEY_PREVIOUS")
        }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key.key), as: UTF8.self)
    }

    /// Whether `stored` is already sealed under the current key (nothing for a rotation to do).
    func isCurrent(_ stored: String) -> Bool {
        guard let current else { return !stored.hasPrefix(Self.prefix) }
        return stored.hasPrefix(Self.prefix + current.id + ":")
    }
}

extension SecretBox {
    /// Seals again under the current key every `secret` of `table` (keyed by `id`) that is
    /// sealed under a previous key or not sealed at all (`orderly secrets rotate`). Returns
    /// how many it sealed again and the ids of those no key opens (left unchanged).
    func reseal(_ db: any SQLDatabase, table: SQLQueryString) async throws -> (resealed: Int, unreadable: [String]) {
        var resealed = 0
        var unreadable: [String] = []
        for row in try await db.raw("SELECT id, secret FROM \(table) ORDER BY id\(db.forUpdate)").all() {
            let id = try row.string("id")
            let stored = try row.string("secret")
            guard !isCurrent(stored) else { continue }
            guard let plain = try? open(stored) else {
                unreadable.append(id)
                continue
            }
            try await db.raw("UPDATE \(table) SET secret = \(bind: try seal(plain)) WHERE id = \(bind: id)").run()
            resealed += 1
        }
        return (resealed, unreadable)
    }
}
