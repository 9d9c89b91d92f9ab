import Foundation
import PESCore
import PESTestSupport
import Testing

@testable import PESEngines

/// pesscan's BERTHA inputs against the authors' generator's (berthaingen `pybgen.py`) for the same molecule and sets.
///
/// The fixtures under `Fixtures/berthaingen/<molecule>/` are berthaingen's outputs with
/// `HOW.md` saying how each was made. The basis and fitting sets the engine reads are
/// taken back from those outputs (their exponents are copied verbatim), so no part of the
/// authors' basis library is kept here.
@Suite("BERTHA inputs equal berthaingen's")
struct BerthaingenAgreementTests {
    /// One fixture: the molecule, the bond length, the sets and the grid it was generated with.
    struct Case: Sendable, CustomStringConvertible {
        var folder: String
        var atoms: [String]
        var charge: Int
        var rAngstrom: Double
        var basis: String
        var fitting: [String]
        var grid: String
        var description: String { folder }
    }

    static let cases = [
        Case(folder: "H2", atoms: ["H", "H"], charge: 0, rAngstrom: 0.74, basis: "H:aug-cc-pvdz", fitting: ["aux4", "aux4"], grid: "5"),
        Case(folder: "AuH", atoms: ["Au", "H"], charge: 0, rAngstrom: 1.524, basis: "Au:dyall_vdz,H:aug-cc-pvdz", fitting: ["b16", "aux4"], grid: "3"),
        Case(
            folder: "AuOgplus", atoms: ["Au", "Og"], charge: 1, rAngstrom: 2.862, basis: "Au:dyall_vtz,Og:dyall_vtz", fitting: ["b20", "og"],
            grid: "5"),
    ]

    static func fixture(_ folder: String, _ file: String) throws -> String {
        try EngineFixtures.text("berthaingen/\(folder)/\(file)")
    }

    /// A BasisFittSetBertha library holding the sets written in a fixture's `input.inp` and `fitt2.inp`.
    static func library(from input: String, fitt2: String, fittingNames: [String]) throws -> Data {
        var entries: [[String: Any]] = []
        let lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var maxL = 0
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("'Z, N, MAXL AND CHARGE") {
                maxL = Int(lines[index + 1].split(separator: ",")[2]) ?? 0
            }
            if line.hasPrefix("'BASIS SET FOR CENTER") {
                let words = line.dropLast().split(separator: " ").map(String.init)
                let (symbol, name) = (words[words.count - 2], words[words.count - 1])
                var header: [String] = []
                var values: [[String]] = []
                var cursor = index + 1
                for _ in 0...maxL {
                    let count = try #require(Int(lines[cursor]))
                    header.append(lines[cursor])
                    values.append(Array(lines[(cursor + 1)...(cursor + count)]))
                    cursor += count + 1
                }
                entries.append(["\(symbol)/\(name)/basisset": [
                    "Atomname": symbol, "Basisname": name, "Basistype": "basisset", "Dim": maxL, "Header": header, "Values": values,
                ]])
                index = cursor
                continue
            }
            index += 1
        }
        let symbols = lines.filter { $0.hasPrefix("'BASIS SET FOR CENTER") }.map { $0.split(separator: " ").dropLast().last.map(String.init) ?? "" }
        let fitLines = fitt2.split(separator: "\n").map(String.init)
        var cursor = 1
        for (symbol, name) in zip(symbols, fittingNames) {
            let count = try #require(Int(fitLines[cursor + 1]))
            let functions = Array(fitLines[(cursor + 2)..<(cursor + 2 + count)])
            entries.append(["\(symbol)/\(name)/fittset": [
                "Atomname": symbol, "Basisname": name, "Basistype": "fittset", "Dim": count, "Values": [functions],
            ]])
            cursor += 2 + count
        }
        return try JSONSerialization.data(withJSONObject: ["BasisFittSetBertha": entries])
    }

    @Test("input.inp and fitt2.inp equal berthaingen's line for line (apart from the ScaLAPACK grid of one rank)", arguments: cases)
    func agreement(_ fixture: Case) throws {
        let input = try Self.fixture(fixture.folder, "input.inp")
        let fitt2 = try Self.fixture(fixture.folder, "fitt2.inp")
        let folder = try TestSupport.temporaryFolder("pesscan-berthaingen")
        let libraryURL = folder.appendingPathComponent("sets.json")
        try Self.library(from: input, fitt2: fitt2, fittingNames: fixture.fitting).write(to: libraryURL)
        let molecule = try Molecule(name: fixture.folder, atoms: fixture.atoms.map { try Atom(symbol: $0) }, charge: fixture.charge)
        let fittings = zip(fixture.atoms, fixture.fitting).map { "\($0):\($1)" }.joined(separator: ",")
        let engine = try BerthaEngine.build(
            settings: [
                "argv": "/bin/true", "basis_library": libraryURL.path, "basis": fixture.basis, "fitting": fittings,
                "grid_quality": fixture.grid,
            ],
            molecule: molecule, environment: ["PATH": "/usr/bin:/bin"])
        let files = engine.rendered(try EngineFixtures.job(molecule, rAngstrom: fixture.rAngstrom)).files
        #expect(files.map(\.name) == ["input.inp", "fitt2.inp"])
        // berthaingen always writes the grid of four ranks; pesscan writes the grid of the ranks it runs (one here).
        let ours = try #require(files.first?.contents)
        #expect(ours.contains("'scalapack'\n1 1 32 2.0\n"))
        #expect(ours.replacingOccurrences(of: "'scalapack'\n1 1 32 2.0\n", with: "'scalapack'\n2 2 32 2.0\n") == input)
        #expect(files.last?.contents == fitt2)
    }

    @Test("with four ranks the files are berthaingen's byte for byte")
    func fourRanks() throws {
        let fixture = Self.cases[2]
        let input = try Self.fixture(fixture.folder, "input.inp")
        let fitt2 = try Self.fixture(fixture.folder, "fitt2.inp")
        let libraryURL = try TestSupport.temporaryFolder("pesscan-berthaingen").appendingPathComponent("sets.json")
        try Self.library(from: input, fitt2: fitt2, fittingNames: fixture.fitting).write(to: libraryURL)
        let molecule = try Molecule(name: "AuOg+", atoms: [Atom(symbol: "Au"), Atom(symbol: "Og")], charge: 1)
        let engine = try BerthaEngine.build(
            settings: [
                "argv": "bertha.parallelshm.noomp", "basis_library": libraryURL.path, "basis": fixture.basis,
                "fitting": "Au:b20,Og:og", "ranks": "4", "mpirun": "/bin/true",
            ],
            molecule: molecule, environment: ["PATH": "/usr/bin:/bin"])
        let files = engine.rendered(try EngineFixtures.job(molecule, rAngstrom: fixture.rAngstrom)).files
        #expect(files.first?.contents == input)
        #expect(files.last?.contents == fitt2)
    }
}
