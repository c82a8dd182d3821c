import OrderlyCore
import Testing

@Suite("Snapshot CSV")
struct StockSnapshotCSVTests {
    func parse(_ text: String, chunk: Int = 3) throws -> [StockSnapshotCSV.Row] {
        var parser = StockSnapshotCSV()
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunk) { parser.consume(bytes[start..<min(start + chunk, bytes.count)]) }
        return try parser.finish()
    }

    @Test func parsesAcrossChunkBoundariesWithHeaderQuotesAndCRLF() throws {
        let rows = try parse("\u{FEFF}sku,locationId,onHand\r\n\"SKU-1\",\"WH-1\",5\r\n\nSKU-2, WH-1 ,0")
        #expect(rows.map(\.sku) == ["SKU-1", "SKU-2"])
        #expect(rows.map(\.locationId) == ["WH-1", "WH-1"])
        #expect(rows.map(\.onHand) == [5, 0])
        #expect(rows.map(\.line) == [2, 4])
    }

    @Test func namesEveryBadLine() {
        let error = #expect(throws: OrderlyError.self) {
            try parse("A,L,1\nB,L\nC,L,-2\nD,L,x\n\"E,L,1\nA,L,3\n")
        }
        #expect(error?.fieldErrors.map(\.field) == ["line 2", "line 3", "line 4", "line 5", "line 6"])
    }

    @Test func anEmptyFileIsRefused() {
        #expect(throws: OrderlyError.self) { try parse("sku,locationId,onHand\n") }
    }
}
