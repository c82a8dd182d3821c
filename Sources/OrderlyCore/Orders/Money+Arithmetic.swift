/// Exact arithmetic on amounts in minor units: proportions are computed on 128-bit
/// intermediates, so `amount × weight` never overflows and never goes through floating point.
extension Money {
    /// How a proportion that falls between two minor units is settled.
    public enum Rounding: Sendable {
        /// Towards zero: the part never exceeds its exact share.
        case down
        /// To the nearest minor unit, a half going up (the usual rule for tax on an invoice line).
        case halfUp
    }

    /// `value × numerator / denominator` for non-negative operands, rounded as asked. The
    /// denominator must be positive and the result must fit in 64 bits (it does whenever
    /// `numerator ≤ denominator`).
    public static func scale(_ value: Int64, by numerator: Int64, over denominator: Int64, rounding: Rounding = .down) -> Int64 {
        precondition(value >= 0 && numerator >= 0 && denominator > 0, "scale takes non-negative operands and a positive denominator")
        let product = value.multipliedFullWidth(by: numerator)
        let (quotient, remainder) = denominator.dividingFullWidth((high: product.high, low: product.low))
        switch rounding {
        case .down: return quotient
        case .halfUp: return remainder >= denominator - remainder ? quotient + 1 : quotient
        }
    }

    /// Splits `amount` over parts in proportion to `weights` so that the parts add up to exactly
    /// `amount`. The rule: each part first gets its exact share rounded down; the minor units
    /// left over (fewer than there are parts) go one each to the parts with the largest
    /// remainders, the earlier part first on a tie. A part of weight 0 gets nothing; when every
    /// weight is 0 nothing can be split and every part is 0. Requires `0 ≤ amount ≤ Σ weights`.
    public static func spread(_ amount: Int64, over weights: [Int64]) -> [Int64] {
        let total = weights.reduce(Int64(0), +)
        guard amount > 0, total > 0 else { return weights.map { _ in 0 } }
        precondition(amount <= total && weights.allSatisfy { $0 >= 0 }, "spread takes an amount within the sum of non-negative weights")
        var parts: [Int64] = []
        var remainders: [(index: Int, remainder: UInt64)] = []
        parts.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() {
            let product = amount.multipliedFullWidth(by: weight)
            let (quotient, remainder) = total.dividingFullWidth((high: product.high, low: product.low))
            parts.append(quotient)
            remainders.append((index, UInt64(remainder)))
        }
        var left = amount - parts.reduce(0, +)
        for entry in remainders.sorted(by: { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }) {
            guard left > 0 else { break }
            guard weights[entry.index] > 0 else { continue }
            parts[entry.index] += 1
            left -= 1
        }
        return parts
    }

    /// The part of `whole` that falls to `count` units after `done` units of `quantity` have had
    /// theirs: `⌊whole × (done + count) / quantity⌋ − ⌊whole × done / quantity⌋`. Taken unit by
    /// unit (or in any batches) the parts add up to exactly `whole`, so a line paid in full is
    /// refunded in full, never a minor unit more.
    public static func share(of whole: Int64, units count: Int64, after done: Int64, of quantity: Int64) -> Int64 {
        guard quantity > 0, count > 0, whole > 0 else { return 0 }
        let upTo = min(quantity, max(0, done + count))
        let before = min(quantity, max(0, done))
        return scale(whole, by: upTo, over: quantity) - scale(whole, by: before, over: quantity)
    }
}
