import Foundation
import PESStore
import PESWorkflow

/// Calling a use case and turning its domain error into a message that names flags, with the matching exit status.
enum Workflow {
    /// Runs `body`; a ``WorkflowError`` is printed and becomes the exit to throw.
    static func run<T>(_ body: () throws(WorkflowError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Failure.report(error.message, status: error.exitStatus)
        }
    }

    /// Runs the asynchronous `body`; a ``WorkflowError`` is printed and becomes the exit to throw.
    static func run<T>(_ body: () async throws(WorkflowError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Failure.report(error.message, status: error.exitStatus)
        }
    }
}

extension WorkflowError {
    /// What went wrong and what to do, in terms of the command line.
    var message: String {
        switch self {
        case .store(let error): return error.commandLineMessage
        case .molecule(let error): return error.description
        case .invalidMolecule(let reason): return reason
        case .scan(let error): return error.description
        case .engineSetup(let scan, let error): return "Scan \(scan) cannot run: \(error)"
        case .dispatch(let error): return error.description
        case .unreadableFile(let path, let reason): return "Cannot read \(path): \(reason). Check the path."
        case .malformedFile(let path, let detail): return "\(path), \(detail) Nothing was imported."
        case .unwritableFile(let path, let reason):
            return "Cannot write \(path): \(reason). Give another --output or check the folder's permissions."
        case .schedulerRefused(let reason): return "Could not cancel the jobs: \(reason). Nothing was changed."
        }
    }

    /// The exit status: 64 usage, 65 bad data, 69 a file or service that cannot be used.
    var exitStatus: ExitStatus {
        switch self {
        case .store(let error): return .unavailableOrData(error)
        case .molecule, .invalidMolecule, .scan: return .usage
        case .engineSetup, .dispatch, .unreadableFile, .unwritableFile, .schedulerRefused: return .unavailable
        case .malformedFile: return .data
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
