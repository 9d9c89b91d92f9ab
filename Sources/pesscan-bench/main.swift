import Foundation
import PESFit

// pesscan-bench: times pesscan's polynomial fit inside one process, for scripts/bench.
//
// Usage: pesscan-bench fit FILE.csv DEGREE REPEATS
// FILE.csv has the header `r_angstrom,energy_hartree` and one point per line. Each repeat runs the
// least-squares fit (LAPACK dgelsd) and the minimum (companion-matrix roots, Newton); reading the file
// is not timed. Prints one JSON object: the median and every time in seconds, r_e and the coefficients.

/// A usage or input problem, printed on stderr with exit status 64.
struct BenchUsageError: Error, CustomStringConvertible {
    var description: String
}

/// Reads `r,e` rows after a header line.
func readPoints(_ path: String) throws -> (r: [Double], e: [Double]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var r: [Double] = [], e: [Double] = []
    for (number, line) in text.split(separator: "\n").enumerated().dropFirst() {
        let fields = line.split(separator: ",")
        guard fields.count == 2, let x = Double(fields[0]), let y = Double(fields[1]) else {
            throw BenchUsageError(description: "\(path), line \(number + 1): expected two numbers, got \"\(line)\"")
        }
        r.append(x)
        e.append(y)
    }
    return (r, e)
}

/// Seconds taken by `body`, from the monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func formatted(_ values: [Double]) -> String {
    "[" + values.map { String(format: "%.17g", $0) }.joined(separator: ", ") + "]"
}

func fitCommand(_ arguments: [String]) throws {
    guard arguments.count == 3, let degree = Int(arguments[1]), let repeats = Int(arguments[2]), repeats > 0 else {
        throw BenchUsageError(description: "usage: pesscan-bench fit FILE.csv DEGREE REPEATS")
    }
    let (r, e) = try readPoints(arguments[0])
    var times: [Double] = []
    var last: (PolynomialFit, CurveMinimum)?
    for _ in 0..<repeats {
        times.append(try seconds {
            let fit = try PolynomialFit.fit(rAngstrom: r, energyHartree: e, degree: degree)
            last = (fit, try fit.minimum())
        })
    }
    guard let (fit, minimum) = last else { return }
    let sorted = times.sorted()
    let median = sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    print("""
        {"points": \(r.count), "degree": \(degree), "median_seconds": \(median), "seconds": \(formatted(times)), \
        "r_e_angstrom": \(String(format: "%.17g", minimum.rAngstrom)), \
        "window_coefficients": \(formatted(fit.scaledPolynomial.coefficients)), \
        "coefficients": \(formatted(fit.polynomial.coefficients))}
        """)
}

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.first == "fit" else { throw BenchUsageError(description: "usage: pesscan-bench fit FILE.csv DEGREE REPEATS") }
    try fitCommand(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("pesscan-bench: \(error)\n".utf8))
    exit(64)
}
