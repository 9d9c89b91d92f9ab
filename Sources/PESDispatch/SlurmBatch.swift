import Foundation
import PESEngines

/// The files of one array job: a fixed job script and, per task, its argv and work directory as data.
///
/// No value reaches the shell as code: the script reads each task's argv
/// (NUL-separated) into an array and runs it, writing the exit status to
/// `pesscan-exit` in the point's work directory for `collect` to harvest.
enum SlurmBatch {
    /// The job script every array task runs, with the batch folder as its working directory.
    static let script = """
        #!/bin/bash
        # Written by pesscan: runs one point of an array job. Task files hold the values; this script holds none.
        set -u
        task=${SLURM_ARRAY_TASK_ID:?not an array task}
        workdir=$(cat "task-$task.dir") || exit 96
        mapfile -d '' -t argv < "task-$task.argv" || exit 96
        cd "$workdir" || exit 97
        "${argv[@]}" > stdout.txt 2> stderr.txt
        status=$?
        printf '%s\\n' "$status" > pesscan-exit.tmp && mv pesscan-exit.tmp pesscan-exit
        exit "$status"

        """

    /// File name of the exit status a finished task leaves in its work directory.
    static let exitFile = "pesscan-exit"

    /// Writes the script and task files for `commands` (one per task, in task order) into `folder`.
    static func write(commands: [(ProcessCommand, workDirectory: URL)], to folder: URL) throws -> URL {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let scriptURL = folder.appendingPathComponent("pesscan-array.sh")
        try Data(script.utf8).write(to: scriptURL)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptURL.path)
        for (task, entry) in commands.enumerated() {
            let argv = [entry.0.executable.path] + entry.0.arguments
            var data = Data()
            for argument in argv {
                data.append(contentsOf: Array(argument.utf8))
                data.append(0)
            }
            try data.write(to: folder.appendingPathComponent("task-\(task).argv"))
            try Data(entry.workDirectory.path.utf8).write(to: folder.appendingPathComponent("task-\(task).dir"))
            // A result from an earlier attempt must not be taken for this one's.
            try? manager.removeItem(at: entry.workDirectory.appendingPathComponent(exitFile))
        }
        return scriptURL
    }

    /// The finished task's result read from its work directory, or nil when it has not finished.
    static func harvest(workDirectory: URL) -> ProcessResult? {
        guard let text = try? String(contentsOf: workDirectory.appendingPathComponent(exitFile), encoding: .utf8),
            let status = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        let output = (try? String(contentsOf: workDirectory.appendingPathComponent("stdout.txt"), encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOf: workDirectory.appendingPathComponent("stderr.txt"), encoding: .utf8)) ?? ""
        let tail = errors.split(separator: "\n").suffix(20).joined(separator: "\n")
        // bash reports death by signal N as 128 + N.
        let signalled = status > 128 && status < 160
        return ProcessResult(
            status: signalled ? status - 128 : status, signalled: signalled, cancelled: false, standardOutput: output,
            standardErrorTail: tail)
    }
}
