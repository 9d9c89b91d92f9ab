import ArgumentParser
import PESFit
import PESWorkflow

extension WorkflowError {
    /// Prints the error in the command line's words (the flags that fix it) and returns the exit to throw.
    var reported: ExitCode {
        Failure.report(commandLineMessage, status: exitStatus)
    }

    /// The message naming the flags or commands that fix the problem.
    var commandLineMessage: String {
        switch self {
        case .fit(let error, let notComputed):
            var message = error.commandLineMessage
            if notComputed > 0 {
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
        case .store, .energyTable, .molecule, .encoding, .collect:
            return description
        }
    }

    /// The sysexits status of the error.
    var exitStatus: ExitStatus {
        switch self {
        case .store(let error): return .unavailableOrData(error)
        case .fit, .noEnergies, .energyTable, .encoding: return .data
        case .unreadable, .unwritable, .collect: return .unavailable
        case .massCount, .molecule: return .usage
        }
    }
}

extension FitError {
    /// The problem and its remedy in the command line's flags.
    var commandLineMessage: String {
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
        }
    }
}
