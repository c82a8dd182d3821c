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
