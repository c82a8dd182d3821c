import OrderlyStore

extension Engine {
    /// Every store test runs on both engines.
    static let all: [Engine] = Engine.allCases
}
