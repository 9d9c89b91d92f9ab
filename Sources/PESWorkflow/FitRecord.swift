import Foundation
import PESCore
import PESFit

/// One fit as `fit --json` prints it and as the `fit` table stores it (`result_json`), in the JSON convention.
///
/// Energies in hartree, bond lengths in ångström, wavenumbers in cm⁻¹, force
/// constants in attojoule per ångströmⁿ. Keys are the snake_case of the
/// property names (``JSONConvention``); ``schemaVersion`` says which keys a
/// stored record has: version 1 (before the convention) had `B_e_cm1`,
/// `r_0_angstrom`, `f2_aJ_per_angstrom2`, `omega_e_x_e_cm1` and
/// `gradient_at_r_e_hartree_per_angstrom`, which version 2 writes as
/// `b_e_cm1`, `r0_angstrom`, `f2_attojoule_per_angstrom2`, `omega_e_xe_cm1`
/// and `residual_gradient_hartree_per_angstrom`. Version 3 names each residual's
/// point (`point_index` for a scan, `line` for a table); a version-2 record
/// reads with both nil.
public struct FitRecord: Sendable, Hashable, Codable {
    /// The version of this record's keys that this pesscan writes.
    public static let currentSchemaVersion = 3

    /// Version of the keys (``currentSchemaVersion`` when written by this pesscan).
    public var schemaVersion: Int
    /// Scan fitted, or nil for a file.
    public var scan: String?
    /// Molecule name.
    public var molecule: String
    /// Engine of the scan, or nil for a file.
    public var engine: String?
    /// Model name: `polynomial`, `local` or `morse`.
    public var model: String
    /// The curve in words, e.g. "degree-4 polynomial".
    public var curve: String
    /// Polynomial degree, for polynomial models.
    public var degree: Int?
    /// Isotopic masses in dalton, one per atom.
    public var massesDalton: [Double]
    /// Reduced mass in dalton.
    public var reducedMassDalton: Double
    /// Equilibrium bond length r_e in ångström.
    public var rEAngstrom: Double
    /// r_e in bohr.
    public var rEBohr: Double
    /// Vibrationally averaged bond length r_0 in ångström.
    public var r0Angstrom: Double
    /// Fitted energy at r_e in hartree.
    public var energyHartree: Double
    /// d²E/dr² at r_e in hartree/Å².
    public var secondDerivativeHartreePerAngstrom2: Double
    /// d²E/dr² at r_e in hartree/bohr².
    public var secondDerivativeHartreePerBohr2: Double
    /// Quadratic force constant in aJ/Å².
    public var f2AttojoulePerAngstrom2: Double
    /// Cubic force constant in aJ/Å³.
    public var f3AttojoulePerAngstrom3: Double
    /// Quartic force constant in aJ/Å⁴.
    public var f4AttojoulePerAngstrom4: Double
    /// Harmonic wavenumber ω_e in cm⁻¹.
    public var omegaECm1: Double
    /// Anharmonicity ω_e x_e in cm⁻¹.
    public var omegaEXeCm1: Double
    /// Fundamental ν in cm⁻¹.
    public var nuCm1: Double
    /// Zero-point energy in cm⁻¹.
    public var zpveCm1: Double
    /// Harmonic zero-point energy in cm⁻¹.
    public var zpveHarmonicCm1: Double
    /// Rotational constant B_e in cm⁻¹.
    public var bECm1: Double
    /// Rotational constant B_0 in cm⁻¹.
    public var b0Cm1: Double
    /// Vibration–rotation coupling α_e in cm⁻¹.
    public var alphaECm1: Double
    /// Centrifugal distortion D_e in cm⁻¹ (not the dissociation energy).
    public var dECm1: Double
    /// Standard error of r_e in ångström from the covariance.
    public var rEStandardErrorAngstrom: Double?
    /// Standard error of ω_e in cm⁻¹ from the covariance.
    public var omegaEStandardErrorCm1: Double?
    /// r_e of this fit minus r_e of the fit one degree higher, in ångström: an estimate of the bias of a too-low degree.
    public var rEDegreeBiasAngstrom: Double?
    /// ω_e of this fit minus ω_e of the fit one degree higher, in cm⁻¹.
    public var omegaEDegreeBiasCm1: Double?
    /// The degree the bias estimates compare with (one higher than ``degree``).
    public var degreeBiasComparedDegree: Int?
    /// Leave-one-out estimates, when asked for.
    public var jackknife: JackknifeEstimate?
    /// Root-mean-square residual in hartree.
    public var rmsResidualHartree: Double
    /// Largest absolute residual in hartree.
    public var maxAbsResidualHartree: Double
    /// |dE/dr| left at r_e in hartree/Å.
    public var residualGradientHartreePerAngstrom: Double
    /// Condition number of the final linear least-squares problem.
    public var conditionNumber: Double?
    /// Coefficients of E(r) in hartree, r in ångström, increasing powers (numpy.polynomial.polynomial order).
    public var coefficients: [Double]?
    /// Coefficients in the scaled variable t = (r − center) / half_width, increasing powers.
    public var scaledCoefficients: [Double]?
    /// Centre of the scaled variable in ångström.
    public var centerAngstrom: Double?
    /// Half-width of the scaled variable in ångström.
    public var halfWidthAngstrom: Double?
    /// Morse well depth D_e in hartree.
    public var morseDissociationEnergyHartree: Double?
    /// Morse range parameter a in 1/Å.
    public var morseAPerAngstrom: Double?
    /// Morse asymptote E_∞ in hartree.
    public var morseAsymptoteHartree: Double?
    /// Degrees tried by `--degree auto`.
    public var degreesTried: [DegreeTrial]?
    /// Each used point's residual, or with more than ``residualsKeptWhole`` points only the ``worstResidualsKept`` largest, in order of bond length.
    public var residuals: [Residual]
    /// Residuals left out of ``residuals`` (RMS and max still cover them); nil when every one is listed.
    public var residualsOmitted: Int?
    /// Points fitted.
    public var pointsUsed: Int
    /// Failed points left out.
    public var pointsExcludedFailed: Int
    /// Unconverged points left out.
    public var pointsExcludedUnconverged: Int
    /// Points not computed yet.
    public var pointsNotComputed: Int
    /// Warnings of the analysis.
    public var warnings: [String]

