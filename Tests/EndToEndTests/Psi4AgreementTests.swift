import Foundation
import PESTestSupport
import Testing

/// `pesscan fit --input … --model local` against Psi4's own `diatomic.anharmonicity` on the same points.
@Suite("End to end: spectroscopic constants agree with Psi4")
struct Psi4AgreementTests {
    /// A data set generated here: a Morse curve, optionally perturbed and shuffled.
    struct DataSet: CustomStringConvertible, Sendable {
        var molecule: String
        var symbols: (String, String)
        var rEquilibrium: Double
        var wellDepth: Double
        var range: Double
        var points: Int
        var cubicPerturbation: Double
        var shuffled: Bool

        var description: String { molecule + (shuffled ? " shuffled" : "") }

        var csv: String {
            var rows = (0..<points).map { i -> (Double, Double) in
                // Uneven spacing: denser near the middle.
                let u = -1 + 2 * Double(i) / Double(points - 1)
                let r = rEquilibrium + 0.04 + range * (u + 0.15 * u * u * u)
                let x = r - rEquilibrium
                let morse = wellDepth * (pow(1 - exp(-range.squareRoot() * 8 * x), 2) - 1)
                return (r, morse + cubicPerturbation * x * x * x)
            }
            if shuffled { rows = rows.enumerated().sorted { ($0.offset * 7) % points < ($1.offset * 7) % points }.map(\.element) }
            return "energy_hartree,r_angstrom\n" + rows.map { String(format: "%.17g,%.17g", $0.1, $0.0) }.joined(separator: "\n") + "\n"
        }
    }

    static let dataSets = [
        DataSet(molecule: "H2", symbols: ("H", "H"), rEquilibrium: 0.7414, wellDepth: 0.1745, range: 0.1, points: 9, cubicPerturbation: 0, shuffled: false),
        DataSet(molecule: "HF", symbols: ("H", "F"), rEquilibrium: 0.9168, wellDepth: 0.2250, range: 0.12, points: 13, cubicPerturbation: 0.02, shuffled: true),
        DataSet(molecule: "N2", symbols: ("N", "N"), rEquilibrium: 1.0977, wellDepth: 0.3640, range: 0.08, points: 11, cubicPerturbation: -0.05, shuffled: true),
    ]

    /// Keys of pesscan's JSON and the matching keys of Psi4's dictionary.
    static let keys: [(pesscan: String, psi4: String)] = [
        ("r_e_angstrom", "re"), ("r0_angstrom", "r0"), ("omega_e_cm1", "we"), ("omega_e_xe_cm1", "wexe"),
        ("nu_cm1", "nu"), ("b_e_cm1", "Be"), ("b0_cm1", "B0"), ("alpha_e_cm1", "ae"), ("d_e_cm1", "De"),
        // Psi4 1.3.2 returns the anharmonic ZPVE under both of its ZPVE keys.
        ("zpve_cm1", "ZPVE(anharmonic)"),
    ]

    @Test("every constant agrees with Psi4 to 1e-6 relative", arguments: dataSets)
    func agreesWithPsi4(_ data: DataSet) throws {
        let pesscan = try BinaryRunner()
        let csv = pesscan.folder.appendingPathComponent("\(data.molecule).csv")
        try data.csv.write(to: csv, atomically: true, encoding: .utf8)
        let ours = try pesscan.run(["fit", "--input", csv.path, "--molecule", data.molecule, "--model", "local", "--json"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let mine = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any])

        let script = TestSupport.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/psi4_anharmonicity.py")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = [script.path, csv.path, data.symbols.0, data.symbols.1]
        // Psi4 writes timer.dat into its working directory: keep it in the test's folder.
        python.currentDirectoryURL = pesscan.folder
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "Psi4 (Debian package psi4, installed by scripts/test) must run")
        let theirs = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Double])

        for key in Self.keys {
            let a = try #require(mine[key.pesscan] as? Double, "\(key.pesscan)")
            let b = try #require(theirs[key.psi4], "\(key.psi4)")
            #expect(TestSupport.isClose(a, b, relative: 1e-6), "\(key.pesscan) = \(a), Psi4 \(key.psi4) = \(b)")
        }
        for key in ["energy_hartree", "f2_attojoule_per_angstrom2", "f3_attojoule_per_angstrom3", "f4_attojoule_per_angstrom4", "degree", "rms_residual_hartree"] {
            #expect(mine[key] != nil, "\(key) missing")
        }
        #expect(mine["warnings"] is [Any])
    }
}
