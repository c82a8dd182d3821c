import Foundation
import NIOSSL

/// A private certificate authority and a server certificate it signed for 127.0.0.1 (valid to
/// 2126), made with openssl for the STARTTLS tests only: the key guards nothing.
enum TestCertificates {
    static let authority = """
        -----BEGIN CERTIFICATE-----
        MIIBnDCCAUGgAwIBAgIUGL0PvLD5PKtOuqTxnB/bmnoEiygwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPT3JkZXJseSB0ZXN0IENBMCAXDTI2MTIwNTA5MDUzOVoYDzIx
        MjYxMTExMDkwNTM5WjAaMRgwFgYDVQQDDA9PcmRlcmx5IHRlc3QgQ0EwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAATRTNyO3A1zSFk4s8NAIoMUWQevTNk9UXN5zts3
        ilk7e4MIJG1zpuhpmcjB2U3kVxTnQiA7cn4R11n6D2u3Vwfmo2MwYTAdBgNVHQ4E
        FgQUaMgpmQt5/ZabFXdxur5/Wj4rp5MwHwYDVR0jBBgwFoAUaMgpmQt5/ZabFXdx
        ur5/Wj4rp5MwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZI
        zj0EAwIDSQAwRgIhAKToumvK/b08RpJCRetvtELk76yXfNSI0eVcx9DZhQioAiEA
        idAH1hFaDrxK/RByekhIRMAyGSIAJr0banvjq5CFs6Y=
        -----END CERTIFICATE-----
        """

    static let server = """
        -----BEGIN CERTIFICATE-----
        MIIBvjCCAWWgAwIBAgIUPgG3ZXl1X5++RIe2jpbozChRkHMwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPT3JkZXJseSB0ZXN0IENBMCAXDTI2MTIwNTA5MDUzOVoYDzIx
        MjYxMTExMDkwNTM5WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIB
        BggqhkjOPQMBBwNCAARPUJfjfrcIUXPcnJk9KNcRXic5dk7BsfGWqJM7OnWRKG1V
        ypzPvKAGvNW8WfF4QtpuFm1zarQVSj34NRN2GbVIo4GMMIGJMBoGA1UdEQQTMBGH
        BH8AAAGCCWxvY2FsaG9zdDAJBgNVHRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMB
        MAsGA1UdDwQEAwIHgDAdBgNVHQ4EFgQU1SZi+RKYOt40lbxpMMDwr1CKI7YwHwYD
        VR0jBBgwFoAUaMgpmQt5/ZabFXdxur5/Wj4rp5MwCgYIKoZIzj0EAwIDRwAwRAIg
        bAyI6mc3mb25+q/YgVYDOh0vr2JwAXYHBF0UurG7O+QCIGGnwCKUIaZt1fgZvXZh
        cLKObEi0kbPK4ViV6Xu6BdzH
        -----END CERTIFICATE-----
        """

    static let serverKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgo73OdreCYFXO+d3w
        mQDMZEtBfSbX/s7Z3XsJAdyn8NKhRANCAARPUJfjfrcIUXPcnJk9KNcRXic5dk7B
        sfGWqJM7OnWRKG1VypzPvKAGvNW8WfF4QtpuFm1zarQVSj34NRN2GbVI
        -----END PRIVATE KEY-----
        """

    /// The TLS context of a test SMTP server presenting `server`.
    static func serverContext() throws -> NIOSSLContext {
        try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: [.certificate(NIOSSLCertificate(bytes: Array(server.utf8), format: .pem))],
                privateKey: .privateKey(NIOSSLPrivateKey(bytes: Array(serverKey.utf8), format: .pem))))
    }

    /// `authority` in a file, as `ORDERLY_SMTP_CA_FILE` names one.
    static func authorityFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-test-ca-\(UUID().uuidString).pem").path
        try authority.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
