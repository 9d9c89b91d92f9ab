import Foundation
import PESCore

/// Helpers shared by pesscan's test targets.
public enum TestSupport {
    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder(_ label: String = "pesscan-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The package's root folder, found from this source file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The molecule library shipped in `Inputs/`.
    public static var moleculeLibrary: URL {
        packageRoot.appendingPathComponent("Inputs/molecules.json")
    }

    /// The project's `Inputs/` folder, holding the engine templates.
    public static var inputsFolder: URL {
        packageRoot.appendingPathComponent("Inputs", isDirectory: true)
    }

    /// Whether `actual` is within `relative` × |expected| (or `absolute`) of `expected`.
    public static func isClose(_ actual: Double, _ expected: Double, relative: Double = 0, absolute: Double = 0) -> Bool {
        abs(actual - expected) <= max(relative * abs(expected), absolute)
    }

    /// A scan of a library molecule over its default range with the built-in model engine.
    public static func librarySpec(molecule: String, name: String, points: Int) throws -> ScanSpec {
        let entry = try MoleculeLibrary.load(from: moleculeLibrary).molecule(named: molecule)
        return ScanSpec(
            name: try ScanName(name), molecule: entry.molecule, engine: EngineSettings(name: "model"),
            modelConstants: entry.constants,
            bondLengthsAngstrom: try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points))
    }
}