    /// One point's residual, for plots of fit quality, and which point it is.
    public struct Residual: Sendable, Hashable, Codable {
        /// Bond length in ångström.
        public var rAngstrom: Double
        /// E − fit in hartree.
        public var residualHartree: Double
        /// The point's index in its scan (as `pesscan show` lists it), for a fit of a scan; nil in records before schema version 3.
        public var pointIndex: Int? = nil
        /// The point's 1-based line in the table, for a fit of `--input`.
        public var line: Int? = nil
    }

    /// Where the points given to a fit came from, one number per point in the order given: what names a residual's point.
    public enum PointOrigin: Sendable, Hashable {
        /// Indices of the points in their scan.
        case scanIndices([Int])
        /// 1-based lines of a table.
        case tableLines([Int])
    }

    /// The record of `analysis` for `molecule` (its masses give the constants), with the counts of points left out and
    /// where the points came from (in the order given to the analysis).
    public init(
        scan: String?, molecule: Molecule, engine: String?, analysis: DiatomicAnalysis, jackknife: JackknifeEstimate?,
        selection counts: (failed: Int, unconverged: Int, notComputed: Int), origin: PointOrigin? = nil
    ) {
        let mu = molecule.reducedMassDalton
        let c = analysis.constants(reducedMassDalton: mu)
        schemaVersion = Self.currentSchemaVersion
        self.scan = scan
        self.molecule = molecule.name
        self.engine = engine
        model = analysis.model.name
        curve = analysis.curveDescription
        degree = analysis.degree
        massesDalton = molecule.atoms.map(\.massDalton)
        reducedMassDalton = mu
        rEAngstrom = analysis.rEquilibriumAngstrom
        rEBohr = analysis.rEquilibriumAngstrom * PhysicalConstants.angstromInBohr
        r0Angstrom = c.rZeroAngstrom
        energyHartree = analysis.energyHartree
        secondDerivativeHartreePerAngstrom2 = analysis.secondDerivativeHartreePerAngstrom2
        secondDerivativeHartreePerBohr2 =
            analysis.secondDerivativeHartreePerAngstrom2 * PhysicalConstants.bohrInAngstrom * PhysicalConstants.bohrInAngstrom
        f2AttojoulePerAngstrom2 = c.f2AttojoulePerAngstrom2
        f3AttojoulePerAngstrom3 = c.f3AttojoulePerAngstrom3
        f4AttojoulePerAngstrom4 = c.f4AttojoulePerAngstrom4
        omegaECm1 = c.omegaE
        omegaEXeCm1 = c.omegaEXE
        nuCm1 = c.fundamental
        zpveCm1 = c.zeroPointEnergy
        zpveHarmonicCm1 = c.zeroPointEnergyHarmonic
        bECm1 = c.rotationalBE
        b0Cm1 = c.rotationalB0
        alphaECm1 = c.alphaE
        dECm1 = c.centrifugalDE
        rEStandardErrorAngstrom = analysis.standardErrorReAngstrom
        omegaEStandardErrorCm1 = analysis.standardErrorOmegaE(reducedMassDalton: mu)
        rEDegreeBiasAngstrom = analysis.degreeBias?.reAngstrom
        omegaEDegreeBiasCm1 = analysis.omegaEDegreeBias(reducedMassDalton: mu)
        degreeBiasComparedDegree = analysis.degreeBias?.comparedDegree
        self.jackknife = jackknife
        rmsResidualHartree = analysis.rmsResidualHartree
        maxAbsResidualHartree = analysis.maxAbsResidualHartree
        residualGradientHartreePerAngstrom = analysis.residualGradientHartreePerAngstrom
        conditionNumber = analysis.conditionNumber
        coefficients = analysis.polynomial?.polynomial.coefficients
        scaledCoefficients = analysis.polynomial?.scaledPolynomial.coefficients
        centerAngstrom = analysis.polynomial?.centerAngstrom
        halfWidthAngstrom = analysis.polynomial?.halfWidthAngstrom
        morseDissociationEnergyHartree = analysis.morse?.wellDepthHartree
        morseAPerAngstrom = analysis.morse?.rangePerAngstrom
        morseAsymptoteHartree = analysis.morse?.asymptoteHartree
        degreesTried = analysis.degreeTrials.isEmpty ? nil : analysis.degreeTrials
        (residuals, residualsOmitted) = Self.summarised(analysis, origin: origin)
        pointsUsed = analysis.pointCount
        pointsExcludedFailed = counts.failed
        pointsExcludedUnconverged = counts.unconverged
        pointsNotComputed = counts.notComputed
        warnings = analysis.warnings
    }
}

