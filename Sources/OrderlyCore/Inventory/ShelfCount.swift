/// Units read by a handheld: each line a scanned unit (`HAT-BEANIE`) or a sku and how many
/// (`HAT-BEANIE 4`, also `HAT-BEANIE x4`), in any order, a sku on several lines added up.
public enum ScannedUnits {
    /// Most lines a scan takes (a shelf or a parcel, not a warehouse).
    public static let maxLines = 2000

    /// The units per sku, in the order the skus were first seen, each with the first line it
    /// came from; every bad line named (`scans line N`).
    public static func parse(_ text: String) throws(OrderlyError) -> [(sku: SKU, units: Int64, line: Int)] {
        var v = Validator()
        var found: [(sku: SKU, units: Int64, line: Int)] = []
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
                found[at].units = min(found[at].units + units, Limits.maxQuantity)
            } else {
                index[sku] = found.count
                found.append((sku, units, offset + 1))
            }
        }
        v.check(!found.isEmpty || !v.errors.isEmpty, "scans", "scan or type at least one sku")
        try v.validate()
        return found
    }
}

/// A shelf counted at a store with a handheld (`ScannedUnits`): a count per sku at one
/// location, checked against the levels and recorded as an inventory snapshot (ledger reason
/// `count`).
public enum ShelfCount {
    public static func rows(_ text: String, at location: LocationID) throws(OrderlyError) -> [StockSnapshotCSV.Row] {
        try ScannedUnits.parse(text).map { .init(line: $0.line, sku: $0.sku, locationId: location, onHand: $0.units) }
    }
}

extension FulfillmentOrder {
    /// The units scanned into a parcel as a shipment of this order's lines: each sku's units
    /// fill its open lines in order. A sku not on the order, or more units than are still to
    /// ship, is refused naming the scan's line.
    public func shipment(scanned text: String) throws(OrderlyError) -> [(orderLine: Int, quantity: Int64)] {
        var open = lines.map { (orderLine: $0.orderLine, sku: $0.sku, left: $0.quantity - $0.fulfilledQuantity) }
        var shipped: [(orderLine: Int, quantity: Int64)] = []
        var v = Validator()
        for scan in try ScannedUnits.parse(text) where scan.units > 0 {
            var units = scan.units
            for index in open.indices where open[index].sku == scan.sku && open[index].left > 0 && units > 0 {
                let taken = min(units, open[index].left)
                open[index].left -= taken
                units -= taken
                shipped.append((open[index].orderLine, taken))
            }
            if units > 0 {
                let onOrder = lines.contains { $0.sku == scan.sku }
                v.add(
                    "scans line \(scan.line)",
                    onOrder ? "\(units) more \(scan.sku) than are still to ship" : "\(scan.sku) is not on fulfillment order \(id)")
            }
        }
        v.check(!shipped.isEmpty || !v.errors.isEmpty, "scans", "scan at least one unit to ship")
        try v.validate()
        return shipped
    }
}
