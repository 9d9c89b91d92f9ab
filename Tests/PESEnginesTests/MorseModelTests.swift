import Foundation
import PESCore
import PESEngines
import PESTestSupport
import Testing

@Suite("The built-in Morse model")
struct MorseModelTests {
    @Test("D_e = ω_e²/(4 ω_e x_e) and the curvature at r_e is μ(2πcω_e)²")
    func parameters() throws {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let wellDepthCm = 4401.213 * 4401.213 / (4 * 121.336)
        #expect(TestSupport.isClose(model.wellDepthHartree * PhysicalConstants.hartreeInWavenumber, wellDepthCm, relative: 1e-12))
        // k in Eh/Å² from the harmonic wavenumber and reduced mass.
        let omega = 2 * Double.pi * PhysicalConstants.speedOfLightMetrePerSecond * 100 * 4401.213
        let kJoulePerMetre2 = entry.molecule.reducedMassDalton * PhysicalConstants.daltonInKilogram * omega * omega
        let kHartreePerAngstrom2 = kJoulePerMetre2 / PhysicalConstants.hartreeInJoule * 1e-20
        let h = 1e-4
        let r = model.rEquilibriumAngstrom
        let numeric = (model.energyHartree(atAngstrom: r + h) - 2 * model.energyHartree(atAngstrom: r)
            + model.energyHartree(atAngstrom: r - h)) / (h * h)
        #expect(TestSupport.isClose(numeric, kHartreePerAngstrom2, relative: 1e-5))
        #expect(abs(model.energyHartree(atAngstrom: r) + model.wellDepthHartree) < 1e-15)
        #expect(abs(model.energyHartree(atAngstrom: 50)) < 1e-12)
        // H2: k ≈ 5.75 mdyn/Å = 5.75 aJ/Å² ≈ 1.319 Eh/Å² for ω_e = 4401 cm⁻¹.
        #expect(abs(kHartreePerAngstrom2 - 1.319) < 0.002)
    }
}

@Suite("Engine output parsing and processes")
struct EngineProcessTests {
    @Test("model-energy output is read from its last energy line")
    func parse() throws {
        #expect(try ModelEnergyOutput.parse("noise\nenergy_hartree = -1.5\n") == -1.5)
        #expect(try ModelEnergyOutput.parse(ModelEnergyOutput.line(energyHartree: -0.1234567890123456789)) == -0.1234567890123456789)
        #expect(throws: EngineParseError.missingEnergy(expected: "a line \"energy_hartree = <number>\"")) {
            try ModelEnergyOutput.parse("")
        }
        #expect(throws: EngineParseError.notANumber("energy_hartree = nan")) { try ModelEnergyOutput.parse("energy_hartree = nan") }
        #expect(throws: EngineParseError.self) { try ModelEnergyOutput.parse("energy_hartree = 1e999") }
    }

    @Test("a process's output, status and stderr tail are captured from argv without a shell")
    func runsProcess() async throws {
        let folder = try TestSupport.temporaryFolder()
        let result = try await ProcessRunner().run(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "echo out; echo \"$1\" >&2; exit 3", "sh", "$(not expanded); `id`"],
            workDirectory: folder)
        #expect(result.status == 3)
        #expect(!result.signalled)
        #expect(result.standardOutput == "out\n")
        #expect(result.standardErrorTail == "$(not expanded); `id`")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("stdout.txt").path))
    }

    @Test("cancelling the task stops the child with SIGTERM promptly")
    func cancellation() async throws {
        let folder = try TestSupport.temporaryFolder()
        let task = Task {
            try await ProcessRunner(graceSeconds: 1).run(
                executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"], workDirectory: folder)
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let result = try await task.value
        // Ended by SIGTERM (15), not by running its 30 s out: no clock needed, which a loaded parallel test run stalls.
        #expect(result.cancelled)
        #expect(result.signalled && result.status == 15)
    }

    @Test("a child that finishes with status 0 after the stop came is a result, not a cancellation: its calculation is not run again")
    func finishedDespiteStop() async throws {
        let folder = try TestSupport.temporaryFolder()
        let started = folder.appendingPathComponent("started")
        let task = Task {
            try await ProcessRunner(graceSeconds: 5).run(
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", "trap '' TERM; : > started; sleep 1; echo energy_hartree = -1.5", "sh"],
                workDirectory: folder)
        }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: started.path), Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        task.cancel()
        let result = try await task.value
        #expect(!result.cancelled, "the child ignored SIGTERM and ended with status 0")
        #expect(result.status == 0)
        #expect(result.standardOutput == "energy_hartree = -1.5\n")
    }

    @Test("the model engine refuses unknown options and bad delays before running")
    func setupErrors() throws {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
        func spec(_ engine: String, _ options: [String: String], constants: Bool = true) throws -> ScanSpec {
            ScanSpec(
                name: try ScanName("t"), molecule: entry.molecule, engine: EngineSettings(name: engine, options: options),
                modelConstants: constants ? entry.constants : nil, bondLengthsAngstrom: [0.7, 0.8])
        }
        let catalog = EngineCatalog(pesscanExecutable: nil, inputsFolder: TestSupport.inputsFolder, environment: ProcessInfo.processInfo.environment)
        #expect(throws: EngineSetupError.self) { try catalog.engine(for: spec("model", ["colour": "red"])) }
        #expect(throws: EngineSetupError.self) { try catalog.engine(for: spec("model", ["delay_seconds": "-1"])) }
        #expect(throws: EngineSetupError.unknownEngine("orca", known: EngineCatalog.engineNames)) {
            try catalog.engine(for: spec("orca", [:]))
        }
        #expect(throws: EngineSetupError.noModelParameters("H2")) { try catalog.engine(for: spec("model", [:], constants: false)) }
        #expect(throws: EngineSetupError.self) { try catalog.engine(for: spec("model-process", [:])) }
        #expect(try catalog.engine(for: spec("model", ["delay_seconds": "0.1"])).name == "model")
    }
}
