/// The engines pesscan knows, by the name a scan stores.
public enum EngineKind: String, CaseIterable, Sendable, Codable {
    /// The built-in Morse curve, in process.
    case model
    /// The same curve as a child process per point (`pesscan model-energy`).
    case modelProcess = "model-process"
    case pyscf, xtb, nwchem, psi4, bertha
    /// Any program described by an input template, an argv and an energy pattern.
    case template

    /// The engine named `name`, ignoring case (`PySCF` is `pyscf`).
    public init?(named name: String) {
        self.init(rawValue: name.lowercased())
    }
}
