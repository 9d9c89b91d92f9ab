import Foundation
import PESCore
import PESEngines
import PESTestSupport
import Testing

@Suite("Engine setup errors stop before any point runs")
struct EngineSetupTests {
    func spec(_ engine: String, _ options: [String: String]) throws -> ScanSpec {
        ScanSpec(
            name: try ScanName("t"), molecule: try EngineFixtures.hydrogen(), engine: EngineSettings(name: engine, options: options),
            modelConstants: nil, bondLengthsAngstrom: [0.7, 0.8])
    }

    func catalog(inputs: URL = EngineFixtures.inputs) -> EngineCatalog {
        EngineCatalog(pesscanExecutable: nil, inputsFolder: inputs, environment: ProcessInfo.processInfo.environment)
    }

    @Test("a program that is not installed")
    func programMissing() throws {
        #expect(throws: EngineSetupError.programMissing("/nonexistent/xtb")) {
            try catalog().engine(for: try spec("xtb", ["program": "/nonexistent/xtb"]))
        }
    }

    @Test("invalid and unknown option values", arguments: [
        ("pyscf", "method", "ccsd(t)"), ("pyscf", "basis", "cc-pvdz\"; import os"), ("xtb", "gfn", "3"),
        ("nwchem", "colour", "blue"), ("psi4", "env.1BAD", "x"), ("xtb", "threads", "0"),
    ])
    func badOption(_ engine: String, _ key: String, _ value: String) throws {
        #expect(throws: EngineSetupError.self) { try catalog().engine(for: try spec(engine, ["program": "/bin/true", key: value])) }
    }

    @Test("a template that is missing, or uses an unknown placeholder")
    func templates() throws {
        let folder = try TestSupport.temporaryFolder("pesscan-inputs")
        let templates = folder.appendingPathComponent("engines/xtb")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        #expect(throws: EngineSetupError.self) { try catalog(inputs: folder).engine(for: try spec("xtb", ["program": "/bin/true"])) }
        let path = templates.appendingPathComponent("mol.xyz")
        try "2\n\n{atoms}\n{bond_length}\n".write(to: path, atomically: true, encoding: .utf8)
        let xtb = try spec("xtb", ["program": "/bin/true"])
        let error = #expect(throws: EngineSetupError.self) { try catalog(inputs: folder).engine(for: xtb) }
        guard case .unknownPlaceholder(let name, let template, _) = error else {
            Issue.record("expected an unknown placeholder, got \(String(describing: error))")
            return
        }
        #expect(name == "bond_length" && template == path.path)
        #expect(error?.description.contains("{bond_length}") == true)
    }

    @Test("the generic engine needs a template, an argv and an energy pattern, with plain file names")
    func generic() throws {
        let base = [
            "template": EngineFixtures.inputs.appendingPathComponent("engines/template/xtb-example.xyz").path,
            "argv": "/bin/true", "energy_regex": "E = (\\S+)",
        ]
        #expect(throws: Never.self) { try catalog().engine(for: try spec("template", base)) }
        for key in ["template", "argv", "energy_regex"] {
            var options = base
            options[key] = nil
            #expect(throws: EngineSetupError.self) { try catalog().engine(for: try spec("template", options)) }
        }
        for (key, value) in [("output", "../escape.txt"), ("input", "/tmp/x"), ("energy_unit", "kelvin"), ("argv", "[\"a\""), ("widget", "1")] {
            #expect(throws: EngineSetupError.self) { try catalog().engine(for: try spec("template", base.merging([key: value]) { _, n in n })) }
        }
    }

    @Test("PySCF needs a Python that can import pyscf")
    func pyscfProbe() throws {
        #expect(throws: EngineSetupError.self) { try catalog().engine(for: try spec("pyscf", ["program": "/bin/false"])) }
    }
}
