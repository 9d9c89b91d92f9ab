import Foundation
import PESTestSupport
import Testing

/// Waiting on child processes and conditions without fixed sleeps, with deadlines that tolerate a loaded machine.
enum ProcessWatch {
    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    @discardableResult
    static func poll(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    /// Waits for `process` to end, killing it and recording an issue when it takes longer than `seconds` (a stall).
    static func finish(_ process: Process, within seconds: Double, what: String) -> Bool {
        if poll(seconds: seconds, { !process.isRunning }) {
            process.waitUntilExit()
            return true
        }
        Issue.record("\(what) stalled: still running after \(seconds) s; killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// Runs `pesscan arguments…` in `runner`'s folder with a stall deadline.
    static func run(_ runner: BinaryRunner, _ arguments: [String], within seconds: Double = 180) throws -> BinaryRunner.Result {
        let (process, out, err) = try runner.start(arguments)
        _ = finish(process, within: seconds, what: "pesscan \(arguments.joined(separator: " "))")
        return BinaryRunner.wait(process, out, err)
    }

    /// Ids of live processes whose working directory is inside `folder` (engines orphaned by a killed collect).
    static func processes(workingIn folder: URL) -> [Int32] {
        let prefix = folder.resolvingSymlinksInPath().path + "/"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
            return (cwd + "/").hasPrefix(prefix)
        }
    }

    /// Waits until no process works inside `folder`, so engine-side marker files are final.
    static func waitForOrphans(in folder: URL, seconds: Double = 60) {
        let quiet = poll(seconds: seconds) { processes(workingIn: folder).isEmpty }
        if !quiet { Issue.record("engine processes still running in \(folder.path) after \(seconds) s") }
    }
}
