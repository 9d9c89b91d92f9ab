import Foundation
import PESCore

/// One input file of a point: its name in the work directory and its text.
public struct InputFile: Sendable, Hashable {
    /// Plain file name (no folders), checked when the engine is built.
    public var name: String
    /// The file's text.
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// Writes the input files of one point from its geometry.
public protocol InputWriter: Sendable {
    /// The files for `job`; `values` are the point's placeholder values (see ``PointPlaceholders``).
    func inputFiles(for job: EngineJob, values: [String: String]) -> [InputFile]
}

/// Input files filled in from templates.
public struct TemplateInputs: InputWriter {
    /// Each file's name in the work directory and its template.
    public var files: [(name: String, template: InputTemplate)]

    public init(files: [(name: String, template: InputTemplate)]) {
        self.files = files
    }

    public func inputFiles(for job: EngineJob, values: [String: String]) -> [InputFile] {
        files.map { InputFile(name: $0.name, contents: $0.template.render(values)) }
    }
}

/// An external program run once per point: write inputs → run an argv in the work directory → parse an output file.
///
/// Every external engine (xtb, NWChem, Psi4, PySCF, BERTHA and the generic
/// template engine) is one of these, differing only in its inputs, argv and
/// parser. A non-zero exit, a signal or an unreadable output fails the point
/// with the reason; an output saying the SCF did not converge gives an
/// unconverged energy.
public struct ProgramEngine: ProcessEngine {
    public let name: String
    public let usesWorkDirectory = true
    /// Writes the point's input files.
    public let inputs: any InputWriter
    /// How the program starts: executable, environment, limits, and whether it is missing on this machine.
    public let launch: ProgramLaunch
    /// Its arguments, with placeholders filled per point.
    public let arguments: [InputTemplate]
    /// The file parsed for the energy: `stdout.txt` (the captured standard output) or a file the program writes.
    public let outputFile: String
    /// Reads the energy from `outputFile`.
    public let parser: any EnergyParser
    /// Option values that are placeholders too.
    public let options: [String: String]

    public init(
        name: String, inputs: any InputWriter, launch: ProgramLaunch, arguments: [InputTemplate], outputFile: String,
        parser: any EnergyParser, options: [String: String]
    ) {
        self.name = name
        self.inputs = inputs
        self.launch = launch
        self.arguments = arguments
        self.outputFile = outputFile
        self.parser = parser
        self.options = options
    }

    /// The program on this machine (its name as a path when it is only in container images).
    public var executable: URL { launch.executable }
    /// The whole environment of a local child.
    public var environment: [String: String] { launch.environment }
    /// The program when it is not on this machine, so that only container zones can run the engine.
    public var programMissingOnHost: String? { launch.missingOnHost ? launch.program : nil }

    /// The argv (without the program) and input files for `job`, as the run writes them.
    public func rendered(_ job: EngineJob) -> (arguments: [String], files: [InputFile]) {
        let values = PointPlaceholders.values(for: job, options: options)
        return (arguments.map { $0.render(values) }, inputs.inputFiles(for: job, values: values))
    }

    public func prepare(_ job: EngineJob) -> Result<ProcessCommand, PreparationFailure> {
        let (argv, files) = rendered(job)
        do {
            for file in files {
                try Data(file.contents.utf8).write(to: job.workDirectory.appendingPathComponent(file.name))
            }
        } catch {
            return .failure(PreparationFailure(
                reason: "could not write the input files in \(job.workDirectory.path): \(error.localizedDescription)"))
        }
        return .success(launch.command(arguments: argv))
    }

    public func interpret(_ job: EngineJob, _ result: ProcessResult) -> EngineOutcome {
        let program = URL(fileURLWithPath: launch.program).lastPathComponent
        let outputURL = job.workDirectory.appendingPathComponent(outputFile)
        let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let parsed: Result<ParsedEnergy, EngineParseError>
        do {
            parsed = .success(try parser.parse(text))
        } catch {
            parsed = .failure(error)
        }
        let hint =
            parser.failureHint(text).map { "; the output says \"\($0)\"" }
            ?? ErrorLine.meaningful(in: result.standardErrorTail).map { "; stderr says \"\($0)\"" } ?? ""
        var details = RunDetails(
            exitStatus: result.signalled ? nil : result.status,
            stderrTail: result.standardErrorTail.isEmpty ? nil : result.standardErrorTail,
            engineVersion: try? parsed.get().version)
        guard !result.signalled else {
            return .failed(reason: "\(program) was killed by signal \(result.status)", details: details)
        }
        switch parsed {
        case .success(let energy) where result.status == 0 || !energy.converged:
            // An output that says the SCF did not converge gives an unconverged energy, whatever the exit status.
            return .energy(hartree: energy.hartree, converged: energy.converged, details: details)
        case .success:
            return .failed(reason: "\(program) exited with status \(result.status)\(hint); see \(outputURL.path)", details: details)
        case .failure(let error):
            details.engineVersion = nil
            let status = result.status == 0 ? "" : "\(program) exited with status \(result.status); "
            return .failed(reason: "\(status)cannot read the energy from \(outputURL.path): \(error)\(hint)", details: details)
        }
    }
}
