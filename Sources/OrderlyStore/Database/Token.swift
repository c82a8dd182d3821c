import Crypto
import Foundation
import OrderlyCore

/// Random identifiers and secrets, and the hashes under which secrets are stored.
public enum Token {
    /// `bytes` random bytes from the system's CSPRNG, as lowercase hex.
    ///
    /// Eight bytes per draw: each draw is a `getrandom` call, and a byte per draw made ids
    /// cost 3 % of the SQLite writer's time under load.
    public static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var drawn: [UInt8] = []
        drawn.reserveCapacity(bytes + 7)
        while drawn.count < bytes {
            withUnsafeBytes(of: generator.next() as UInt64) { drawn.append(contentsOf: $0) }
        }
        return Hex.encode(drawn.prefix(bytes))
    }

    /// SHA-256 of a secret, hex. API keys carry 256 bits of entropy, so a fast hash suffices
    /// (there is nothing to brute-force); only this hash is ever stored.
    public static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}
