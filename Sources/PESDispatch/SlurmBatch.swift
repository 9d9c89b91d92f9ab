import Foundation
import PESEngines

/// The files of one array job: a fixed job script and, per task, its argv, environment, limits and work directory as data.
///
/// No value reaches the shell as code: the script reads each task's argv
/// (NUL-separated) into an array, exports the engine's variables
/// (`NAME=value`, NUL-separated), sets each limit with bash's `ulimit`
/// (`flag value` lines), runs the argv, and writes the exit status to
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
        while IFS= read -r -d '' assignment; do export "$assignment"; done < "task-$task.env"
        limits="$PWD/task-$task.limits"
        cd "$workdir" || exit 97
        while read -r flag value; do
          ulimit -S "$flag" "$value" 2> /dev/null || ulimit "$flag" "$value" 2>> stderr.txt || {
            echo "pesscan: cannot set ulimit $flag $value on $(hostname): the node's hard limit is lower" >> stderr.txt
            printf '95\\n' > pesscan-exit.tmp && mv pesscan-exit.tmp pesscan-exit
            exit 95
          }
        done < "$limits"
        "${argv[@]}" > stdout.txt 2> stderr.txt
        status=$?
        printf '%s\\n' "$status" > pesscan-exit.tmp && mv pesscan-exit.tmp pesscan-exit
        exit "$status"

        """

    /// File name of the exit status a finished task leaves in its work directory.
    static let exitFile = "pesscan-exit"

    /// Writes the script and task files for `commands` (one per task, in task order) into `folder`.
    ///
    /// Each task's limits are its command's with `zoneLimits` set over them.
    static func write(commands: [(ProcessCommand, workDirectory: URL)], zoneLimits: ResourceLimits = .none, to folder: URL) throws -> URL {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let scriptURL = folder.appendingPathComponent("pesscan-array.sh")
        try Data(script.utf8).write(to: scriptURL)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptURL.path)
        for (task, entry) in commands.enumerated() {
            try TaskFiles.nulTerminated([entry.0.executable.path] + entry.0.arguments)
                .write(to: folder.appendingPathComponent("task-\(task).argv"))
            try TaskFiles.nulTerminated(entry.0.engineEnvironment.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" })
                .write(to: folder.appendingPathComponent("task-\(task).env"))
            try Data(TaskFiles.ulimitLines(entry.0.limits.overridden(by: zoneLimits)).utf8)
                .write(to: folder.appendingPathComponent("task-\(task).limits"))
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
        return TaskFiles.finished(status: status, in: workDirectory)
    }
}
