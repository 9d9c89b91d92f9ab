import Foundation
import PESCore

/// Run settings written into BERTHA's `input.inp`.
public struct BerthaSettings: Sendable, Hashable {
    /// Exchange–correlation potential: LDA, B88P86, HCTH93 or BLYP.
    public var functional: String
    /// Integration grid quality from 1 (coarse) to 5 (fine).
    public var gridQuality: Int
    /// SCF iteration limit (`maxit`).
    public var maxIterations: Int
    /// The ScaLAPACK process grid; its two numbers multiply to the MPI rank count.
    public var processGrid: BerthaProcessGrid

    public init(functional: String, gridQuality: Int, maxIterations: Int, processGrid: BerthaProcessGrid) {
        self.functional = functional
        self.gridQuality = gridQuality
        self.maxIterations = maxIterations
        self.processGrid = processGrid
    }

    /// The squarest grid for `ranks` MPI ranks: rows ≥ columns, rows × columns = ranks (4 → 2×2, 9 → 3×3, 24 → 6×4).
    public static func processGrid(ranks: Int) -> BerthaProcessGrid {
        var columns = max(1, Int(Double(max(ranks, 1)).squareRoot()))
        while columns > 1, ranks % columns != 0 { columns -= 1 }
        return BerthaProcessGrid(rows: max(ranks, 1) / columns, columns: columns)
    }
}

/// BERTHA's ScaLAPACK process grid: rows × columns MPI ranks.
public struct BerthaProcessGrid: Sendable, Hashable {
    /// Process rows.
    public var rows: Int
    /// Process columns.
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
}

/// Writes BERTHA's `input.inp` and `fitt2.inp` for a diatomic at one bond length (coordinates in bohr).
public struct BerthaInput: Sendable, Hashable {
    /// The molecule; its atoms give Z and the atomic weight, its charge the electron count.
    public var molecule: Molecule
    /// Basis set of each atom, in the molecule's order.
    public var bases: [BerthaBasis]
    /// Fitting set of each atom, in the molecule's order.
    public var fittingSets: [BerthaFittingSet]
    /// Run settings.
    public var settings: BerthaSettings
    /// Bohr per ångström for the coordinates (berthaingen's 1.8897259886 by default).
    public var bohrPerAngstrom: Double
    /// The mass in dalton written in each centre's `N` field, in the molecule's order (standard atomic weights by default).
    public var massesDalton: [Double]

    /// An input with berthaingen's conventions unless `bohrPerAngstrom` and `massesDalton` say otherwise (nil masses: the atoms' own).
    public init(
        molecule: Molecule, bases: [BerthaBasis], fittingSets: [BerthaFittingSet], settings: BerthaSettings,
        bohrPerAngstrom: Double = BerthaConventions.bohrPerAngstrom, massesDalton: [Double]? = nil
    ) {
        self.molecule = molecule
        self.bases = bases
        self.fittingSets = fittingSets
        self.settings = settings
        self.bohrPerAngstrom = bohrPerAngstrom
        self.massesDalton = massesDalton ?? molecule.atoms.map(\.massDalton)
    }

    /// A coordinate line: three `%12.8f` numbers in bohr.
    static func coordinateLine(bohr xyz: [Double]) -> String {
        String(format: "%12.8f %12.8f %12.8f", xyz[0], xyz[1], xyz[2])
    }

    /// Positions in ångström converted to bohr with this input's factor.
    func bohr(_ positionsAngstrom: [[Double]]) -> [[Double]] {
        positionsAngstrom.map { $0.map { $0 * bohrPerAngstrom } }
    }

    /// The text of `input.inp` at bond length `rAngstrom`.
    public func inputFile(rAngstrom: Double) -> String {
        inputFile(positionsAngstrom: ScanSpec.diatomicPositionsAngstrom(rAngstrom))
    }

