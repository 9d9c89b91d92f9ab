import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

/// Options naming a molecule: from the library, or by its atoms; with optional isotopes.
struct MoleculeOptions: ParsableArguments {
    @Option(help: "Molecule from the library (see `pesscan molecules`), e.g. AuOg+, H2, HF.")
    var molecule: String?

    @Option(help: ArgumentHelp("Atoms of a molecule not in the library, e.g. Au,Og.", valueName: "A,B"))
    var atoms: String?

    @Option(parsing: .unconditional, help: "Total charge of a molecule given with --atoms, e.g. --charge -1.")
    var charge: Int = 0

    @Option(parsing: .unconditional, help: "Spin multiplicity 2S+1 (default: 1 for an even electron count, 2 for odd).")
    var multiplicity: Int?

    @Option(help: ArgumentHelp("Isotopic masses in dalton, one per atom, e.g. 1.00782503223,2.01410177812.", valueName: "M1,M2"))
    var masses: String?

    @Option(help: ArgumentHelp("Isotopes, one per atom, e.g. 1H,2H or 12C,18O (instead of --masses).", valueName: "I1,I2"))
    var isotopes: String?

    @Option(help: "Molecule library file (default: $PESSCAN_MOLECULES, else molecules.json in ./Inputs, <exe>/../share/pesscan or the build tree).")
    var molecules: String?

    /// Whether a molecule was named at all.
    var isGiven: Bool { molecule != nil || atoms != nil }

    func validate() throws {
        if molecule != nil, atoms != nil { throw ValidationError("Give either --molecule NAME or --atoms A,B, not both.") }
        if masses != nil, isotopes != nil { throw ValidationError("Give either --masses or --isotopes, not both.") }
    }

    /// The masses or isotopes given by --masses or --isotopes, or nil when neither is given.
    func isotopeChoice() throws -> IsotopeChoice? {
        if let masses {
            return .massesDalton(try masses.split(separator: ",").map { part -> Double in
                guard let mass = Double(part.trimmingCharacters(in: .whitespaces)), mass.isFinite, mass > 0 else {
                    throw ValidationError("--masses takes positive numbers of dalton separated by commas; got \"\(part)\".")
                }
                return mass
            })
        }
        if let isotopes {
            return .isotopes(isotopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return nil
    }

    /// The molecule as asked for, with masses parsed; nothing is looked up yet.
    func request() throws -> MoleculeRequest {
        MoleculeRequest(
            libraryName: molecule, atoms: atoms.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            charge: charge, multiplicity: multiplicity, isotopes: try isotopeChoice())
    }

    /// The molecule library these options name.
    func library() throws(MoleculeLibraryError) -> MoleculeLibrary {
        try MoleculeLibrary.load(from: try Locations.moleculeLibrary(option: molecules))
    }

    /// The molecule alone; a failure to build it is bad usage (exit 64), an unusable library 69 or 65.
    func resolvedMolecule() throws -> Molecule {
        let request = try request()
        do {
            return try request.resolve(in: try library()).molecule
        } catch {
            throw error.beforeWriting
        }
    }
}
