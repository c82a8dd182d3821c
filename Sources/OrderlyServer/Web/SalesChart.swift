import Foundation
import OrderlyCore

/// The reports page's chart, drawn on the server as SVG (no JavaScript): for each day a bar
/// of net sales stacked by channel, and below the axis a bar of what credit notes gave back.
enum SalesChart {
    static let palette = ["#2f6fde", "#1f9d6b", "#d98a1c", "#8a5cd1", "#c2416b", "#4a8fa8"]

    /// `rows` grouped `.dayAndChannel` over `days` (oldest first), in one currency.
    static func svg(_ rows: [SalesReport.Row], days: [String], currency: CurrencyCode) -> (svg: String, legend: [(channel: String, color: String)]) {
        let channels = Array(Set(rows.map { channel(of: $0.key) })).sorted()
        let color = Dictionary(uniqueKeysWithValues: channels.enumerated().map { ($1, palette[$0 % palette.count]) })
        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let top = max(1, days.map { day in channels.reduce(Int64(0)) { $0 + (byKey[day + " " + $1]?.net ?? 0) } }.max() ?? 1)
        let mostRefunded = days.map { day in channels.reduce(Int64(0)) { $0 + (byKey[day + " " + $1]?.refunds ?? 0) } }.max() ?? 0
        let bottom = max(1, mostRefunded)
        let (width, up, down, left) = (760.0, 200.0, 60.0, 60.0)
        let slot = (width - left) / Double(max(1, days.count))
        var parts: [String] = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(up + down + 30))" role="img" aria-label="Net sales per day by channel, and refunds">"##,
            ##"<line x1="\##(left)" y1="\##(up)" x2="\##(width)" y2="\##(up)" stroke="#9aa4b2"/>"##,
            ##"<text x="4" y="14" font-size="11" fill="#5b6675">\##(escape(currency.format(top)))</text>"##,
        ]
        if mostRefunded > 0 {
            parts.append(##"<text x="4" y="\##(up + down)" font-size="11" fill="#c2416b">−\##(escape(currency.format(bottom)))</text>"##)
        }
        for (i, day) in days.enumerated() {
            let x = left + Double(i) * slot + slot * 0.15
            let w = slot * 0.7
            var y = up
            for channel in channels {
                let net = byKey[day + " " + channel]?.net ?? 0
                guard net > 0 else { continue }
                let h = up * Double(net) / Double(top)
                y -= h
                parts.append(
                    ##"<rect x="\##(x)" y="\##(y)" width="\##(w)" height="\##(h)" fill="\##(color[channel] ?? "#999")"><title>\##(escape("\(day) \(channel): \(currency.format(net))"))</title></rect>"##
                )
            }
            let refunds = channels.reduce(Int64(0)) { $0 + (byKey[day + " " + $1]?.refunds ?? 0) }
            if refunds > 0 {
                let h = down * Double(refunds) / Double(bottom)
                parts.append(
                    ##"<rect x="\##(x)" y="\##(up)" width="\##(w)" height="\##(h)" fill="#e8a0b4"><title>\##(escape("\(day) refunds: \(currency.format(refunds))"))</title></rect>"##
                )
            }
            if days.count <= 16 || i % max(1, days.count / 8) == 0 {
                parts.append(##"<text x="\##(x)" y="\##(up + down + 22)" font-size="10" fill="#5b6675">\##(escape(String(day.suffix(5))))</text>"##)
            }
        }
        parts.append("</svg>")
        return (parts.joined(), channels.map { ($0, color[$0] ?? "#999") })
    }

    static func channel(of key: String) -> String { String(key.split(separator: " ", maxSplits: 1).last ?? "") }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
