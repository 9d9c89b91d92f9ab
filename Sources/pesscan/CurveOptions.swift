import ArgumentParser
import PESFit

/// The `--model`, `--degree` and `--unweighted` options that `fit`, `plot` and `refine` share.
struct CurveOptions: ParsableArguments {
    @Option(help: "Curve: polynomial, local or morse (default: polynomial; for refine: local, or polynomial with --degree auto).")
    var model: String?

    @Option(help: "Polynomial degree (2 to 20), or `auto` for the leave-one-out choice (polynomial only).")
    var degree: String = "4"

    @Flag(help: "With --model local: no weights (Psi4 weights points near the minimum).")
    var unweighted = false

    /// The curve chosen by the options: `defaultModel` when --model is not given, except that `--degree auto` alone means the polynomial.
    func curveModel(defaultModel: String = "polynomial") throws -> CurveModel {
        let automatic = degree.lowercased() == "auto"
        let number = Int(degree)
        guard automatic || number.map({ $0 >= 2 && $0 <= 20 }) == true else {
            throw ValidationError("--degree must be a whole number from 2 to 20, or auto; got \(degree).")
        }
        let name = model ?? (automatic ? "polynomial" : defaultModel)
        switch name.lowercased() {
        case "polynomial":
            return automatic ? .polynomialAutomaticDegree(maximumDegree: 10) : .polynomial(degree: number ?? 4)
        case "local":
            guard !automatic else { throw ValidationError("--degree auto applies to --model polynomial.") }
            return .localized(degree: number ?? 4, weighted: !unweighted)
        case "morse":
            return .morse
        default:
            throw ValidationError("--model must be polynomial, local or morse; got \(name).")
        }
    }
}
