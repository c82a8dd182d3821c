/// A shelf counted at a store with a handheld: each line a scanned unit (`HAT-BEANIE`) or a
/// sku and how many (`HAT-BEANIE 4`, also `HAT-BEANIE x4`), in any order, a sku on several
/// lines added up. What it gives is a count per sku at one location, checked against the
/// levels and recorded as an inventory snapshot (ledger reason `count`).
public enum ShelfCount {
    /// Most lines a count takes (a shelf, not a warehouse).
    public static let maxLines = 2000

    /// The counted units per sku, in the order the skus were first seen, each row naming the
    /// first line it came from; every bad line named (`scans` line N).
    public static func rows(_ text: String, at location: LocationID) throws(OrderlyError) -> [StockSnapshotCSV.Row] {
        var v = Validator()
        var rows: [StockSnapshotCSV.Row] = []
        var index: [SKU: Int] = [:]
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        v.check(lines.count <= maxLines, "scans", "must hold at most \(maxLines) lines")
        for (offset, raw) in lines.enumerated() where lines.count <= maxLines {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == ";" }).map(String.init)
            guard let first = words.first else { continue }
            let field = "scans line \(offset + 1)"
            var units: Int64 = 1
            if words.count == 2 {
                let count = words[1].hasPrefix("x") || words[1].hasPrefix("×") ? String(words[1].dropFirst()) : words[1]
                guard let value = Int64(count), (0...Limits.maxQuantity).contains(value) else {
                    v.add(field, "'\(words[1])' is not a count of units")
                    continue
                }
                units = value
            } else if words.count > 2 {
                v.add(field, "is a sku and at most one count, such as HAT-BEANIE 4")
                continue
            }
            let sku = SKU(first)
            if let at = index[sku] {
                rows[at].onHand = min(rows[at].onHand + units, Limits.maxQuantity)
            } else {
                index[sku] = rows.count
                rows.append(.init(line: offset + 1, sku: sku, locationId: location, onHand: units))
            }
        }
        v.check(!rows.isEmpty || !v.errors.isEmpty, "scans", "scan or type at least one sku")
        try v.validate()
        return rows
    }
}
