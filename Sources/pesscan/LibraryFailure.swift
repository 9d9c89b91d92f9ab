import ArgumentParser
import PESCore
import PESWorkflow

extension MoleculeLibraryError {
    /// 69 when the library cannot be found or read, 65 when it is not a valid library, 64 for a molecule it does not know or of the wrong kind.
    var exitStatus: ExitStatus {
        switch self {
        case .notFound, .unreadable: return .unavailable
        case .malformed, .invalidEntry, .duplicate: return .data
        case .unknownMolecule, .polyatomicEntry, .unknownPolyatomic, .diatomicEntry: return .usage
        }
    }

    /// The error to throw: a usage error (shown with the usage line) for an unknown molecule, else the message printed with its status.
    var commandFailure: any Error {
        exitStatus == .usage ? ValidationError(description) : Failure.report(description, status: exitStatus)
    }
}

extension WorkflowError {
    /// The error to throw before anything is written: a usage error (exit 64), except for a molecule library that cannot be used.
    ///
    /// A library that is missing or unreadable exits 69, an invalid one 65,
    /// each with one line naming the file.
    var beforeWriting: any Error {
        if case .library(let error) = self, error.exitStatus != .usage { return reported }
        return ValidationError(commandLineMessage)
    }
}
