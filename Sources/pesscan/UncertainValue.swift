import Foundation

/// A fitted value printed with as many decimals as its uncertainty warrants, and the uncertainty in words.
enum UncertainValue {
    /// Decimals that show two significant digits of the larger of the standard error and the |degree bias| (same unit as the value); `fallback` when neither is known.
    static func decimals(standardError: Double?, bias: Double?, fallback: Int = 4) -> Int {
        let sizes = [standardError, bias.map(abs)].compactMap { $0 }.filter(\.isFinite)
        guard let largest = sizes.max() else { return fallback }
        guard largest > 0 else { return 10 }
        return min(max(1 - Int(floor(log10(largest))), 0), 10)
    }

    /// `value` with ``decimals(standardError:bias:fallback:)`` decimals.
    static func text(_ value: Double, standardError: Double?, bias: Double?, fallback: Int = 4) -> String {
        Output.fixed(value, decimals(standardError: standardError, bias: bias, fallback: fallback))
    }

    /// "± 7.2e-07 Å statistical (fit covariance); degree bias -2.3e-06 Å (minus the degree-5 fit)", or nil when neither is known.
    static func uncertainty(standardError: Double?, bias: Double?, comparedDegree: Int?, unit: String) -> String? {
        var parts: [String] = []
        if let standardError { parts.append(String(format: "± %.1e ", standardError) + "\(unit) statistical (fit covariance)") }
        if let bias {
            parts.append(String(format: "degree bias %+.1e ", bias) + unit + (comparedDegree.map { " (minus the degree-\($0) fit)" } ?? ""))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
