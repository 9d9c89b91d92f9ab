import Foundation
import PESCore

/// One point as a QCSchema AtomicResult (schema `qcschema_output`, version 1), as `qcelemental.models.AtomicResult` reads it.
///
/// The molecule is in bohr: a diatomic's first atom at the origin and the
/// second on the z axis, a polyatomic's atoms all where its Z-matrix puts them
/// at the point's coordinates; energies are in hartree. `success` is false when the engine
/// reported no convergence. The engine's options `method` and `basis` fill
/// `model`; without them the method is the engine's name.
public struct QCSchemaResult: Sendable, Encodable {
    public var schemaName = "qcschema_output"
    public var schemaVersion = 1
    public var molecule: Molecule
    public var driver = "energy"
    public var model: Model
    public var keywords: [String: String]
    public var provenance: Provenance
    public var properties: Properties
    public var returnResult: Double
    public var success: Bool
    public var extras: Extras

    /// The QCSchema molecule: symbols, geometry in bohr, charge, multiplicity, masses in dalton.
    public struct Molecule: Sendable, Encodable {
        public var schemaName = "qcschema_molecule"
        public var schemaVersion = 2
        public var symbols: [String]
        public var geometry: [Double]
        public var masses: [Double]
        public var molecularCharge: Double
        public var molecularMultiplicity: Int
        public var fixCom = true
        public var fixOrientation = true
        public var name: String
    }

    public struct Model: Sendable, Encodable {
        public var method: String
        public var basis: String?
    }

    public struct Provenance: Sendable, Encodable {
        public var creator = "pesscan"
        public var version: String
        public var routine = "pesscan export --format qcschema"
    }

    public struct Properties: Sendable, Encodable {
        public var returnEnergy: Double
    }

    /// Where the point belongs and where it ran.
    public struct Extras: Sendable, Encodable {
        public var pesscan: PointProvenance
    }

    /// The point's place in its scan: a diatomic's bond length, or a polyatomic's varied coordinates keyed `<name>_angstrom` / `<name>_degree`.
    public struct PointProvenance: Sendable, Encodable {
        public var scan: String
        public var pointIndex: Int
        /// Bond length in ångström; nil for a polyatomic, whose point is given by ``coordinates``.
        public var rAngstrom: Double?
        /// Values of a polyatomic's varied coordinates (Å, degrees) by name with unit; nil for a diatomic.
        public var coordinates: [String: Double]?
        public var engine: String
        public var zone: String?
        public var host: String?
        public var wallSeconds: Double?
        public var converged: Bool?
    }

    /// The result for one done point; nil when the point has no energy or (a polyatomic's) no geometry.
    ///
    /// ``init(spec:point:positionsAngstrom:creatorVersion:)`` takes the
    /// positions from a caller that reports a point without a geometry.
    public init?(spec: ScanSpec, point: ScanPoint, creatorVersion: String) {
        guard let positions = try? spec.positionsAngstrom(of: point) else { return nil }
        self.init(spec: spec, point: point, positionsAngstrom: positions, creatorVersion: creatorVersion)
    }

    /// The result for one done point with its atoms at `positionsAngstrom` (x, y, z per atom, ångström); nil when the point has no energy.
    public init?(spec: ScanSpec, point: ScanPoint, positionsAngstrom: [[Double]], creatorVersion: String) {
        guard let energy = point.energyHartree else { return nil }
        let atoms = spec.molecule.atoms
        molecule = Molecule(
            symbols: atoms.map(\.symbol),
            geometry: positionsAngstrom.flatMap { $0 }.map { $0 * PhysicalConstants.angstromInBohr },
            masses: atoms.map(\.massDalton), molecularCharge: Double(spec.molecule.charge),
            molecularMultiplicity: spec.molecule.multiplicity, name: spec.molecule.name)
        var options = spec.engine.options
        model = Model(method: options.removeValue(forKey: "method") ?? spec.engine.name, basis: options.removeValue(forKey: "basis"))
        keywords = options
        provenance = Provenance(version: creatorVersion)
        properties = Properties(returnEnergy: energy)
        returnResult = energy
        success = point.converged != false
        extras = Extras(
            pesscan: PointProvenance(
                scan: spec.name.rawValue, pointIndex: point.index, rAngstrom: spec.geometry == nil ? point.rAngstrom : nil,
                coordinates: spec.geometry.map { geometry in
                    Dictionary(uniqueKeysWithValues: zip(geometry.varied.map(geometry.keyWithUnit(of:)), point.coordinates ?? []))
                },
                engine: spec.engine.name,
                zone: point.zone, host: point.host, wallSeconds: point.wallSeconds, converged: point.converged))
    }

    /// File name of a point's result in the export folder, e.g. `AuOg+-0003.json`.
    public static func fileName(scan: ScanName, index: Int) -> String {
        "\(scan.rawValue)-\(String(format: "%04d", index)).json"
    }

    /// The result as exported JSON text.
    public func jsonText() throws -> String { try ExportJSON.text(self) }
}
