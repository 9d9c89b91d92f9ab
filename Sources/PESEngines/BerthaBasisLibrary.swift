import Foundation

/// A BERTHA basis set for one element: per angular momentum l = 0…MAXL the exponents, as strings copied from the library.
public struct BerthaBasis: Sendable, Hashable {
    /// Element symbol.
    public var element: String
    /// Basis set name, e.g. `dyall_vtz`.
    public var name: String
    /// Exponents (in bohr⁻²) per angular momentum, written exactly as the library has them.
    public var exponentsPerL: [[String]]

    /// The highest angular momentum, MAXL.
    public var maxL: Int { exponentsPerL.count - 1 }
}

/// A BERTHA density-fitting set for one element: `exponent type` lines.
public struct BerthaFittingSet: Sendable, Hashable {
    /// Element symbol.
    public var element: String
    /// Fitting set name, e.g. `b20`.
    public var name: String
    /// One `exponent type` string per fitting function, as in the library.
    public var functions: [String]
}

/// The BERTHA authors' basis library: JSON with key `BasisFittSetBertha`, entries `<El>/<set>/basisset` and `<El>/<set>/fittset`.
public struct BerthaBasisLibrary: Sendable {
    /// Where the library was read from.
    public var path: String
    /// Basis sets by `<El>/<set>`.
    public var bases: [String: BerthaBasis]
    /// Fitting sets by `<El>/<set>`.
    public var fittingSets: [String: BerthaFittingSet]

    private struct File: Decodable {
        var BasisFittSetBertha: [[String: Entry]]
    }

    private struct Entry: Decodable {
        var Atomname: String
        var Basisname: String
        var Basistype: String
        var Dim: Int
        var Header: [String]?
        var Values: [[String]]
    }

    /// Reads and checks a library file.
    public static func load(path: String) throws(EngineSetupError) -> BerthaBasisLibrary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .basisLibraryUnreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, path: path)
    }

    /// Parses library JSON; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(EngineSetupError) -> BerthaBasisLibrary {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw .basisLibraryUnreadable(path: path, reason: "not in the BasisFittSetBertha format (\(error))")
        }
        var library = BerthaBasisLibrary(path: path, bases: [:], fittingSets: [:])
        for object in file.BasisFittSetBertha {
            for (key, entry) in object {
                let id = "\(entry.Atomname)/\(entry.Basisname)"
                switch entry.Basistype {
                case "basisset":
                    let counts: [Int?] = entry.Header.map { $0.map { Int($0.trimmingCharacters(in: .whitespaces)) } } ?? entry.Values.map(\.count)
                    guard entry.Values.count == entry.Dim + 1, counts.count == entry.Values.count,
                        zip(counts, entry.Values).allSatisfy({ $0 == $1.count })
                    else {
                        throw .basisLibraryUnreadable(
                            path: path, reason: "entry \(key): Dim must be MAXL with Dim+1 lists of exponents matching Header's counts")
                    }
                    library.bases[id] = BerthaBasis(element: entry.Atomname, name: entry.Basisname, exponentsPerL: entry.Values)
                case "fittset":
                    let functions = entry.Values.first ?? []
                    guard functions.count == entry.Dim else {
                        throw .basisLibraryUnreadable(path: path, reason: "entry \(key): Dim \(entry.Dim) but \(functions.count) fitting functions")
                    }
                    library.fittingSets[id] = BerthaFittingSet(element: entry.Atomname, name: entry.Basisname, functions: functions)
                default:
                    throw .basisLibraryUnreadable(path: path, reason: "entry \(key) has Basistype \(entry.Basistype); expected basisset or fittset")
                }
            }
        }
        return library
    }

    /// The basis set `set` of `element`, or `basisMissing`.
    public func basis(_ element: String, _ set: String) throws(EngineSetupError) -> BerthaBasis {
        guard let basis = bases["\(element)/\(set)"] else { throw .basisMissing(element: element, set: set, kind: "basisset", library: path) }
        return basis
    }

    /// The fitting set `set` of `element`, or `basisMissing`.
    public func fitting(_ element: String, _ set: String) throws(EngineSetupError) -> BerthaFittingSet {
        guard let fitting = fittingSets["\(element)/\(set)"] else {
            throw .basisMissing(element: element, set: set, kind: "fittset", library: path)
        }
        return fitting
    }
}
