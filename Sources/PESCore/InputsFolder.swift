import Foundation

/// Finds files of the project's `Inputs/` folder for a command run from anywhere.
public enum InputsFolder {
    /// `Inputs/<relative>` in the current folder, else in the nearest folder above the executable that has it; the first when none has.
    public static func locate(_ relative: String) -> URL {
        let manager = FileManager.default
        let here = URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("Inputs").appendingPathComponent(relative)
        if manager.fileExists(atPath: here.path) { return here }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("Inputs").appendingPathComponent(relative)
            if manager.fileExists(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return here
    }
}