extension FitRecord {
    /// Most residuals a record lists in full.
    public static let residualsKeptWhole = 2000
    /// Residuals of largest magnitude a record keeps when it has more than ``residualsKeptWhole``.
    public static let worstResidualsKept = 20

    /// Every residual of `analysis` when there are at most ``residualsKeptWhole``, else the ``worstResidualsKept`` largest
    /// in magnitude (the first of equal ones), in order of bond length, with how many were left out.
    ///
    /// The worst are found in one pass keeping the few largest so far: no sort, and no residual record per point.
    static func summarised(_ analysis: DiatomicAnalysis, origin: PointOrigin?) -> ([Residual], omitted: Int?) {
        let r = analysis.rAngstrom, residuals = analysis.residualsHartree
        func residual(_ k: Int) -> Residual {
            var kept = Residual(rAngstrom: r[k], residualHartree: residuals[k])
            if analysis.inputPositions.indices.contains(k) {
                let given = analysis.inputPositions[k]
                switch origin {
                case .scanIndices(let indices) where indices.indices.contains(given): kept.pointIndex = indices[given]
                case .tableLines(let lines) where lines.indices.contains(given): kept.line = lines[given]
                default: break
                }
            }
            return kept
        }
        guard residuals.count > residualsKeptWhole else { return (residuals.indices.map(residual), nil) }
        // The positions of the largest |residual| so far, smallest of them first; a later equal one does not displace an earlier.
        var worst: [Int] = []
        worst.reserveCapacity(worstResidualsKept + 1)
        for k in residuals.indices {
            let size = abs(residuals[k])
            if worst.count == worstResidualsKept {
                guard size > abs(residuals[worst[0]]) else { continue }
                worst.removeFirst()
            }
            let at = worst.firstIndex { abs(residuals[$0]) >= size } ?? worst.count
            worst.insert(k, at: at)
        }
        return (worst.sorted().map(residual), residuals.count - worst.count)
    }
}
