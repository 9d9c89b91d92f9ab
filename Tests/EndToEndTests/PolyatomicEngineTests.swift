import Foundation
import PESTestSupport
import Testing

/// PySCF's own answers for a polyatomic, computed now by `Fixtures/pyscf_polyatomic_reference.py`.
struct PolyatomicReference {
    /// The JSON the script printed.
    var fields: [String: Any]

    /// geomeTRIC's tight RHF/cc-pVDZ geometry and PySCF's analytic-Hessian wavenumbers for `molecule` (`h2o` or `hcn`).
    static func pyscf(_ molecule: String) throws -> PolyatomicReference {
        let python = try #require(RealPrograms.python)
        let script = TestSupport.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/pyscf_polyatomic_reference.py").path
        let text = try RealPrograms.output([python, script, molecule], in: try TestSupport.temporaryFolder("pesscan-polyref"))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return PolyatomicReference(fields: try #require(object, "the reference script printed no JSON: \(text)"))
    }

    /// A number the script printed.
    func number(_ key: String) throws -> Double { try #require(fields[key] as? Double, "no \(key) in the reference") }

    /// The harmonic wavenumbers in cm⁻¹, ascending.
    func wavenumbers() throws -> [Double] {
        try #require(fields["harmonic_wavenumbers_cm-1"] as? [Double]).sorted()
    }
}

/// Polyatomics on a real engine: grid → fit → GF frequencies against PySCF's analytic Hessian, and optimize against geomeTRIC.
///
/// Grids are centred near the RHF/cc-pVDZ minima (the library's
/// experimental geometries lie 0.01 Å away), 5 values per coordinate over
/// ±0.02 Å and ±2° (±4° for HCN's bend through 180°), fitted at total degree
/// 4: the quartic's Hessian at its minimum is then the surface's to far
/// better than 1 cm⁻¹.
@Suite("Polyatomic molecules on real engines (PySCF, xtb)", .serialized)
struct PolyatomicEngineTests {
    static let pyscf = ["--engine", "pyscf", "--method", "rhf", "--basis", "cc-pvdz"]

    /// Writes a Z-matrix file into the runner's folder and returns its name.
    func zmatrix(_ text: String, named name: String, in runner: BinaryRunner) throws -> String {
        try text.write(to: runner.folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }

    /// Plans, collects and fits a polyatomic grid; returns the fit's JSON object.
    func gridFit(_ runner: BinaryRunner, plan: [String]) throws -> [String: Any] {
        let planned = try runner.run(["plan", "--scan", "grid"] + plan + Self.pyscf)
        #expect(planned.status == 0, "\(planned.stderr)")
        let collected = try runner.run(["collect", "--slots", "2", "--quiet"])
        #expect(collected.status == 0, "\(collected.stderr)")
        let fit = try runner.run(["fit", "--scan", "grid", "--degree", "4", "--json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any], "\(fit.stderr)")
    }

    /// The wavenumbers of a fit's modes, each repeated by its degeneracy, ascending.
    func wavenumbers(_ fit: [String: Any]) throws -> [Double] {
        let modes = try #require(fit["modes"] as? [[String: Any]])
        return try modes.flatMap { mode -> [Double] in
            let value = try #require(mode["wavenumber_per_centimetre"] as? Double)
            return Array(repeating: value, count: mode["degeneracy"] as? Int ?? 1)
        }.sorted()
    }

    @Test(
        "H2O, r1, r2 and θ on a 5×5×5 grid: the minimum is geomeTRIC's to 1e-4 Å and 0.01°, the three wavenumbers PySCF's analytic ones to 1 cm⁻¹",
        .enabled(if: RealPrograms.python != nil, "PESSCAN_PYTHON is not set to a Python with pyscf; run scripts/test"))
    func waterFrequencies() async throws {
        try await offPool {
            let reference = try PolyatomicReference.pyscf("h2o")
            let runner = try BinaryRunner()
            let file = try zmatrix("O\nH 1 r1\nH 1 r2 2 theta\n\nr1 = 0.9465\nr2 = 0.9465\ntheta = 104.6\n", named: "water.zmat", in: runner)
            let fit = try gridFit(
                runner, plan: ["--zmatrix", file, "--points", "5", "--widths", "r1=0.04,r2=0.04,theta=4"])
            let minimum = try #require(fit["stationary_point"] as? [String: Double])
            #expect(fit["is_minimum"] as? Bool == true)
            #expect(fit["missing_modes"] as? Int == 0)
            for key in ["r1", "r2"] {
                #expect(abs((minimum[key] ?? 0) - (try reference.number("r1_angstrom"))) < 1e-4, "\(key) \(minimum[key] ?? 0)")
            }
            #expect(abs((minimum["theta"] ?? 0) - (try reference.number("theta_degrees"))) < 0.01, "theta \(minimum["theta"] ?? 0)")
            let ours = try wavenumbers(fit), theirs = try reference.wavenumbers()
            #expect(ours.count == 3 && theirs.count == 3)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1, "pesscan \(ours) cm⁻¹, PySCF \(theirs) cm⁻¹") }
        }
    }

    @Test(
        "linear HCN, r(CH), r(CN) and the bend through 180°: bonds geomeTRIC's to 1e-4 Å, the doubly degenerate bend and both stretches PySCF's to 1 cm⁻¹",
        .enabled(if: RealPrograms.python != nil, "PESSCAN_PYTHON is not set to a Python with pyscf; run scripts/test"))
    func hcnFrequencies() async throws {
        try await offPool {
            let reference = try PolyatomicReference.pyscf("hcn")
            let runner = try BinaryRunner()
            let file = try zmatrix("H\nC 1 rch\nN 2 rcn 1 a\n\nrch = 1.0667\nrcn = 1.1343\na = 180\n", named: "hcn.zmat", in: runner)
            let fit = try gridFit(
                runner, plan: ["--zmatrix", file, "--points", "5", "--widths", "rch=0.04,rcn=0.04,a=8"])
            let minimum = try #require(fit["stationary_point"] as? [String: Double])
            #expect(fit["is_minimum"] as? Bool == true)
            #expect(fit["missing_modes"] as? Int == 0, "a linear triatomic has 4 modes: the bend counts twice")
            #expect(abs((minimum["rch"] ?? 0) - (try reference.number("r_ch_angstrom"))) < 1e-4, "rch \(minimum["rch"] ?? 0)")
            #expect(abs((minimum["rcn"] ?? 0) - (try reference.number("r_cn_angstrom"))) < 1e-4, "rcn \(minimum["rcn"] ?? 0)")
            #expect(abs((minimum["a"] ?? 0) - 180) < 0.01)
            let ours = try wavenumbers(fit), theirs = try reference.wavenumbers()
            #expect(ours.count == 4 && theirs.count == 4)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1, "pesscan \(ours) cm⁻¹, PySCF \(theirs) cm⁻¹") }
        }
    }

    @Test(
        "optimize H2O from r = 1.0 Å, θ = 110°: geomeTRIC's geometry to 1e-4 Å and 0.01°; SIGKILLed in round 2 and run again, it resumes without running a finished point twice",
        .enabled(if: RealPrograms.python != nil, "PESSCAN_PYTHON is not set to a Python with pyscf; run scripts/test"))
    func optimizeWater() async throws {
        try await offPool {
            let reference = try PolyatomicReference.pyscf("h2o")
            let runner = try BinaryRunner()
            let argv = ["optimize", "--molecule", "H2O", "--start", "r=1.0,theta=110", "--slots", "2", "--json"] + Self.pyscf
            let (process, _, _) = try runner.start(argv)
            // Round 1 has 6 points: wait for a point of round 2, then kill the optimisation mid-round.
            var done = 0
            for _ in 0..<1200 where done < 8 {
                Thread.sleep(forTimeInterval: 0.1)
                done = Int((try? runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'")) ?? "") ?? 0
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(done >= 8, "round 2 did not start within 120 s")
            let doneAtKill = try runner.sql("SELECT group_concat(id) FROM point WHERE state = 'done'").split(separator: ",")
            let resumed = try runner.run(argv)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any])
            let coordinates = try #require(object["coordinates"] as? [String: Double])
            #expect(abs((coordinates["r"] ?? 0) - (try reference.number("r1_angstrom"))) < 1e-4, "r \(coordinates["r"] ?? 0)")
            #expect(abs((coordinates["theta"] ?? 0) - (try reference.number("theta_degrees"))) < 0.01, "theta \(coordinates["theta"] ?? 0)")
            #expect((object["round_count"] as? Int ?? 99) <= 3, "Psi4 1.3.2 needs 4 steps from this start")
            let rounds = try #require(object["rounds"] as? [[String: Any]])
            #expect(rounds.first?["added_points"] as? Int == 0, "the first round's points were all there from the killed run")
            for id in doneAtKill {
                #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE point_id = \(id)") == "1", "point \(id) ran again")
            }
            let twice = try runner.sql("SELECT COUNT(*) FROM (SELECT point_id FROM attempt WHERE outcome = 'done' GROUP BY point_id HAVING COUNT(*) > 1)")
            #expect(twice == "0")
            #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state != 'done'") == "0")
        }
    }

    @Test(
        "optimize linear HCN's two bonds with the angle fixed at 180°: geomeTRIC's to 1e-4 Å",
        .enabled(if: RealPrograms.python != nil, "PESSCAN_PYTHON is not set to a Python with pyscf; run scripts/test"))
    func optimizeHCN() async throws {
        try await offPool {
            let reference = try PolyatomicReference.pyscf("hcn")
            let runner = try BinaryRunner()
            let done = try runner.run(
                ["optimize", "--molecule", "HCN", "--vary", "rch,rcn", "--start", "rch=1.10,rcn=1.10", "--slots", "2", "--json"] + Self.pyscf)
            #expect(done.status == 0, "\(done.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(done.stdout.utf8)) as? [String: Any])
            let coordinates = try #require(object["coordinates"] as? [String: Double])
            #expect(abs((coordinates["rch"] ?? 0) - (try reference.number("r_ch_angstrom"))) < 1e-4, "rch \(coordinates["rch"] ?? 0)")
            #expect(abs((coordinates["rcn"] ?? 0) - (try reference.number("r_cn_angstrom"))) < 1e-4, "rcn \(coordinates["rcn"] ?? 0)")
        }
    }

    @Test(
        "xtb H2O: each point's XYZ input has the three atoms, and optimize lands on xtb's own optimiser's geometry (2e-4 Å, 0.05°: its gradient threshold)",
        .enabled(if: RealPrograms.installed("xtb"), "xtb is not installed (apt-get install xtb)"))
    func xtbWater() async throws {
        try await offPool {
            let folder = try TestSupport.temporaryFolder("pesscan-xtbwater")
            try "3\nwater\nO 0 0 0\nH 0 0 0.96\nH 0.93 0 -0.24\n".write(
                to: folder.appendingPathComponent("w.xyz"), atomically: true, encoding: .utf8)
            _ = try RealPrograms.output(["xtb", "w.xyz", "--opt", "extreme"], in: folder)
            let lines = try String(contentsOf: folder.appendingPathComponent("xtbopt.xyz"), encoding: .utf8).split(separator: "\n")
            let atoms = try lines.dropFirst(2).prefix(3).map { line in
                try line.split(separator: " ").dropFirst().map { try #require(Double($0)) }
            }
            let oh1 = (0..<3).map { atoms[1][$0] - atoms[0][$0] }, oh2 = (0..<3).map { atoms[2][$0] - atoms[0][$0] }
            func length(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            let cosine = zip(oh1, oh2).reduce(0) { $0 + $1.0 * $1.1 } / (length(oh1) * length(oh2))
            let reference = (r: (length(oh1) + length(oh2)) / 2, theta: acos(cosine) * 180 / Double.pi)
            let runner = try BinaryRunner()
            let done = try runner.run(
                ["optimize", "--molecule", "H2O", "--engine", "xtb", "--start", "r=1.0,theta=110", "--slots", "2", "--json"])
            #expect(done.status == 0, "\(done.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(done.stdout.utf8)) as? [String: Any])
            let coordinates = try #require(object["coordinates"] as? [String: Double])
            #expect(abs((coordinates["r"] ?? 0) - reference.r) < 2e-4, "pesscan \(coordinates), xtb \(reference)")
            #expect(abs((coordinates["theta"] ?? 0) - reference.theta) < 0.05, "pesscan \(coordinates), xtb \(reference)")
            let inputs = try FileManager.default.subpathsOfDirectory(atPath: runner.folder.appendingPathComponent("Results/runs").path)
                .filter { $0.hasSuffix("mol.xyz") }
            #expect(!inputs.isEmpty)
            for input in inputs {
                let text = try String(contentsOfFile: runner.folder.appendingPathComponent("Results/runs/\(input)").path, encoding: .utf8)
                #expect(text.hasPrefix("3\n") && text.split(separator: "\n").count == 5, "\(input): \(text)")
            }
        }
    }
}
