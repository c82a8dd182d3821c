/// Parses the inventory snapshot CSV (`sku,locationId,onHand`) one line at a time, so that a
/// large upload can be streamed. A header line is optional; blank lines are skipped; fields
/// may be quoted (`"SKU,1"`). Every bad line is reported with its number.
public struct StockSnapshotCSV: Sendable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var sku: SKU
        public var locationId: LocationID
        public var onHand: Int64
    }

    public private(set) var rows: [Row] = []
    public private(set) var errors: [OrderlyError.FieldError] = []
    private var lineNumber = 0
    private var pending: [UInt8] = []
    private var seen: [String: Int] = [:]

    /// The most errors kept; a file that is wrong everywhere needs no million-line answer.
    public static let maxErrors = 100

    public init() {}

    /// Feeds the next bytes of the upload; complete lines are parsed at once.
    public mutating func consume(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                parseLine(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
    }

    /// Parses what is left after the last newline and returns the rows, or throws
    /// `validation_failed` naming every bad line (nothing may be applied then).
    public mutating func finish() throws(OrderlyError) -> [Row] {
        if !pending.isEmpty {
            parseLine(pending)
            pending.removeAll()
        }
        if errors.isEmpty && rows.isEmpty {
            errors.append(.init(field: "body", message: "holds no rows; expected lines of sku,locationId,onHand"))
        }
        if !errors.isEmpty { throw OrderlyError.validation(errors) }
        return rows
    }

    private mutating func fail(_ message: String) {
        if errors.count < Self.maxErrors { errors.append(.init(field: "line \(lineNumber)", message: message)) }
    }

    private mutating func parseLine(_ raw: [UInt8]) {
        lineNumber += 1
        var bytes = raw[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return fail("is not valid UTF-8") }
        if text.trimmingWhitespace.isEmpty { return }
        guard let fields = Self.fields(of: text) else { return fail("has an unterminated quoted field") }
        let trimmed = fields.map { String($0.trimmingWhitespace) }
        if lineNumber == 1, trimmed.map({ $0.lowercased() }) == ["sku", "locationid", "onhand"] { return }
        guard trimmed.count == 3 else { return fail("has \(trimmed.count) fields; expected sku,locationId,onHand") }
        guard let onHand = Int64(trimmed[2]) else { return fail("onHand '\(trimmed[2])' is not a whole number") }
        addRow(sku: trimmed[0], locationId: trimmed[1], onHand: onHand)
    }

    /// Adds the next row of a snapshot sent as JSON (`{sku, locationId, onHand}` entries):
    /// the same checks as a CSV line, with the entry's 1-based position as its line.
    public mutating func add(sku: String, locationId: String, onHand: Int64) {
        lineNumber += 1
        addRow(sku: sku, locationId: locationId, onHand: onHand)
    }

    private mutating func addRow(sku: String, locationId: String, onHand: Int64) {
        var v = Validator()
        v.identifier(sku, "sku")
        v.identifier(locationId, "locationId")
        v.quantity(onHand, "onHand", allowZero: true)
        for error in v.errors { fail("\(error.field) \(error.message)") }
        guard v.errors.isEmpty else { return }
        let key = sku + "\u{0}" + locationId
        if let first = seen[key] {
            return fail("repeats \(sku) at \(locationId) from line \(first)")
        }
        seen[key] = lineNumber
        rows.append(Row(line: lineNumber, sku: SKU(sku), locationId: LocationID(locationId), onHand: onHand))
    }

    /// Splits one CSV line into fields (RFC 4180 quoting within a line); `nil` if a quote is left open.
    static func fields(of line: String) -> [Substring]? {
        var fields: [Substring] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var lookahead: Character? = nil
        while let c = lookahead ?? iterator.next() {
            lookahead = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        current.append("\"")
                    } else {
                        inQuotes = false
                        lookahead = next
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                fields.append(Substring(current))
                current = ""
            } else {
                current.append(c)
            }
        }
        if inQuotes { return nil }
        fields.append(Substring(current))
        return fields
    }
}
