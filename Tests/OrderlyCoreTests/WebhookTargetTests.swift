import OrderlyCore
import Testing

@Suite("Webhook targets")
struct WebhookTargetTests {
    @Test func addressesParseInEveryTextForm() {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("::1")?.bytes == [UInt8](repeating: 0, count: 15) + [1])
        #expect(IPAddress("[2001:db8::1]")?.bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(IPAddress("::ffff:10.0.0.1")?.bytes == [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 0, 0, 1])
        #expect(IPAddress("fe80:0:0:0:0:0:0:1")?.bytes.prefix(2) == [0xfe, 0x80])
        for text in ["example.com", "256.1.1.1", "1.2.3", "127.1", "2130706433", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", "", "::g"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test func specialPurposeRangesAreNamed() {
        let cases: [(String, String?)] = [
            ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
            ("172.31.255.255", "private"), ("172.32.0.1", nil), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared (carrier-grade NAT)"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"), ("255.255.255.255", "reserved"), ("198.18.0.1", "benchmarking"),
            ("8.8.8.8", nil), ("93.184.216.34", nil), ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"),
            ("fc00::1", "unique-local"), ("fd12:3456::1", "unique-local"), ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"), ("64:ff9b::10.0.0.1", "private"), ("2001:db8::1", "documentation"),
            ("2606:4700::1111", nil),
        ]
        for (text, range) in cases {
            #expect(IPAddress(text)?.specialPurpose == range, "\(text)")
        }
    }

    @Test func urlsNamingInsideAddressesAreRefusedUnlessAllowed() throws {
        for url in [
            "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST./hook", "http://api.localhost/hook",
            "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "http://[::1]:9/hook", "http://[fd00::1]/hook",
            "https://[ff02::1]/hook",
        ] {
            let error = #expect(throws: OrderlyError.self, "\(url)") {
                try Webhook.validate(url: url, eventTypes: ["*"], secret: nil, allowPrivate: false)
            }
            #expect(error?.fieldErrors.map(\.field) == ["url"], "\(url)")
            #expect(error?.fieldErrors.first?.message.contains("ORDERLY_WEBHOOK_ALLOW_PRIVATE") == true)
            try Webhook.validate(url: url, eventTypes: ["*"], secret: nil, allowPrivate: true)
        }
        try Webhook.validate(url: "https://erp.example.com/hook", eventTypes: ["*"], secret: nil, allowPrivate: false)
        try Webhook.validate(url: "https://8.8.8.8/hook", eventTypes: ["*"], secret: nil, allowPrivate: false)
    }

    @Test func aNameIsJudgedOnEveryAddressItResolvesTo() throws {
        let public1 = try #require(IPAddress("8.8.8.8"))
        let inside = try #require(IPAddress("10.0.0.7"))
        #expect(Webhook.targetRefusal(host: "hooks.example.com", resolvedTo: [public1]) == nil)
        let refusal = Webhook.targetRefusal(host: "hooks.example.com", resolvedTo: [public1, inside])
        #expect(refusal?.contains("private address (hooks.example.com, which resolves to 10.0.0.7)") == true, "\(refusal ?? "")")
    }
}
