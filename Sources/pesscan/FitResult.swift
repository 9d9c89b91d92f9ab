import Foundation
import PESCore
import PESFit

/// The JSON printed by `fit --json` and stored with every fit of a scan.
struct FitResult: Encodable {
    var scan: String?
    var molecule: String
    var engine: String?
    var model: String
    var degree: Int?
    var masses_dalton: [Double]
    var reduced_mass_dalton: Double
    var r_e_angstrom: Double
    var r_e_bohr: Double
    var r_0_angstrom: Double
    var energy_hartree: Double
    var second_derivative_hartree_per_angstrom2: Double
    var second_derivative_hartree_per_bohr2: Double
    var f2_aJ_per_angstrom2: Double
    var f3_aJ_per_angstrom3: Double
    var f4_aJ_per_angstrom4: Double
    var omega_e_cm1: Double
    var omega_e_x_e_cm1: Double
    var nu_cm1: Double
    var zpve_cm1: Double
    var zpve_harmonic_cm1: Double
    var B_e_cm1: Double
    var B_0_cm1: Double
    var alpha_e_cm1: Double
    var D_e_cm1: Double
    var r_e_standard_error_angstrom: Double?
    var omega_e_standard_error_cm1: Double?
    var jackknife: JackknifeEstimate?
    var rms_residual_hartree: Double
    var max_abs_residual_hartree: Double
    var gradient_at_r_e_hartree_per_angstrom: Double
    var condition_number: Double?
    /// Coefficients of E(r) in hartree, r in ångström, increasing powers (numpy.polynomial.polynomial order).
    var coefficients: [Double]?
    /// Coefficients in the scaled variable t = (r − center) / half_width, increasing powers.
    var scaled_coefficients: [Double]?
    var center_angstrom: Double?
    var half_width_angstrom: Double?
    var morse_dissociation_energy_hartree: Double?
    var morse_a_per_angstrom: Double?
    var morse_asymptote_hartree: Double?
    var degrees_tried: [DegreeTrial]?
    var residuals: [Residual]
    var points_used: Int
    var points_excluded_failed: Int
    var points_excluded_unconverged: Int
    var points_not_computed: Int
    var warnings: [String]

    /// One point's residual, for plots of fit quality.
    struct Residual: Encodable {
        var r_angstrom: Double
        var residual_hartree: Double
    }

    init(
        scan: String?, molecule: Molecule, engine: String?, analysis: DiatomicAnalysis, jackknife: JackknifeEstimate?,
        excludedFailed: Int, excludedUnconverged: Int, notComputed: Int
    ) {
        let mu = molecule.reducedMassDalton
        let c = analysis.constants(reducedMassDalton: mu)
        let bohr2 = PhysicalConstants.bohrInAngstrom * PhysicalConstants.bohrInAngstrom
        self.scan = scan
        self.molecule = molecule.name
        self.engine = engine
        model = analysis.model.name
        degree = analysis.degree
        masses_dalton = molecule.atoms.map(\.massDalton)
        reduced_mass_dalton = mu
        r_e_angstrom = analysis.rEquilibriumAngstrom
        r_e_bohr = analysis.rEquilibriumAngstrom * PhysicalConstants.angstromInBohr
        r_0_angstrom = c.rZeroAngstrom
        energy_hartree = analysis.energyHartree
        second_derivative_hartree_per_angstrom2 = analysis.derivativesHartree[0]
        second_derivative_hartree_per_bohr2 = analysis.derivativesHartree[0] * bohr2
        f2_aJ_per_angstrom2 = c.f2AttojoulePerAngstrom2
        f3_aJ_per_angstrom3 = c.f3AttojoulePerAngstrom3
        f4_aJ_per_angstrom4 = c.f4AttojoulePerAngstrom4
        omega_e_cm1 = c.omegaE
        omega_e_x_e_cm1 = c.omegaEXE
        nu_cm1 = c.fundamental
        zpve_cm1 = c.zeroPointEnergy
        zpve_harmonic_cm1 = c.zeroPointEnergyHarmonic
        B_e_cm1 = c.rotationalBE
        B_0_cm1 = c.rotationalB0
        alpha_e_cm1 = c.alphaE
        D_e_cm1 = c.centrifugalDE
        r_e_standard_error_angstrom = analysis.standardErrorReAngstrom
        omega_e_standard_error_cm1 = analysis.standardErrorOmegaE(reducedMassDalton: mu)
        self.jackknife = jackknife
        rms_residual_hartree = analysis.rmsResidualHartree
        max_abs_residual_hartree = analysis.maxAbsResidualHartree
        gradient_at_r_e_hartree_per_angstrom = analysis.residualGradientHartreePerAngstrom
        condition_number = analysis.conditionNumber
        coefficients = analysis.polynomial?.polynomial.coefficients
        scaled_coefficients = analysis.polynomial?.scaledPolynomial.coefficients
        center_angstrom = analysis.polynomial?.centerAngstrom
        half_width_angstrom = analysis.polynomial?.halfWidthAngstrom
        morse_dissociation_energy_hartree = analysis.morse?.wellDepthHartree
        morse_a_per_angstrom = analysis.morse?.rangePerAngstrom
        morse_asymptote_hartree = analysis.morse?.asymptoteHartree
        degrees_tried = analysis.degreeTrials.isEmpty ? nil : analysis.degreeTrials
        residuals = zip(analysis.rAngstrom, analysis.residualsHartree).map { Residual(r_angstrom: $0, residual_hartree: $1) }
        points_used = analysis.pointCount
        points_excluded_failed = excludedFailed
        points_excluded_unconverged = excludedUnconverged
        points_not_computed = notComputed
        warnings = analysis.warnings
    }
}

