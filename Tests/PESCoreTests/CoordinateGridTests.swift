import PESCore
import Testing

@Suite("Grids of points in several coordinates")
struct CoordinateGridTests {
    @Test("a full grid has every combination, the first coordinate slowest, centre and ends exact")
    func fullGrid() throws {
        let points = try CoordinateGrid.points(design: .grid, centre: [0.96, 104.5], widths: [0.1, 10], counts: [5, 3])
        #expect(points.count == 15)
        #expect(close(points.first, [0.91, 99.5]))
        #expect(close(points.last, [1.01, 109.5]))
        #expect(points[7] == [0.96, 104.5])  // the centre itself, not a sum of steps
        #expect(Set(points.map { $0[0] }).count == 5 && Set(points.map { $0[1] }).count == 3)
        #expect(points[0..<3].allSatisfy { $0[0] == points[0][0] })
    }

    @Test("the composite design is the centre, 2ⁿ corners and 2n face centres")
    func composite() throws {
        let three = try CoordinateGrid.points(design: .composite, centre: [1, 1, 100], widths: [0.2, 0.2, 20], counts: [5, 5, 5])
        #expect(three.count == 1 + 8 + 6)
        #expect(three.contains { close($0, [1, 1, 100]) } && three.contains { close($0, [0.9, 1.1, 110]) })
        #expect(three.contains { close($0, [1, 1, 90]) })
        #expect(!three.contains { close($0, [0.9, 1.1, 100]) })  // an edge centre: two coordinates off centre of three
        let two = try CoordinateGrid.points(design: .composite, centre: [1, 100], widths: [0.2, 20], counts: [2, 2])
        #expect(two.count == 9)
    }

    @Test("widths must be positive and a grid needs two values per coordinate")
    func refusals() {
        #expect(throws: ScanSpecError.nonPositiveWidth(0)) {
            try CoordinateGrid.points(design: .grid, centre: [1, 2], widths: [0.1, 0], counts: [3, 3])
        }
        #expect(throws: ScanSpecError.tooFewPoints(1)) {
            try CoordinateGrid.points(design: .grid, centre: [1, 2], widths: [0.1, 1], counts: [3, 1])
        }
    }
}

/// Whether two points agree to 1e-12 in every coordinate.
private func close(_ a: [Double]?, _ b: [Double]) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }
}
