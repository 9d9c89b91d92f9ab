import Foundation
import PESCore
import PESTestSupport
import Testing

@testable import PESEngines

@Suite("Engine inputs of polyatomic points")
struct PolyatomicInputTests {
    /// A water point at r = 0.96 Å, θ = 104.5° with its atoms where the Z-matrix puts them.
    static func waterJob() throws -> EngineJob {
        let parsed = try ZMatrix.parse("O\nH 1 r\nH 1 r 2 theta\n\nr = 0.96\ntheta = 104.5\n")
        let molecule = try Molecule.polyatomic(name: "H2O", atoms: ["O", "H", "H"].map { try Atom(symbol: $0) }, charge: 0)
        return EngineJob(
            scanName: "water", pointIndex: 3, rAngstrom: 0.96, molecule: molecule,
            workDirectory: try TestSupport.temporaryFolder("pesscan-engine"),
            cartesianAngstrom: try parsed.zmatrix.cartesianAngstrom(values: parsed.values))
    }

    @Test("{atoms} has a line per atom at its Cartesian position, {atoms_bohr} the same in bohr, {atom_count} the count")
    func placeholders() throws {
        let job = try Self.waterJob()
        let values = PointPlaceholders.values(for: job, options: [:])
        let lines = try #require(values["atoms"]).split(separator: "\n")
        #expect(lines.count == 3 && values["atom_count"] == "3" && values["electrons"] == "10")
        let positions = try lines.map { line in try line.split(separator: " ").dropFirst().map { try #require(Double($0)) } }
        #expect(lines.map { $0.split(separator: " ")[0] } == ["O", "H", "H"])
        // The written positions give back the point's geometry to the 10 decimals written.
        #expect(abs(CartesianGeometry.distanceAngstrom(positions[0], positions[2]) - 0.96) < 1e-9)
        #expect(abs(CartesianGeometry.angleDegree(positions[1], positions[0], positions[2]) - 104.5) < 1e-7)
        let bohr = try #require(values["atoms_bohr"]).split(separator: "\n")[2].split(separator: " ").dropFirst()
            .map { try #require(Double($0)) }
        for (inBohr, inAngstrom) in zip(bohr, positions[2]) {
            #expect(abs(inBohr - inAngstrom * PhysicalConstants.angstromInBohr) < 1e-9)
        }
    }

    @Test("BERTHA writes one centre per atom with its coordinates in bohr")
    func berthaCentres() throws {
        let job = try Self.waterJob()
        let library = try BerthaBasisLibrary.load(path: EngineFixtures.url("bertha-basis-library.json").path)
        let hydrogen = try library.basis("H", "aug-cc-pvdz"), hydrogenFitting = try library.fitting("H", "aux4")
        // The fixture library has hydrogen only: the test is about centres and coordinates, so every centre takes H's sets.
        let input = BerthaInput(
            molecule: job.molecule, bases: [hydrogen, hydrogen, hydrogen], fittingSets: [hydrogenFitting, hydrogenFitting, hydrogenFitting],
            settings: BerthaSettings(functional: "BLYP", gridQuality: 5, maxIterations: 100, processGrid: BerthaSettings.processGrid(ranks: 1)))
        let text = input.inputFile(positionsAngstrom: job.positionsAngstrom).split(separator: "\n", omittingEmptySubsequences: false)
        let centres = try #require(text.firstIndex(of: "'NUMBER OF CENTERS'"))
        #expect(text[centres + 1] == "3")
        let coordinateLines = text.indices.filter { text[$0].hasPrefix("'COORDINATES FOR CENTER") }.map { text[$0 + 1] }
        #expect(coordinateLines.count == 3)
        let expected = job.positionsAngstrom.map { xyz in
            String(format: "%12.8f %12.8f %12.8f", xyz[0] * input.bohrPerAngstrom, xyz[1] * input.bohrPerAngstrom, xyz[2] * input.bohrPerAngstrom)
        }
        #expect(coordinateLines.map(String.init) == expected)
        #expect(input.fittingFile(positionsAngstrom: job.positionsAngstrom).split(separator: "\n").first == "3")
    }
}
