import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

/// Options of a polyatomic scan: its Z-matrix, the coordinates varied and where they start.
struct CoordinateOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Z-matrix file of a polyatomic molecule (Gaussian/Psi4 notation with named variables, e.g. `O`, `H 1 r`, `H 1 r 2 theta`, then `r = 0.96`, `theta = 104.5`); a variable used twice ties two coordinates.",
        valueName: "file"))
    var zmatrix: String?

    @Option(help: ArgumentHelp(
        "Z-matrix variables to vary, in order (default: all); the others keep their values.", valueName: "r,theta"))
    var vary: String?

    @Option(help: ArgumentHelp(
        "Values replacing the Z-matrix's or the library's, Å and degrees: the grid's centre, or where optimize starts.",
        valueName: "r=1.0,theta=110"))
    var start: String?

    /// Whether any option of a polyatomic scan was given.
    var isGiven: Bool { zmatrix != nil || vary != nil || start != nil }

    func validate() throws {
        _ = try Self.values(start, option: "--start")
        _ = try variedNames()
    }

    /// The --vary names, or nil to vary all.
    func variedNames() throws -> [String]? {
        guard let vary else { return nil }
        let names = vary.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where !ZMatrix.isVariableName(name) {
            throw ValidationError("--vary takes Z-matrix variable names separated by commas, e.g. r,theta; got \"\(name)\".")
        }
        return names
    }

    /// The Z-matrix file's text, or nil when no file was given; an unreadable file is a usage error.
    func zmatrixText() throws -> String? {
        guard let zmatrix else { return nil }
        do {
            return try String(contentsOf: URL(fileURLWithPath: zmatrix), encoding: .utf8)
        } catch {
            throw ValidationError("Cannot read the Z-matrix file \(zmatrix): \(FileReadFailure.reason(error)).")
        }
    }

    /// The request with these options and the layout given by the command.
    func request(counts: PointCounts, widths: [String: Double] = [:], design: GridDesign = .grid) throws -> CoordinateScanRequest {
        CoordinateScanRequest(
            zmatrixText: try zmatrixText(), values: try Self.values(start, option: "--start"), varied: try variedNames(),
            counts: counts, widths: widths, design: design)
    }

    /// `name=value` pairs separated by commas, values finite numbers; nil text gives no pairs.
    static func values(_ text: String?, option: String) throws -> [String: Double] {
        guard let text else { return [:] }
        return try namedList(text) { Double($0).flatMap { $0.isFinite ? $0 : nil } } refuse: { pair, repeated in
            ValidationError(
                repeated ? "\(option) gives \(pair) twice."
                    : "\(option) takes name=value pairs separated by commas, e.g. r=1.0,theta=110; got \"\(pair)\".")
        }
    }

    /// `name=value` pairs separated by commas, each name a Z-matrix variable's once, each value read by `parse`.
    ///
    /// A malformed pair, or a name given twice, is `refuse(pair, false)` or `refuse(name, true)`.
    static func namedList<Value, Failure: Error>(
        _ text: String, parse: (String) -> Value?, refuse: (String, Bool) -> Failure
    ) throws(Failure) -> [String: Value] {
        var values: [String: Value] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ZMatrix.isVariableName(parts[0]), let value = parse(parts[1]) else { throw refuse(String(pair), false) }
            guard values[parts[0]] == nil else { throw refuse(parts[0], true) }
            values[parts[0]] = value
        }
        return values
    }
}

/// `--points` of `plan`: one count (every coordinate, or a diatomic's bond lengths) or `name=count` per coordinate.
struct PointCountsArgument: ExpressibleByArgument, Sendable {
    /// The counts as the use case takes them.
    var counts: PointCounts

    init?(argument: String) {
        if let count = Int(argument) {
            counts = .each(count)
            return
        }
        struct Malformed: Error {}
        guard let byName = try? CoordinateOptions.namedList(argument, parse: { Int($0) }, refuse: { _, _ in Malformed() }),
              !byName.isEmpty
        else { return nil }
        counts = .byName(byName)
    }

    /// Every count given.
    var allCounts: [Int] {
        switch counts {
        case .each(let count): return [count]
        case .byName(let byName): return Array(byName.values)
        }
    }
}
