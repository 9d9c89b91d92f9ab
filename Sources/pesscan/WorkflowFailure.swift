import ArgumentParser
import Foundation
import PESCore
import PESFit
import PESStore
import PESWorkflow

/// Calling a use case and turning its domain error into a message that names flags, with the matching exit status.
enum Workflow {
    /// Runs `body`; a ``WorkflowError`` is printed and becomes the exit to throw.
    static func run<T>(_ body: () throws(WorkflowError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw error.reported
        }
    }

    /// Runs the asynchronous `body`; a ``WorkflowError`` is printed and becomes the exit to throw.
    static func run<T>(_ body: () async throws(WorkflowError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw error.reported
        }
    }
}

extension WorkflowError {
    /// Prints the error in the command line's words (the flags that fix it) and returns the exit to throw.
    var reported: ExitCode {
        Failure.report(commandLineMessage, status: exitStatus)
    }

    /// The message naming the flags or commands that fix the problem.
    var commandLineMessage: String {
        switch self {
        case .store(let error):
            return error.commandLineMessage
        case .noMolecule:
            return "Name the molecule with --molecule NAME or --atoms A,B."
        case .fit(let error, let notComputed, let remedy):
            var message = error.commandLineMessage(remedy: remedy)
            if notComputed > 0, !remedy.isCollectPending {
                message += " (\(notComputed) point\(notComputed == 1 ? " is" : "s are") not computed yet: run pesscan collect.)"
            }
            return message
        case .noEnergies(let scan):
            return "The scan \(scan) has no computed energies yet; run pesscan collect first."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason). Check the path."
        case .unwritable(let path, let reason):
            return "Cannot write \(path): \(reason). Give another --output or check the folder's permissions."
        case .massCount(let expected, let given):
            return "--masses or --isotopes needs \(expected) values, one per atom; got \(given)."
        case .energyTable(let path, let error):
            return "\(path), \(error.description) Nothing was imported."
        case .schedulerRefused(let reason):
            return "Could not cancel the jobs: \(reason). Nothing was changed."
        case .plotCoordinates(let scan, let coordinates):
            let pair = coordinates.prefix(2).joined(separator: ",")
            return "The scan \(scan) varies \(Plural.count(coordinates.count, "coordinate")) (\(coordinates.joined(separator: ", "))); "
                + "its contour plot needs exactly two. Plan a scan of two of them (pesscan plan with the same options and "
                + "--vary \(pair) --scan \(scan)-2d), then plot that; pesscan fit --scan \(scan) fits this one."
        case .contourNotInTerminal(let scan):
            return "The scan \(scan) varies two coordinates: its contour plot is drawn as SVG only. "
                + "Run pesscan plot --scan \(scan) without --terminal (add --no-png for the SVG alone)."
        case .surfaceModel(let scan, _):
            return "The scan \(scan) varies two coordinates: its contours are of a polynomial of total degree --degree "
                + "(a whole number, e.g. 4); --model and --degree auto are for curves."
        case .library, .molecule, .scan, .engineSetup, .dispatch, .encoding, .geometry, .coordinates, .notPolyatomic,
            .optimizationPointMissing:
            return description
        }
    }

    /// The sysexits status of the error: 64 usage, 65 bad data, 69 a file or service that cannot be used.
    var exitStatus: ExitStatus {
        switch self {
        case .store(let error): return .unavailableOrData(error)
        case .fit(.lapackUnavailable, _, _): return .unavailable
        case .fit, .noEnergies, .energyTable, .encoding, .optimizationPointMissing: return .data
        case .unreadable, .unwritable, .dispatch, .engineSetup, .schedulerRefused: return .unavailable
        case .library(let error): return error.exitStatus
        case .massCount, .molecule, .noMolecule, .scan, .geometry, .coordinates, .notPolyatomic, .plotCoordinates, .contourNotInTerminal,
            .surfaceModel:
            return .usage
        }
    }
}

extension StoreError {
    /// The store's message with what to do on the command line added.
    var commandLineMessage: String {
        switch self {
        case .missingDatabase: return description + " Plan a scan first (pesscan plan --molecule AuOg+ --points 11) or give --db PATH."
        case .scanExists: return description + " Choose another --scan NAME, or pass --replace to discard it and plan again."
        case .scanRunning: return description + " Wait for that collect to finish or stop it, or pass --force to discard the running attempts with the scan."
        case .noScans: return description + " Plan one first: pesscan plan --molecule AuOg+ --points 11."
        case .newerSchema: return description + " Use that newer pesscan, or another --db."
        case .readOnly: return description + " Check the file's permissions or give another --db."
        case .notADatabase: return description + " Give another --db or move the file away."
        default: return description
        }
    }
}

extension FitError {
    /// The problem and its remedy in the command line's flags.
    var commandLineMessage: String { commandLineMessage(remedy: remedy) }

    /// The problem and `remedy` (what fixes it given the whole scan, by default the error's own) in the command line's flags.
    func commandLineMessage(remedy: FitRemedy?) -> String {
        guard let remedy else { return problem }
        return problem + " " + remedy.commandLineAdvice
    }
}

extension FitRemedy {
    /// The remedy as flags of `fit`, `plot` and `refine`.
    var commandLineAdvice: String {
        switch self {
        case .degreeAtLeast(let degree): return "Use --degree \(degree) or more."
        case .lowerDegreeOrMorePoints: return "Lower --degree or collect more points."
        case .lowerDegreeOrSpreadPoints: return "Lower --degree, or add points spread over the range."
        case .anotherDegree: return "Try another --degree."
        case .rescan(let from, let to): return "Plan a new scan with --from \(Output.fixed(from, 4)) --to \(Output.fixed(to, 4))."
        case .polynomialModel: return "Try --model polynomial."
        case .installLAPACK: return description
        case .collectPending(let count, _):
            return "\(count) point\(count == 1 ? "" : "s") pending cover\(count == 1 ? "s" : "") that side: run `pesscan collect` first."
        }
    }
}
