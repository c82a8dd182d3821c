import Foundation
import Testing

@testable import OrderlyServer

@Suite("Back office templates")
struct BackOfficeTemplateTests {
    /// Every template file is registered, and every name a page renders is one: a name missing
    /// from `WebUI.templates` renders an empty page with 200 (the take-back page once did).
    @Test func everyRenderedTemplateIsRegistered() throws {
        let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/OrderlyServer/Web")
        let files = try FileManager.default.contentsOfDirectory(atPath: web.appendingPathComponent("Templates").path)
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
        let registered = Set(WebUI.templates.map(\.name))
        #expect(Set(files) == registered)
        var rendered: Set<String> = []
        for source in try FileManager.default.contentsOfDirectory(atPath: web.path) where source.hasSuffix(".swift") {
            let text = try String(contentsOf: web.appendingPathComponent(source), encoding: .utf8)
            for match in text.matches(of: /render\(\s*"([a-z-]+)"/) { rendered.insert(String(match.1)) }
        }
        #expect(!rendered.isEmpty && rendered.isSubset(of: registered), "not registered: \(rendered.subtracting(registered).sorted())")
    }
}

/// Every status a page shows is words a person reads.
@Suite("Words for people")
struct WordsTests {
    @Test func codesReadAsWords() {
        #expect(Words.phrase("awaiting_stock") == "Awaiting stock" && Words.phrase("ready_for_pickup") == "Ready for pickup")
        #expect(Words.phrase("partiallyFulfilled") == "Partially fulfilled" && Words.phrase("carryOut") == "Counter sale")
        #expect(Words.phrase("order.created") == "order.created", "event types stay as integrations name them")
        let values = WebUI.addingWords(["status": "on_hold", "lines": [["status": "open", "sku": "A"]], "holds": [["source": "payment"]]])
        #expect(values["statusText"] as? String == "On hold")
        #expect((values["lines"] as? [[String: Any]])?.first?["statusText"] as? String == "Open")
        #expect((values["holds"] as? [[String: Any]])?.first?["sourceText"] as? String == "Payment")
    }
}
