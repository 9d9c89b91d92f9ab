import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESTestSupport
import Testing
@testable import pesscan

/// Thousands of generated bad inputs through pesscan's parsers, in process: none may crash, every rejection is a message.
@Suite("Faults: fuzzed input never crashes and every rejection says why")
struct FuzzTests {
    static let marker = "pesscan-fuzz-marker-should-never-exist"

    static let commands = ["plan", "collect", "fit", "refine", "status", "zones", "plot", "export", "import", "molecules", "model-energy", "nosuch"]
    static let options = [
        "--molecule", "--atoms", "--charge", "--multiplicity", "--masses", "--isotopes", "--points", "--from", "--to",
        "--center", "--width", "--scan", "--engine", "--method", "--basis", "--option", "--replace", "--molecules", "--json",
        "--db", "--zones", "--zone", "--slots", "--retries", "--backoff", "--timeout", "--retry-failed", "--quiet",
        "--degree", "--model", "--input", "--jackknife", "--unweighted", "--tolerance", "--max-rounds", "--format",
        "--output", "--r-angstrom", "--r-e-angstrom", "--well-depth-hartree", "--range-per-angstrom", "--delay-seconds",
        "--fail-with", "--marker-file", "--marker-tag", "--help", "-h", "--version", "--", "--nosuch",
    ]

