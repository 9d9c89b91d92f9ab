import Foundation

/// One molecule of the library: the molecule, its default scan range and its spectroscopic constants.
public struct LibraryMolecule: Sendable, Hashable {
    /// The molecule with its isotopic masses.
    public var molecule: Molecule
    /// Default scan range in ångström, both ends included.
    public var defaultRangeAngstrom: ClosedRange<Double>
    /// Constants the built-in model energy is built from.
    public var constants: SpectroscopicConstants
}

/// The molecule library read from `Inputs/molecules.json`.
public struct MoleculeLibrary: Sendable {
    /// Library entries by molecule name.
    public let entries: [String: LibraryMolecule]

    /// Names of all molecules, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Finds a molecule by name, case-sensitively first and then ignoring case.
    public func molecule(named name: String) throws(MoleculeLibraryError) -> LibraryMolecule {
        if let entry = entries[name] { return entry }
        let folded = entries.filter { $0.key.lowercased() == name.lowercased() }
        if folded.count == 1, let entry = folded.first?.value { return entry }
        throw .unknownMolecule(name, known: names)
    }

    /// Reads a library file, validating every entry.
    public static func load(from url: URL) throws(MoleculeLibraryError) -> MoleculeLibrary {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw .unreadable(url.path, "no such file")
        }
        guard !isFolder.boolValue else { throw .unreadable(url.path, "it is a folder, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(url.path, FileReadFailure.reason(error))
        }
        return try parse(data, path: url.path)
    }

    /// Parses library JSON; `path` names the file in error messages.
    public static func parse(_ data: Data, path: String) throws(MoleculeLibraryError) -> MoleculeLibrary {
        let file: LibraryFile
        do {
            file = try JSONDecoder().decode(LibraryFile.self, from: data)
        } catch {
            throw .malformed(path, describe(decodingError: error))
        }
        var entries: [String: LibraryMolecule] = [:]
        for record in file.molecules {
            do {
                let entry = try record.validated()
                guard entries[record.name] == nil else { throw MoleculeLibraryError.duplicate(path, record.name) }
                entries[record.name] = entry
            } catch MoleculeLibraryError.invalidEntry(_, let name, let reason) {
                // Entries are validated without knowing the file; name it here.
                throw .invalidEntry(path, name, reason)
            } catch let error as MoleculeLibraryError {
                throw error
            } catch {
                throw .invalidEntry(path, record.name, String(describing: error))
            }
        }
        return MoleculeLibrary(entries: entries)
    }

    private static func describe(decodingError error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func at(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key \"\(key.stringValue)\" at \(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription) at \(at(context.codingPath))"
        case .dataCorrupted(let context):
            return "\(context.debugDescription) \(at(context.codingPath))"
        @unknown default:
            return String(describing: error)
        }
    }
}

/// The JSON shape of the library file.
private struct LibraryFile: Decodable {
    var molecules: [Record]

    struct Record: Decodable {
        var name: String
        var atoms: [String]
        var charge: Int
        var multiplicity: Int?
        var isotopesDalton: [Double]?
        var defaultRangeAngstrom: [Double]
        var constants: SpectroscopicConstants

        enum CodingKeys: String, CodingKey {
            case name, atoms, charge, multiplicity, constants
            case isotopesDalton = "isotopes_dalton"
            case defaultRangeAngstrom = "default_range_angstrom"
        }

        func validated() throws -> LibraryMolecule {
            let masses = isotopesDalton ?? []
            guard masses.isEmpty || masses.count == atoms.count else {
                throw MoleculeLibraryError.invalidEntry(
                    "", name, "isotopes_dalton has \(masses.count) values for \(atoms.count) atoms")
            }
            let builtAtoms = try atoms.enumerated().map { index, symbol in
                try Atom(symbol: symbol, massDalton: masses.isEmpty ? nil : masses[index])
            }
            let molecule = try Molecule(name: name, atoms: builtAtoms, charge: charge, multiplicity: multiplicity ?? 0)
            guard defaultRangeAngstrom.count == 2 else {
                throw MoleculeLibraryError.invalidEntry("", name, "default_range_angstrom needs [from, to]")
            }
            let range = try BondLengthRange.validated(from: defaultRangeAngstrom[0], to: defaultRangeAngstrom[1])
            let c = constants
            guard c.rEquilibriumAngstrom > 0, c.omegaEWavenumber > 0, c.omegaEXEWavenumber > 0,
                c.rEquilibriumAngstrom.isFinite, c.omegaEWavenumber.isFinite
            else {
                throw MoleculeLibraryError.invalidEntry("", name, "constants must be positive finite numbers")
            }
            guard c.omegaEXEWavenumber < c.omegaEWavenumber else {
                throw MoleculeLibraryError.invalidEntry("", name, "omega_e x_e must be smaller than omega_e")
            }
            return LibraryMolecule(molecule: molecule, defaultRangeAngstrom: range, constants: constants)
        }
    }
}

/// Why the molecule library could not be used.
public enum MoleculeLibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case malformed(String, String)
    case invalidEntry(String, String, String)
    case duplicate(String, String)
    case unknownMolecule(String, known: [String])
    /// No library was given and none was found at the paths listed, in lookup order.
    case notFound(searched: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "Cannot read the molecule library \(path): \(reason). Set PESSCAN_MOLECULES or --molecules to the library file."
        case .malformed(let path, let reason):
            return "The molecule library \(path) is not valid: \(reason)."
        case .invalidEntry(let path, let name, let reason):
            return "Molecule \"\(name)\" in the library \(path) is invalid: \(reason)."
        case .duplicate(let path, let name):
            return "Molecule \"\(name)\" appears twice in the library \(path); keep one entry."
        case .notFound(let searched):
            return "No molecule library found (looked for \(searched.joined(separator: ", "))). "
                + "Install pesscan with scripts/install PREFIX, or give --molecules PATH or set PESSCAN_MOLECULES to the library file."
        case .unknownMolecule(let name, let known):
            return "Unknown molecule \"\(name)\".\(Suggestion.didYouMean(name, among: known)) Known: \(known.joined(separator: ", ")). For another diatomic give --atoms A,B --charge Q with --from/--to."
        }
    }
}