/// The human-readable report of `fit`.
struct FitReportText {
    var result: FitResult
    var analysis: DiatomicAnalysis

    var text: String {
        let r = result
        var excluded: [String] = []
        if r.points_excluded_failed > 0 { excluded.append("\(r.points_excluded_failed) failed") }
        if r.points_excluded_unconverged > 0 { excluded.append("\(r.points_excluded_unconverged) unconverged") }
        if r.points_not_computed > 0 { excluded.append("\(r.points_not_computed) not computed yet") }
        let curve: String
        switch analysis.model {
        case .polynomial: curve = "degree-\(r.degree ?? 0) polynomial"
        case .polynomialAutomaticDegree: curve = "degree-\(r.degree ?? 0) polynomial (chosen by leave-one-out)"
        case .localized(_, let weighted): curve = "localised \(weighted ? "weighted " : "")degree-\(r.degree ?? 0) polynomial (Psi4 procedure)"
        case .morse: curve = "Morse curve"
        }
        let source = r.scan.map { "Scan \($0) (\(r.molecule), engine \(r.engine ?? "?"))" } ?? "\(r.molecule) from file"
        var lines = [
            "\(source): \(curve) through \(r.points_used) points"
                + (excluded.isEmpty ? "" : " (left out: \(excluded.joined(separator: ", ")))"),
            "  r_e          = \(Output.fixed(r.r_e_angstrom, 4)) Å   (\(Output.fixed(r.r_e_bohr, 4)) bohr)"
                + (r.r_e_standard_error_angstrom.map { String(format: "   ± %.1e Å", $0) } ?? ""),
            "  E(r_e)       = \(String(format: "%.10f", r.energy_hartree)) Eh",
            "  d²E/dr²      = \(String(format: "%.6f", r.second_derivative_hartree_per_angstrom2)) Eh/Å²   "
                + "(\(String(format: "%.6f", r.second_derivative_hartree_per_bohr2)) Eh/bohr²)",
            String(format: "  force consts = f2 %.6f aJ/Å², f3 %.6f aJ/Å³, f4 %.6f aJ/Å⁴", r.f2_aJ_per_angstrom2, r.f3_aJ_per_angstrom3, r.f4_aJ_per_angstrom4),
            String(format: "  ω_e          = %.4f cm⁻¹", r.omega_e_cm1) + (r.omega_e_standard_error_cm1.map { String(format: "   ± %.1e cm⁻¹", $0) } ?? ""),
            String(format: "  ω_e x_e      = %.4f cm⁻¹;  ν = %.4f cm⁻¹;  ZPVE = %.4f cm⁻¹ (harmonic %.4f)", r.omega_e_x_e_cm1, r.nu_cm1, r.zpve_cm1, r.zpve_harmonic_cm1),
            String(format: "  B_e          = %.6f cm⁻¹;  B_0 = %.6f cm⁻¹;  α_e = %.6f cm⁻¹;  D_e = %.3e cm⁻¹", r.B_e_cm1, r.B_0_cm1, r.alpha_e_cm1, r.D_e_cm1),
            String(format: "  r_0          = %.4f Å", r.r_0_angstrom)
                + "   (masses \(r.masses_dalton.map { String(format: "%.8f", $0) }.joined(separator: ", ")) Da)",
            "  RMS residual = \(String(format: "%.2e", r.rms_residual_hartree)) Eh   (max \(String(format: "%.2e", r.max_abs_residual_hartree)) Eh)"
                + (r.condition_number.map { String(format: "; condition number %.1f", $0) } ?? ""),
        ]
        if let d = r.morse_dissociation_energy_hartree, let a = r.morse_a_per_angstrom {
            lines.append(String(format: "  Morse        = D_e %.6f Eh (%.4f eV), a %.5f Å⁻¹", d, d * PhysicalConstants.hartreeInElectronvolt, a))
        }
        if let j = r.jackknife {
            lines.append(String(format: "  jackknife    = r_e ± %.1e Å, ω_e ± %.2e cm⁻¹ (%d refits)", j.standardErrorReAngstrom, j.standardErrorOmegaE, j.refits))
        }
        if let trials = r.degrees_tried {
            let tried = trials.map { t in
                t.leaveOneOutRMSHartree.map { "\(t.degree): \(String(format: "%.1e", $0))" } ?? "\(t.degree): unusable"
            }
            lines.append("  degrees tried (leave-one-out RMS, Eh): " + tried.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
