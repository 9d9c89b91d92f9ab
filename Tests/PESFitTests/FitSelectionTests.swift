import PESCore
import PESFit
import Testing

@Suite("FitSelection: the one rule of which points a fit uses")
struct FitSelectionTests {
    /// One point in each state a fit tells apart, index i at bond length 1 + i/10 Å.
    static let points: [ScanPoint] = [
        ScanPoint(id: 10, index: 0, rAngstrom: 1.0, state: .done, energyHartree: -1.0, converged: true),
        ScanPoint(id: 11, index: 1, rAngstrom: 1.1, state: .done, energyHartree: -1.1, converged: false),
        ScanPoint(id: 12, index: 2, rAngstrom: 1.2, state: .done, energyHartree: nil, converged: true),
        ScanPoint(id: 13, index: 3, rAngstrom: 1.3, state: .failed),
        ScanPoint(id: 14, index: 4, rAngstrom: 1.4, state: .pending),
        ScanPoint(id: 15, index: 5, rAngstrom: 1.5, state: .running),
        ScanPoint(id: 16, index: 6, rAngstrom: 1.6, state: .done, energyHartree: -1.6, converged: nil),
    ]

    @Test("done with an energy and not reported unconverged is used; the rest are counted by why")
    func rule() {
        let strict = FitSelection(points: Self.points, includeUnconverged: false)
        #expect(strict.rAngstrom == [1.0, 1.6] && strict.energyHartree == [-1.0, -1.6] && strict.pointIndices == [0, 6])
        #expect(strict.failedCount == 1 && strict.unconvergedCount == 1 && strict.notComputedCount == 2)
        #expect(strict.notComputedRAngstrom == [1.4, 1.5] && strict.scanPointCount == 7)
        let loose = FitSelection(points: Self.points, includeUnconverged: true)
        #expect(loose.pointIndices == [0, 1, 6] && loose.unconvergedCount == 0)
    }

    @Test("adding points one at a time, as the store reads them, selects as from the whole list")
    func streamed() {
        var streamed = FitSelection(includeUnconverged: false)
        for p in Self.points {
            streamed.add(index: p.index, rAngstrom: p.rAngstrom, state: p.state, energyHartree: p.energyHartree, converged: p.converged, coordinates: p.coordinates)
        }
        #expect(streamed == FitSelection(points: Self.points, includeUnconverged: false))
    }

    @Test("a polyatomic's used points give the surface its coordinates and energies")
    func surface() {
        let points = [
            ScanPoint(id: 1, index: 0, rAngstrom: 0.9, state: .done, energyHartree: -76.0, converged: true, coordinates: [0.9, 104]),
            ScanPoint(id: 2, index: 1, rAngstrom: 1.0, state: .failed, coordinates: [1.0, 104]),
            ScanPoint(id: 3, index: 2, rAngstrom: 1.0, state: .done, energyHartree: -76.1, converged: true, coordinates: [1.0, 106]),
        ]
        let selection = FitSelection(points: points, includeUnconverged: false)
        #expect(selection.surfaceData.points == [[0.9, 104], [1.0, 106]] && selection.surfaceData.energyHartree == [-76.0, -76.1])
    }
}
