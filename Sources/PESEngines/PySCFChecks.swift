import Foundation
import PESCore

/// Checks of a PySCF scan made at plan time without running Python: typed basis and functional names, and the spin.
enum PySCFChecks {
    /// Closed-shell methods and the open-shell methods to use instead.
    static let openShellAlternatives = ["rhf": ["uhf", "rohf"], "rks": ["uks", "roks"]]

    /// Throws when a restricted method meets an open shell, or the basis or xc is a near miss of a name PySCF knows.
    ///
    /// `values` are the engine's resolved options; the name lists are
    /// `<inputs>/engines/pyscf/basis-names.txt` and `xc-names.txt`. A name far from
    /// every listed one passes: PySCF may still read it from a file or another source.
    static func check(_ values: [String: String], molecule: Molecule, inputsFolder: URL) throws(EngineSetupError) {
        let method = values["method"] ?? "rhf"
        if molecule.multiplicity != 1, let alternatives = openShellAlternatives[method], !alternatives.isEmpty {
            throw .restrictedOpenShell(engine: "pyscf", method: method, multiplicity: molecule.multiplicity, alternatives: alternatives)
        }
        let folder = inputsFolder.appendingPathComponent("engines/pyscf")
        if let basis = values["basis"] {
            try refuseNearMiss(
                basis, key: "basis", normalised: basisKey(basis), list: folder.appendingPathComponent("basis-names.txt"))
        }
        if ["rks", "uks", "roks", "dks", "x2c-ks"].contains(method), let xc = values["xc"], isSingleName(xc) {
            try refuseNearMiss(xc, key: "xc", normalised: xc.uppercased(), list: folder.appendingPathComponent("xc-names.txt"))
        }
    }

    /// A basis name as PySCF compares it: lower case without `-`, `_` and spaces.
    static func basisKey(_ name: String) -> String {
        name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
    }

    /// Whether `xc` is one functional name rather than an expression (`0.2*HF+0.8*B88,LYP`).
    static func isSingleName(_ xc: String) -> Bool {
        !xc.contains { ",+*()".contains($0) }
    }

    /// Throws `misspelledName` when `normalised` is not in the list file but close to a name in it; a missing list checks nothing.
    private static func refuseNearMiss(_ value: String, key: String, normalised: String, list: URL) throws(EngineSetupError) {
        guard let text = try? String(contentsOf: list, encoding: .utf8) else { return }
        let names = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let suggestion = Suggestion.didYouMean(normalised, among: names)
        guard !names.contains(normalised), !suggestion.isEmpty else { return }
        throw .misspelledName(engine: "pyscf", key: key, value: value, suggestion: suggestion, list: list.path)
    }
}
