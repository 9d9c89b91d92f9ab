/// The monomials t₁^a₁ ⋯ tₙ^aₙ of total degree a₁ + … + aₙ ≤ d in n variables, with their first and second derivatives.
///
/// The terms are ordered by total degree, and within one degree with the
/// first variable's power falling (for two variables: 1, x, y, x², xy, y², …).
/// There are C(n + d, d) of them.
struct MonomialBasis: Sendable, Hashable {
    /// The exponents (a₁, …, aₙ) of each term.
    let exponents: [[Int]]
    /// Number of variables n.
    let variableCount: Int
    /// Highest total degree d.
    let totalDegree: Int

    init(variableCount: Int, totalDegree: Int) {
        self.variableCount = variableCount
        self.totalDegree = totalDegree
        exponents = (0...max(totalDegree, 0)).flatMap { Self.compositions(of: $0, into: variableCount) }
    }

    /// The basis of given exponents (as a fit stores them) in `variableCount` variables.
    init(exponents: [[Int]], variableCount: Int) {
        self.exponents = exponents
        self.variableCount = variableCount
        totalDegree = exponents.map { $0.reduce(0, +) }.max() ?? 0
    }

    /// Number of terms.
    var termCount: Int { exponents.count }

    /// Every way of writing `total` as an ordered sum of `parts` non-negative integers, the first part falling.
    private static func compositions(of total: Int, into parts: Int) -> [[Int]] {
        guard parts > 1 else { return parts == 1 ? [[total]] : [] }
        return stride(from: total, through: 0, by: -1).flatMap { first in
            compositions(of: total - first, into: parts - 1).map { [first] + $0 }
        }
    }

    /// The powers t_i^k for k = 0 … d of each variable, the table every evaluation reads.
    private func powers(_ t: [Double]) -> [[Double]] {
        t.map { x in
            var row = [Double](repeating: 1, count: totalDegree + 1)
            for k in stride(from: 1, through: totalDegree, by: 1) { row[k] = row[k - 1] * x }
            return row
        }
    }

    /// ∂^(o₁+…+oₙ) m / ∂t₁^o₁ ⋯ ∂tₙ^oₙ of the monomial with `exponent`, from the power table.
    private static func partial(_ exponent: [Int], orders: [Int], powers: [[Double]]) -> Double {
        var value = 1.0
        for (i, a) in exponent.enumerated() {
            let o = orders[i]
            guard o <= a else { return 0 }
            for k in stride(from: a, to: a - o, by: -1) { value *= Double(k) }
            value *= powers[i][a - o]
        }
        return value
    }

    /// The value of every term at `t`.
    func values(at t: [Double]) -> [Double] {
        let p = powers(t), none = [Int](repeating: 0, count: variableCount)
        return exponents.map { Self.partial($0, orders: none, powers: p) }
    }

    /// ∂m_k/∂t_i of every term k at `t`, as `[k][i]`.
    func gradients(at t: [Double]) -> [[Double]] {
        let p = powers(t)
        return exponents.map { exponent in
            (0..<variableCount).map { i in
                var orders = [Int](repeating: 0, count: variableCount)
                orders[i] = 1
                return Self.partial(exponent, orders: orders, powers: p)
            }
        }
    }

    /// ∂²m_k/∂t_i∂t_j of every term k at `t`, as `[k][i * n + j]`.
    func hessians(at t: [Double]) -> [[Double]] {
        let p = powers(t), n = variableCount
        return exponents.map { exponent in
            var h = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in i..<n {
                    var orders = [Int](repeating: 0, count: n)
                    orders[i] += 1
                    orders[j] += 1
                    let value = Self.partial(exponent, orders: orders, powers: p)
                    h[i * n + j] = value
                    h[j * n + i] = value
                }
            }
            return h
        }
    }
}