    @Test("command lines: parsed or rejected with a message and a usage status")
    func commandLines() throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed)
        let cases = Campaign.count(1500)
        var rejected = 0
        for _ in 0..<cases {
            var arguments = [fuzz.pick(Self.commands)]
            for _ in 0..<fuzz.int(0...7) {
                arguments.append(fuzz.pick(Self.options))
                if fuzz.chance(0.85) { arguments.append(fuzz.value(marker: Self.marker)) }
            }
            if arguments.contains("--engine") == false, fuzz.chance(0.3) { arguments += ["--option", "\(fuzz.text(maxLength: 12))=\(fuzz.value(marker: Self.marker))"] }
            do {
                _ = try Pesscan.parseAsRoot(arguments)
            } catch {
                rejected += 1
                let message = Pesscan.fullMessage(for: error)
                let status = Pesscan.exitCode(for: error)
                #expect(!message.isEmpty || status == .success, "\(arguments): empty message")
            }
        }
        #expect(rejected > cases / 4)
        FaultLedger.record(FaultFigures(area: "fuzz: command lines", faults: rejected, inputs: cases))
    }

    @Test("molecule library files: loaded and usable, or rejected naming the file")
    func moleculeLibraries() async throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed &+ 1)
        let original = try String(contentsOf: TestSupport.moleculeLibrary, encoding: .utf8)
        let cases = Campaign.count(1500)
        var rejected = 0
        for _ in 0..<cases {
            let text = fuzz.chance(0.9) ? fuzz.mutate(original, marker: Self.marker) : fuzz.text(maxLength: 400)
            do {
                let library = try MoleculeLibrary.parse(Data(text.utf8), path: "fuzz.json")
                for name in library.names {
                    let entry = try library.molecule(named: name)
                    let engine = ModelEngine(
                        model: MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton))
                    for (index, r) in try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: 3).enumerated() {
                        let job = EngineJob(
                            scanName: "fuzz", pointIndex: index, attemptNumber: 1, rAngstrom: r, molecule: entry.molecule,
                            workDirectory: URL(fileURLWithPath: "/nonexistent"))
                        switch await engine.run(job, launcher: ProcessRunner()) {
                        case .energy(let energy, _, _): #expect(energy.isFinite, "\(name) at \(r) Å gave \(energy)")
                        case .failed(let reason, _): #expect(reason.contains("out of range"), "\(reason)")
                        case .cancelled: Issue.record("\(name) at \(r) Å: cancelled")
                        }
                    }
                }
            } catch let error as MoleculeLibraryError {
                rejected += 1
                #expect(error.description.contains("fuzz.json"), "\(error)")
            }
        }
        FaultLedger.record(FaultFigures(area: "fuzz: molecule libraries", faults: rejected, inputs: cases))
    }

    @Test("zone files: zones or an error naming the file")
    func zoneFiles() throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed &+ 2)
        let cases = Campaign.count(1000)
        var rejected = 0
        for _ in 0..<cases {
            var yaml = "zones:\n"
            for _ in 0..<fuzz.int(0...3) {
                yaml += "  - name: \(fuzz.chance(0.5) ? "site-\(fuzz.int(0...9))" : fuzz.value(marker: Self.marker))\n"
                yaml += "    kind: \(fuzz.pick(["local", "container", "slurm", "ssh", fuzz.text(maxLength: 8)]))\n"
                if fuzz.chance(0.7) { yaml += "    slots: \(fuzz.value(marker: Self.marker))\n" }
                if fuzz.chance(0.3) { yaml += "    prefer: \(fuzz.pick(["true", "false", "yes", "2", fuzz.text(maxLength: 5)]))\n" }
                if fuzz.chance(0.4) { yaml += "    image: \(fuzz.value(marker: Self.marker))\n" }
                if fuzz.chance(0.3) { yaml += "    runtime: \(fuzz.pick(["podman", "docker", "/bin/sh", fuzz.value(marker: Self.marker)]))\n" }
                if fuzz.chance(0.2) { yaml += "    \(fuzz.text(maxLength: 8)): \(fuzz.value(marker: Self.marker))\n" }
            }
            if fuzz.chance(0.5) { yaml = fuzz.mutate(yaml, marker: Self.marker) }
            do {
                for spec in try ZoneFile.parse(yaml, path: "fuzz.yaml") {
                    do {
                        let zone = try spec.makeZone()
                        #expect(zone.slots >= 1)
                    } catch {
                        rejected += 1
                        #expect(!error.description.isEmpty)
                    }
                }
            } catch {
                rejected += 1
                #expect(error.description.contains("fuzz.yaml"), "\(error)")
            }
        }
        FaultLedger.record(FaultFigures(area: "fuzz: zone files", faults: rejected, inputs: cases))
    }

    @Test("templates: rejected naming the placeholder, or rendered with every placeholder filled")
    func templates() throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed &+ 3)
        let known = PointPlaceholders.names.union(["title"])
        let cases = Campaign.count(2000)
        var rejected = 0
        let pieces = ["{r_angstrom}", "{atoms}", "{title}", "{nosuch}", "{", "}", "{{", "}}", "{ scan }", "{9x}", "{scan", "$(x)", "\n"]
        for _ in 0..<cases {
            var text = ""
            for _ in 0..<fuzz.int(0...10) { text += fuzz.chance(0.5) ? fuzz.pick(pieces) : fuzz.text(maxLength: 8) }
            do {
                let template = try InputTemplate(text: text, source: "fuzz", known: known)
                // Values without braces: no placeholder the template uses may survive rendering (unless escapes make braces).
                let rendered = template.render(Dictionary(uniqueKeysWithValues: known.map { ($0, "V") }))
                for name in template.placeholders where !text.contains("{{") && !text.contains("}}") {
                    #expect(!rendered.contains("{\(name)}"), "\(text) rendered as \(rendered)")
                }
                // A hostile value is inserted verbatim, never interpreted.
                let hostile = fuzz.value(marker: Self.marker)
                #expect(try InputTemplate(text: "{title}", source: "fuzz", known: known).render(["title": hostile]) == hostile)
            } catch {
                rejected += 1
                #expect(error.description.contains("nosuch") || error.description.contains("fuzz"), "\(error)")
            }
        }
        FaultLedger.record(FaultFigures(area: "fuzz: templates", faults: rejected, inputs: cases))
    }

    @Test("engine outputs: every parser gives a finite energy or says what it expected")
    func engineOutputs() throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed &+ 4)
        let parsers: [any EnergyParser] = [
            try RegexEnergyParser(energyPattern: #"Total energy:\s*(\S+)"#, unit: .electronvolt, unconvergedPattern: "NOT CONVERGED"),
            BerthaOutput(), NWChemOutput(), Psi4Output(), PySCFOutput(), XTBOutput(),
        ]
        let lines = [
            "Total energy: -1.5", "Total energy: nan", "Total energy:", "energy_hartree = -0.5", "energy_hartree = inf",
            " total energy = -1.0D+00", "Total Energy = -1.1", "          | TOTAL ENERGY             -1.0 Eh   |",
            " final output:", "convergence not obtained", "SCF NOT CONVERGED", "Total SCF energy =   -1.1",
            "converged SCF energy = -1.1", "@DF-RHF Final Energy:   -1.1", "    Total Energy =      -1e999",
        ]
        let cases = Campaign.count(1500)
        var rejected = 0
        for _ in 0..<cases {
            var text = ""
            for _ in 0..<fuzz.int(0...8) { text += (fuzz.chance(0.6) ? fuzz.pick(lines) : fuzz.text()) + "\n" }
            if fuzz.chance(0.4) { text = fuzz.mutate(text, marker: Self.marker) }
            for parser in parsers {
                do {
                    let parsed = try parser.parse(text)
                    #expect(parsed.hartree.isFinite, "\(type(of: parser)) returned \(parsed.hartree) from \(text)")
                } catch {
                    rejected += 1
                    #expect(!error.description.isEmpty)
                }
                _ = parser.failureHint(text)
            }
            do {
                #expect(try ModelEnergyOutput.parse(text).isFinite)
            } catch {
                rejected += 1
            }
        }
        FaultLedger.record(FaultFigures(area: "fuzz: engine outputs", faults: rejected, inputs: cases * (parsers.count + 1)))
    }

    @Test("scan names and template engine options: nothing accepted can leave the work directory")
    func namesAndEngineOptions() throws {
        var fuzz = FuzzGenerator(seed: Campaign.seed &+ 5)
        let cases = Campaign.count(1500)
        var rejected = 0
        let spec = try TestSupport.librarySpec(molecule: "H2", name: "fuzz", points: 2)
        let template = try TestSupport.temporaryFolder("pesscan-fuzz").appendingPathComponent("input.txt")
        try "{title}\n{atoms}\n".write(to: template, atomically: true, encoding: .utf8)
        for _ in 0..<cases {
            let name = fuzz.chance(0.5) ? fuzz.value(marker: Self.marker) : fuzz.mutate("AuOg+_1.2-x", marker: Self.marker)
            if let scan = try? ScanName(name) {
                #expect(!scan.rawValue.contains("/") && scan.rawValue != "." && scan.rawValue != "..", "accepted \(scan)")
                #expect(scan.rawValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._+-".contains($0)) })
            } else {
                rejected += 1
            }
            var options = [
                "template": template.path, "argv": "[\"/bin/echo\",\"{title}\",\(fuzz.chance(0.5) ? "\"{point}\"" : "\"x\"")]",
                "energy_regex": "E=(\\S+)", "title": fuzz.value(marker: Self.marker),
            ]
            if fuzz.chance(0.5) { options["input"] = fuzz.value(marker: Self.marker) }
            if fuzz.chance(0.5) { options["output"] = fuzz.value(marker: Self.marker) }
            var settings = spec
            settings.engine = EngineSettings(name: "template", options: options)
            do {
                guard let engine = try EngineCatalog(pesscanExecutable: nil, inputsFolder: TestSupport.inputsFolder, environment: ProcessInfo.processInfo.environment).engine(for: settings) as? ProgramEngine else { continue }
                let job = EngineJob(
                    scanName: "fuzz", pointIndex: 0, attemptNumber: 1, rAngstrom: 0.74, molecule: spec.molecule,
                    workDirectory: URL(fileURLWithPath: "/work-dir"))
                let (arguments, files) = engine.rendered(job)
                for file in files { #expect(!file.name.contains("/") && !file.name.hasPrefix("."), "input file \(file.name)") }
                #expect(!engine.outputFile.contains("/") && !engine.outputFile.hasPrefix("."), "output \(engine.outputFile)")
                #expect(arguments.first == options["title"], "the value travels as one argument, verbatim")
            } catch {
                rejected += 1
                #expect(!error.description.isEmpty)
            }
        }
        FaultLedger.record(FaultFigures(area: "fuzz: names and engine options", faults: rejected, inputs: cases * 2))
    }
}