    /// The text of `fitt2.inp` at bond length `rAngstrom`.
    public func fittingFile(rAngstrom: Double) -> String {
        fittingFile(positionsAngstrom: ScanSpec.diatomicPositionsAngstrom(rAngstrom))
    }

    /// The text of `input.inp` with one centre per atom at `positionsAngstrom`.
    ///
    /// The mass written is `massesDalton` (`%f`); the electron count
    /// (closed-shell electrons and NCORE) is ΣZ − charge.
    public func inputFile(positionsAngstrom: [[Double]]) -> String {
        var lines = [
            "'TYPE OF BASIS SET; 1 FOR GEOMETRIC, 2 FOR OPTIMIZED'", "2",
            "'NUMBER OF CENTERS'", "\(molecule.atoms.count)",
        ]
        for (index, (atom, xyz)) in zip(molecule.atoms, bohr(positionsAngstrom)).enumerated() {
            let centre = String(format: "%6d", index + 1)
            let basis = bases[index]
            lines.append("'COORDINATES FOR CENTER\(centre) '")
            lines.append(Self.coordinateLine(bohr: xyz))
            lines.append("'Z, N, MAXL AND CHARGE FOR CENTER\(centre) '")
            lines.append("\(atom.atomicNumber)," + String(format: "%.6f", massesDalton[index]) + ",\(basis.maxL),0")
            lines.append("'BASIS SET FOR CENTER\(centre) \(atom.symbol) \(basis.name)'")
            for exponents in basis.exponentsPerL {
                lines.append("\(exponents.count)")
                lines.append(contentsOf: exponents)
            }
        }
        let electrons = molecule.electronCount
        let grid = settings.processGrid
        lines += [
            "'NUMBER OF CLOSED-SHELL ELECTRONS'", "\(electrons),0,0",
            "'SPECIFY CLOSED AND OPEN SHELLS AND COUPLING'", "0",
            "'ENTER 1 FOR NEW RUN AND 0 FOR RESTART'", "1",
            "'LEVEL SHIFT FACTOR IN STAGE 0, 1, AND 2'", "-2.0,-2.0,-2.0",
            "'STARTING STAGE (0-2)'", "2",
            "'PRINT LEVEL FROM 1-2'", "2",
            "'DAMPING FACTOR AND RELATIVE TRESHOLD FOR INITIATION OF DAMPING'", "0.10D0,1.0D-2",
            "'ENTER NCORE, MACTVE,NACTVE'", "\(electrons),0,0",
            "'ENTER GRID QUALITY FROM 1 (COURSE) to 5 (FINE)'", "\(settings.gridQuality)",
            "'EX-POTENTIAL available: LDA,B88P86,HCTH93,BLYP'", settings.functional,
            "'Fitt 2=standard:fitt2 4=solo_poisson:fitt3 6=both:fitt2+fitt3, USEFITT'", "2 0",
            "'scalapack'", "\(grid.rows) \(grid.columns) 32 2.0",
            "'maxit'", "\(settings.maxIterations)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text of `fitt2.inp`: centres, then per centre its coordinates (at `positionsAngstrom`) and fitting functions.
    public func fittingFile(positionsAngstrom: [[Double]]) -> String {
        var lines = ["\(molecule.atoms.count)"]
        for (fitting, xyz) in zip(fittingSets, bohr(positionsAngstrom)) {
            lines.append(Self.coordinateLine(bohr: xyz))
            lines.append("\(fitting.functions.count)")
            lines.append(contentsOf: fitting.functions)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes the two BERTHA files of each point.
struct BerthaInputWriter: InputWriter {
    var input: BerthaInput

    func inputFiles(for job: EngineJob, values: [String: String]) -> [InputFile] {
        [
            InputFile(name: "input.inp", contents: input.inputFile(positionsAngstrom: job.positionsAngstrom)),
            InputFile(name: "fitt2.inp", contents: input.fittingFile(positionsAngstrom: job.positionsAngstrom)),
        ]
    }
}
