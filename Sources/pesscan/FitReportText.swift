import Foundation
import PESCore
import PESWorkflow

/// The human-readable report of `fit`.
struct FitReportText {
    var result: FitRecord

    var text: String {
        let r = result
        var excluded: [String] = []
        if r.pointsExcludedFailed > 0 { excluded.append("\(r.pointsExcludedFailed) failed") }
        if r.pointsExcludedUnconverged > 0 { excluded.append("\(r.pointsExcludedUnconverged) unconverged") }
        if r.pointsNotComputed > 0 { excluded.append("\(r.pointsNotComputed) not computed yet") }
        let source = r.scan.map { "Scan \($0) (\(r.molecule), engine \(r.engine ?? "?"))" } ?? "\(r.molecule) from file"
        let rE = UncertainValue.text(r.rEAngstrom, standardError: r.rEStandardErrorAngstrom, bias: r.rEDegreeBiasAngstrom)
        let bohr = PhysicalConstants.angstromInBohr
        let rEBohr = UncertainValue.text(
            r.rEBohr, standardError: r.rEStandardErrorAngstrom.map { $0 * bohr }, bias: r.rEDegreeBiasAngstrom.map { $0 * bohr })
        let omegaE = UncertainValue.text(r.omegaECm1, standardError: r.omegaEStandardErrorCm1, bias: r.omegaEDegreeBiasCm1)
        let reUncertainty = UncertainValue.uncertainty(
            standardError: r.rEStandardErrorAngstrom, bias: r.rEDegreeBiasAngstrom, comparedDegree: r.degreeBiasComparedDegree, unit: "Å")
        let omegaUncertainty = UncertainValue.uncertainty(
            standardError: r.omegaEStandardErrorCm1, bias: r.omegaEDegreeBiasCm1, comparedDegree: r.degreeBiasComparedDegree, unit: "cm⁻¹")
        let continuation = "                 "
        let rows: [String?] = [
            "\(source): \(r.curve) through \(r.pointsUsed) points"
                + (excluded.isEmpty ? "" : " (left out: \(excluded.joined(separator: ", ")))"),
            "  r_e          = \(rE) Å   (\(rEBohr) bohr)",
            reUncertainty.map { continuation + $0 },
            "  E(r_e)       = \(String(format: "%.10f", r.energyHartree)) Eh",
            "  d²E/dr²      = \(String(format: "%.6f", r.secondDerivativeHartreePerAngstrom2)) Eh/Å²   "
                + "(\(String(format: "%.6f", r.secondDerivativeHartreePerBohr2)) Eh/bohr²)",
            String(format: "  force consts = f2 %.6f aJ/Å², f3 %.6f aJ/Å³, f4 %.6f aJ/Å⁴", r.f2AttojoulePerAngstrom2, r.f3AttojoulePerAngstrom3, r.f4AttojoulePerAngstrom4),
            "  ω_e          = \(omegaE) cm⁻¹",
            omegaUncertainty.map { continuation + $0 },
            String(format: "  ω_e x_e      = %.4f cm⁻¹;  ν = %.4f cm⁻¹;  ZPVE = %.4f cm⁻¹ (harmonic %.4f)", r.omegaEXeCm1, r.nuCm1, r.zpveCm1, r.zpveHarmonicCm1),
            String(format: "  B_e          = %.6f cm⁻¹;  B_0 = %.6f cm⁻¹;  α_e = %.6f cm⁻¹;  D_e = %.3e cm⁻¹", r.bECm1, r.b0Cm1, r.alphaECm1, r.dECm1),
            String(format: "  r_0          = %.4f Å", r.r0Angstrom)
                + "   (masses \(r.massesDalton.map { String(format: "%.8f", $0) }.joined(separator: ", ")) Da)",
            "  RMS residual = \(String(format: "%.2e", r.rmsResidualHartree)) Eh   (max \(String(format: "%.2e", r.maxAbsResidualHartree)) Eh)"
                + (r.conditionNumber.map { String(format: "; condition number %.1f", $0) } ?? ""),
        ]
        var lines = rows.compactMap { $0 }
        if let d = r.morseDissociationEnergyHartree, let a = r.morseAPerAngstrom {
            lines.append(String(format: "  Morse        = D_e %.6f Eh (%.4f eV), a %.5f Å⁻¹", d, d * PhysicalConstants.hartreeInElectronvolt, a))
        }
        if let j = r.jackknife {
            lines.append(String(format: "  jackknife    = r_e ± %.1e Å, ω_e ± %.2e cm⁻¹ (%d refits)", j.standardErrorReAngstrom, j.standardErrorOmegaE, j.refits))
        }
        if let trials = r.degreesTried {
            let tried = trials.map { t in
                t.leaveOneOutRMSHartree.map { "\(t.degree): \(String(format: "%.1e", $0))" } ?? "\(t.degree): unusable"
            }
            lines.append("  degrees tried (leave-one-out RMS, Eh): " + tried.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
