import Foundation
import NIOPosix
import OrderlyCore

#if canImport(Glibc)
import Glibc
#endif

/// Where webhooks may go: public addresses only, unless the server runs with
/// `ORDERLY_WEBHOOK_ALLOW_PRIVATE=true`. A URL naming an address is judged by Core
/// (`Webhook.targetRefusal`); a host name is resolved and judged on every address it
/// resolves to, when the webhook is saved and again before every delivery, and the delivery
/// then connects to the address that was checked (`pin`), so a name that resolves to a public
/// address when checked and to an inside one a moment later (DNS rebinding) cannot lead in.
public struct WebhookTargets: Sendable {
    public var allowPrivate: Bool

    public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

    /// A delivery target refused, with the reason.
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// A host name that resolves to nothing (now).
    struct Unresolvable: Error, CustomStringConvertible {
        var host: String
        var description: String { "\(host) does not resolve" }
    }

    /// Why a webhook may not be saved with `url`, or nil: the delivery's check (`pin`), except
    /// that a host that does not resolve now is accepted (DNS may not be set up yet; every
    /// delivery checks it again) and a URL without a host is left to Core's validation.
    func refusal(forSaving url: String) async -> String? {
        guard URLComponents(string: url)?.host?.isEmpty == false else { return nil }
        do {
            _ = try await pin(url)
            return nil
        } catch is Unresolvable {
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// For a delivery to `url`: the host name and the checked address to connect to instead of
    /// resolving the name again (nil: no pinning needed, the URL names an address or private
    /// targets are allowed). Throws `Refused` for a target that may not be reached.
    func pin(_ url: String) async throws -> (host: String, address: IPAddress)? {
        guard !allowPrivate else { return nil }
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { throw Refused(description: "the URL has no host") }
        if let refusal = Webhook.targetRefusal(host: host) { throw Refused(description: refusal) }
        if IPAddress(host) != nil { return nil }
        let addresses = try await Self.resolve(host)
        if let refusal = Webhook.targetRefusal(host: host, resolvedTo: addresses) { throw Refused(description: refusal) }
        guard let first = addresses.first else { throw Unresolvable(host: host) }
        return (host, first)
    }

    /// Every address `host` resolves to (getaddrinfo, off the event loops).
    static func resolve(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let list else { throw Unresolvable(host: host) }
            defer { freeaddrinfo(list) }
            var addresses: [IPAddress] = []
            var entry: UnsafeMutablePointer<addrinfo>? = list
            while let current = entry {
                if let socketAddress = current.pointee.ai_addr {
                    switch Int32(current.pointee.ai_family) {
                    case AF_INET:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                    case AF_INET6:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                    default:
                        break
                    }
                }
                entry = current.pointee.ai_next
            }
            var seen = Set<IPAddress>()
            return addresses.filter { seen.insert($0).inserted }
        }
    }
}
