import Crypto
import Foundation
import OrderlyCore

/// Random identifiers and secrets, and the hashes under which secrets are stored.
public enum Token {
    /// `bytes` random bytes from the system's CSPRNG, as lowercase hex.
    public static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// SHA-256 of a secret, hex. API keys carry 256 bits of entropy, so a fast hash suffices
    /// (there is nothing to brute-force); only this hash is ever stored.
    public static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}
