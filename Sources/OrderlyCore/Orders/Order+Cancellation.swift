/// One line's cancellation: `quantity` nil cancels everything still open on the line.
public struct OrderCancellation: Sendable {
    public var line: Int
    public var quantity: Int64?
    public init(line: Int, quantity: Int64? = nil) {
        self.line = line
        self.quantity = quantity
    }
}

extension Order {
    /// Which units each requested line cancels (every open unit when nothing is requested);
    /// refuses more than is still open on a line.
    public func cancellationTargets(_ requested: [OrderCancellation]?) throws(OrderlyError) -> [(line: Int, quantity: Int64)] {
        guard let requested else { return lines.map { ($0.number, $0.cancellable) } }
        var v = Validator()
        v.check(!requested.isEmpty, "lines", "must name at least one line, or be left out to cancel the whole order")
        var targets: [(line: Int, quantity: Int64)] = []
        for (i, request) in requested.enumerated() {
            guard let line = lines.first(where: { $0.number == request.line }) else {
                v.add("lines[\(i)].line", "order \(number) has no line \(request.line)")
                continue
            }
            let quantity = request.quantity ?? line.cancellable
            if let asked = request.quantity {
                v.quantity(asked, "lines[\(i)].quantity")
                // Out of range is already refused; adding it up could overflow.
                guard (1...Limits.maxQuantity).contains(asked) else { continue }
            }
            let already = targets.filter { $0.line == request.line }.reduce(Int64(0)) { $0 + $1.quantity }
            v.check(quantity + already <= line.cancellable, "lines[\(i)].quantity", "only \(line.cancellable - already) of line \(line.number) can still be cancelled")
            targets.append((request.line, quantity))
        }
        try v.validate()
        return targets
    }
}
