import Foundation

/// Finds a program the way a shell would, without running one: a path as given, or a name on `PATH`.
public enum ExecutableLookup {
    /// The executable `program` names, or nil when there is none.
    public static func find(_ program: String, environment: [String: String]) -> URL? {
        let manager = FileManager.default
        if program.contains("/") {
            return manager.isExecutableFile(atPath: program) ? URL(fileURLWithPath: program) : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(program)
            if manager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
