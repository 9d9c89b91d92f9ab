/// One contour line of a surface: where it crosses a level, as an open line ending on the grid's edge or a closed loop.
public struct ContourLine: Sendable {
    /// The level the line follows, in the unit of the values it was traced in.
    public var level: Double
    /// The line's vertices (x, y) in the grid's coordinates, in order; a closed loop does not repeat its first vertex.
    public var vertices: [(x: Double, y: Double)]
    /// Whether the line closes on itself (it does not reach the grid's edge).
    public var isClosed: Bool
}

/// Contour lines of values on a rectangular grid by marching squares (Lorensen and Cline's marching cubes in two dimensions).
///
/// Each grid cell's four corners are sorted into at or above the level and
/// below it; the line crosses each edge between the two kinds once, at the
/// point linear interpolation puts the level, and the cell's one or two
/// segments join those crossings. A saddle cell (diagonal corners alike) is
/// decided by the mean of its corners. The segments are then chained through
/// their shared edges into lines: open ones start and end on the grid's
/// boundary, the rest are loops.
public enum MarchingSquares {
    /// An edge of the grid: the horizontal one from node (i, j) to (i + 1, j), or the vertical one from (i, j) to (i, j + 1).
    private struct Edge: Hashable {
        var horizontal: Bool
        var i: Int
        var j: Int
    }

    /// Contour lines of `values` at `level`; `values[j][i]` is the value at (`xs[i]`, `ys[j]`).
    ///
    /// The grid needs at least two nodes each way and one row of `xs.count`
    /// values per entry of `ys`; anything else, or a non-finite value in a
    /// cell, gives no lines there.
    public static func lines(values: [[Double]], xs: [Double], ys: [Double], level: Double) -> [ContourLine] {
        guard xs.count >= 2, ys.count >= 2, values.count == ys.count, values.allSatisfy({ $0.count == xs.count }) else { return [] }
        var segments: [(Edge, Edge)] = []
        for j in 0..<(ys.count - 1) {
            for i in 0..<(xs.count - 1) {
                let a = values[j][i], b = values[j][i + 1], c = values[j + 1][i + 1], d = values[j + 1][i]
                guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { continue }
                let bottom = Edge(horizontal: true, i: i, j: j), top = Edge(horizontal: true, i: i, j: j + 1)
                let left = Edge(horizontal: false, i: i, j: j), right = Edge(horizontal: false, i: i + 1, j: j)
                let index = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0)
                let centreAbove = (a + b + c + d) / 4 >= level
                switch index {
                case 1, 14: segments.append((left, bottom))
                case 2, 13: segments.append((bottom, right))
                case 3, 12: segments.append((left, right))
                case 4, 11: segments.append((right, top))
                case 6, 9: segments.append((bottom, top))
                case 7, 8: segments.append((left, top))
                case 5:
                    // a and c above: joined through an upper centre, the lines cut off b and d; else a and c.
                    segments += centreAbove ? [(bottom, right), (left, top)] : [(left, bottom), (right, top)]
                case 10:
                    segments += centreAbove ? [(left, bottom), (right, top)] : [(bottom, right), (left, top)]
                default: break
                }
            }
        }
        return chained(segments).map { chain in
            ContourLine(
                level: level, vertices: chain.edges.map { crossing(on: $0, values: values, xs: xs, ys: ys, level: level) },
                isClosed: chain.isClosed)
        }
    }

    /// The segments joined through their shared edges: lines from an edge used once (on the boundary) first, then loops.
    private static func chained(_ segments: [(Edge, Edge)]) -> [(edges: [Edge], isClosed: Bool)] {
        var touching: [Edge: [Int]] = [:]
        for (index, segment) in segments.enumerated() {
            touching[segment.0, default: []].append(index)
            touching[segment.1, default: []].append(index)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var chains: [(edges: [Edge], isClosed: Bool)] = []
        func walk(from start: Edge) -> [Edge] {
            var edges = [start]
            var current = start
            while let next = touching[current]?.first(where: { !used[$0] }) {
                used[next] = true
                current = segments[next].0 == current ? segments[next].1 : segments[next].0
                edges.append(current)
            }
            return edges
        }
        let ends = segments.indices.flatMap { [segments[$0].0, segments[$0].1] }.filter { touching[$0]?.count == 1 }
        for end in ends where touching[end]?.contains(where: { !used[$0] }) == true {
            chains.append((walk(from: end), false))
        }
        for index in segments.indices where !used[index] {
            var edges = walk(from: segments[index].0)
            if edges.count > 1, edges.first == edges.last { edges.removeLast() }
            chains.append((edges, true))
        }
        return chains
    }

    /// Where the level crosses `edge`, by linear interpolation between its two nodes.
    private static func crossing(on edge: Edge, values: [[Double]], xs: [Double], ys: [Double], level: Double) -> (x: Double, y: Double) {
        let (i2, j2) = edge.horizontal ? (edge.i + 1, edge.j) : (edge.i, edge.j + 1)
        let v1 = values[edge.j][edge.i], v2 = values[j2][i2]
        let t = v2 == v1 ? 0.5 : min(max((level - v1) / (v2 - v1), 0), 1)
        return (xs[edge.i] + t * (xs[i2] - xs[edge.i]), ys[edge.j] + t * (ys[j2] - ys[edge.j]))
    }
}
