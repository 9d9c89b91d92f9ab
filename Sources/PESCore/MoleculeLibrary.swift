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
    /// Diatomic entries by molecule name.
    public let entries: [String: LibraryMolecule]
    /// Polyatomic entries (Z-matrix geometries) by molecule name.
    public let polyatomics: [String: LibraryPolyatomic]

    /// Names of all diatomic molecules, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Names of all polyatomic molecules, sorted.
    public var polyatomicNames: [String] { polyatomics.keys.sorted() }

    /// Finds a diatomic molecule by name, case-sensitively first and then ignoring case.
    ///
    /// A polyatomic entry's name is refused with ``MoleculeLibraryError/polyatomicEntry(_:known:)``.
    public func molecule(named name: String) throws(MoleculeLibraryError) -> LibraryMolecule {
        if let entry = Self.lookUp(name, in: entries) { return entry }
        if let polyatomic = Self.lookUp(name, in: polyatomics) {
            throw .polyatomicEntry(polyatomic.molecule.name, known: names)
        }
        throw .unknownMolecule(name, known: names)
    }

    /// Finds a polyatomic molecule by name, case-sensitively first and then ignoring case.
    ///
    /// A diatomic entry's name is refused with ``MoleculeLibraryError/diatomicEntry(_:)``.
    public func polyatomic(named name: String) throws(MoleculeLibraryError) -> LibraryPolyatomic {
        if let entry = Self.lookUp(name, in: polyatomics) { return entry }
        if let diatomic = Self.lookUp(name, in: entries) { throw .diatomicEntry(diatomic.molecule.name) }
        throw .unknownPolyatomic(name, known: polyatomicNames)
    }

    /// The polyatomic entry named `name` as ``polyatomic(named:)`` finds it, or nil when there is none (a diatomic, or no molecule).
    public func polyatomicEntry(named name: String) -> LibraryPolyatomic? {
        Self.lookUp(name, in: polyatomics)
    }

    /// The entry named `name` exactly, else the one entry whose name matches ignoring case.
    private static func lookUp<Entry>(_ name: String, in entries: [String: Entry]) -> Entry? {
        if let entry = entries[name] { return entry }
        let folded = entries.filter { $0.key.lowercased() == name.lowercased() }
        return folded.count == 1 ? folded.first?.value : nil
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
            let entry = try validated(record.name, in: path, record.validated)
            guard entries[record.name] == nil else { throw .duplicate(path, record.name) }
            entries[record.name] = entry
        }
        var polyatomics: [String: LibraryPolyatomic] = [:]
        for record in file.polyatomics ?? [] {
            let entry = try validated(record.name, in: path, record.validated)
            guard entries[record.name] == nil, polyatomics[record.name] == nil else { throw .duplicate(path, record.name) }
            polyatomics[record.name] = entry
        }
        return MoleculeLibrary(entries: entries, polyatomics: polyatomics)
    }

    /// Runs one entry's validation, naming the file and the entry in whatever it throws.
    private static func validated<Entry>(
        _ name: String, in path: String, _ validate: () throws -> Entry
    ) throws(MoleculeLibraryError) -> Entry {
        do {
            return try validate()
        } catch MoleculeLibraryError.invalidEntry(_, let name, let reason) {
            // Entries are validated without knowing the file; name it here.
            throw .invalidEntry(path, name, reason)
        } catch let error as MoleculeLibraryError {
            throw error
        } catch {
            throw .invalidEntry(path, name, String(describing: error))
        }
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
    /// Absent from libraries written before polyatomic entries existed.
    var polyatomics: [PolyatomicRecord]?

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
    /// A diatomic was asked for by the name of a polyatomic entry; `known` lists the diatomics.
    case polyatomicEntry(String, known: [String])
    /// A polyatomic was asked for by a name the library does not have; `known` lists the polyatomics.
    case unknownPolyatomic(String, known: [String])
    /// A polyatomic was asked for by the name of a diatomic entry.
    case diatomicEntry(String)
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
        case .polyatomicEntry(let name, let known):
            return "\(name) is a polyatomic molecule of the library (a Z-matrix entry), and bond-length scans take a diatomic. Choose a diatomic (known: \(known.joined(separator: ", "))) or give --atoms A,B --charge Q with --from/--to."
        case .unknownPolyatomic(let name, let known):
            return "Unknown polyatomic molecule \"\(name)\".\(Suggestion.didYouMean(name, among: known)) Known polyatomics: \(known.joined(separator: ", ")). Add it to the library's \"polyatomics\" with its Z-matrix, values and source."
        case .diatomicEntry(let name):
            return "\(name) is a diatomic molecule of the library, not a polyatomic one: look it up as a diatomic (its bond length is its whole geometry)."
        }
    }
}
