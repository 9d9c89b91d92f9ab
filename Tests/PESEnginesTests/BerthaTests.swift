import Foundation
import PESCore
import PESTestSupport
import Testing

@testable import PESEngines

@Suite("BERTHA inputs")
struct BerthaTests {
    static func library() throws -> BerthaBasisLibrary {
        try BerthaBasisLibrary.load(path: EngineFixtures.url("bertha-basis-library.json").path)
    }

    static func auog() throws -> Molecule {
        try Molecule(name: "AuOg+", atoms: [Atom(symbol: "Au"), Atom(symbol: "Og")], charge: 1)
    }

    @Test("H2 at 0.74 Å with aug-cc-pVDZ: the authors' generator's input.inp, line for line")
    func hydrogenInput() throws {
        let library = try Self.library()
        // The authors write the standard atomic weight 1.008; pesscan writes the atom's mass, so give H that mass here.
        let h = try Atom(symbol: "H", massDalton: 1.008)
        let molecule = try Molecule(name: "H2", atoms: [h, h], charge: 0)
        let basis = try library.basis("H", "aug-cc-pvdz")
        let fitting = try library.fitting("H", "aux4")
        let input = BerthaInput(
            molecule: molecule, bases: [basis, basis], fittingSets: [fitting, fitting],
            settings: BerthaSettings(functional: "BLYP", gridQuality: 5, maxIterations: 100, processGrid: BerthaSettings.processGrid(ranks: 4)))
        // The authors' generator converts with 1.8897259886 bohr/Å (1.39839723), as BerthaInput does by default.
        #expect(input.inputFile(rAngstrom: 0.74) == (try EngineFixtures.text("bertha-h2-input.inp")))
        let fitt2 = input.fittingFile(rAngstrom: 0.74).split(separator: "\n")
        #expect(fitt2 == [
            "2", "  0.00000000   0.00000000   0.00000000", "4", "1.50000000E+00 4", "0.45000000E+02 2", "0.75000000E+01 2",
            "0.30000000E+00 2", "  0.00000000   0.00000000   1.39839723", "4", "1.50000000E+00 4", "0.45000000E+02 2",
            "0.75000000E+01 2", "0.30000000E+00 2",
        ])
    }

    @Test("the scalapack grid multiplies to the rank count", arguments: [
        (1, 1, 1), (2, 2, 1), (4, 2, 2), (6, 3, 2), (9, 3, 3), (12, 4, 3), (24, 6, 4), (7, 7, 1),
    ])
    func grid(_ ranks: Int, _ rows: Int, _ columns: Int) {
        #expect(BerthaSettings.processGrid(ranks: ranks) == BerthaProcessGrid(rows: rows, columns: columns))
    }

    @Test("AuOg+ through the engine: bohr coordinates, 196 electrons, basis per element, grid for the ranks, mpirun argv")
    func auogEngine() throws {
        let molecule = try Self.auog()
        let engine = try BerthaEngine.build(
            settings: [
                "argv": "bertha.parallelshm.noomp", "basis_library": EngineFixtures.url("bertha-basis-library.json").path,
                "basis": "toy", "fitting": "Au:toyfit,Og:ogtoy", "ranks": "24", "mpirun": "/bin/true",
            ],
            molecule: molecule, environment: ProcessInfo.processInfo.environment)
        #expect(engine.executable.path == "/bin/true")
        let (argv, files) = engine.rendered(try EngineFixtures.job(molecule, rAngstrom: 2.862))
        #expect(argv == ["-np", "24", "bertha.parallelshm.noomp"])
        #expect(files.map(\.name) == ["input.inp", "fitt2.inp"])
        let input = try #require(files.first?.contents).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func after(_ label: String) -> String? { input.firstIndex(of: label).map { input[$0 + 1] } }
        #expect(after("'NUMBER OF CLOSED-SHELL ELECTRONS'") == "196,0,0")
        #expect(after("'ENTER NCORE, MACTVE,NACTVE'") == "196,0,0")
        #expect(after("'scalapack'") == "6 4 32 2.0")
        #expect(after("'EX-POTENTIAL available: LDA,B88P86,HCTH93,BLYP'") == "BLYP")
        // 2.862 Å × 1.8897259886 bohr/Å (berthaingen's factor) = 5.40839578 bohr; standard atomic weights (Og 294).
        #expect(after("'COORDINATES FOR CENTER     2 '") == "  0.00000000   0.00000000   5.40839578")
        #expect(after("'Z, N, MAXL AND CHARGE FOR CENTER     1 '") == "79,196.966569,2,0")
        #expect(after("'Z, N, MAXL AND CHARGE FOR CENTER     2 '") == "118,294.000000,3,0")
        #expect(input.contains("'BASIS SET FOR CENTER     2 Og toy'"))
        let fitt2 = try #require(files.last?.contents).split(separator: "\n").map(String.init)
        #expect(fitt2 == [
            "2", "  0.00000000   0.00000000   0.00000000", "2", "0.80000000E+04 2", "0.50000000E+00 2",
            "  0.00000000   0.00000000   5.40839578", "3", "0.90000000E+05 2", "0.70000000E+02 2", "0.40000000E+00 4",
        ])
    }

    @Test("setup errors: missing set, unreadable library, set not given for an element")
    func setupErrors() throws {
        let molecule = try Self.auog()
        let path = EngineFixtures.url("bertha-basis-library.json").path
        let base = ["argv": "/bin/true", "basis_library": path, "basis": "toy", "fitting": "Au:toyfit,Og:ogtoy"]
        func build(_ change: [String: String]) throws(EngineSetupError) {
            _ = try BerthaEngine.build(
                settings: base.merging(change) { _, new in new }, molecule: molecule, environment: ProcessInfo.processInfo.environment)
        }
        #expect(throws: EngineSetupError.basisMissing(element: "Au", set: "dyall_vtz", kind: "basisset", library: path)) {
            try build(["basis": "dyall_vtz"])
        }
        #expect(throws: EngineSetupError.self) { try build(["basis_library": "/nonexistent/library.json"]) }
        #expect(throws: EngineSetupError.self) { try build(["fitting": "Au:toyfit"]) }
        #expect(throws: EngineSetupError.programMissing("no-such-bertha")) { try build(["argv": "no-such-bertha"]) }
        #expect(throws: EngineSetupError.self) { try build(["grid_quality": "9"]) }
        // The program is argv's first word; a program= option would be silently ignored, so it is refused.
        #expect(throws: EngineSetupError.self) { try build(["program": "/bin/true"]) }
    }

    @Test("the opt-outs: CODATA 2018 bohr and isotopic masses; the defaults: unlimited stack and OMP_STACKSIZE=400M")
    func optOutsAndDefaults() throws {
        let molecule = try Self.auog()
        let base = [
            "argv": "/bin/true", "basis_library": EngineFixtures.url("bertha-basis-library.json").path, "basis": "toy",
            "fitting": "Au:toyfit,Og:ogtoy",
        ]
        let job = try EngineFixtures.job(molecule, rAngstrom: 2.862)
        let plain = try BerthaEngine.build(settings: base, molecule: molecule, environment: ["PATH": "/usr/bin:/bin"])
        let command = try plain.prepare(job).get()
        #expect(command.limits == ResourceLimits([.stack: .unlimited]))
        #expect(command.engineEnvironment["OMP_STACKSIZE"] == "400M")
        #expect(command.engineEnvironment["OMP_NUM_THREADS"] == "1")
        #expect(command.engineEnvironment["PATH"] == nil, "only the engine's own variables cross into a container")
        let opted = try BerthaEngine.build(
            settings: base.merging(["bohr": "codata2018", "masses": "isotopic", "stack": "512M", "env.OMP_STACKSIZE": "1G"]) { _, new in new },
            molecule: molecule, environment: ["PATH": "/usr/bin:/bin"])
        let input = try #require(opted.rendered(job).files.first?.contents)
        #expect(input.contains("  0.00000000   0.00000000   5.40839617\n"))
        #expect(input.contains("\n118,294.213920,3,0\n"))
        let optedCommand = try opted.prepare(job).get()
        #expect(optedCommand.limits == ResourceLimits([.stack: .finite(512 << 20)]))
        #expect(optedCommand.engineEnvironment["OMP_STACKSIZE"] == "1G")
    }

    @Test("the driver's version line is stored as the engine version")
    func version() throws {
        let parsed = try BerthaOutput().parse(" BERTHA version: 0.11.0\n final output:\n convergence obtained in 42 iterations\n total energy =   -1.16\n")
        #expect(parsed.version == "BERTHA 0.11.0")
        #expect(parsed.converged)
    }
}
