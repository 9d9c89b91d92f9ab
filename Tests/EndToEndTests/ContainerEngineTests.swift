import Foundation
import PESTestSupport
import Testing

/// A real engine in a real container: PySCF from the test venv in the image scripts/build-engine-image makes.
@Suite("End to end: PySCF in a Podman container zone", .serialized)
struct ContainerEngineTests {
    /// The image scripts/test builds: `scripts/build-engine-image localhost/pesscan-pyscf:test --python .venv`.
    static let image = "localhost/pesscan-pyscf:test"

    /// Whether Podman has the image.
    static var imagePresent: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["podman", "image", "exists", image]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The fitted r_e in Å of scan `scan`, degree 6.
    func fittedRE(_ runner: BinaryRunner, scan: String) throws -> Double {
        let fit = try runner.run(["fit", "--scan", scan, "--degree", "6", "--json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any]
        return try #require(object?["r_e_angstrom"] as? Double)
    }

    @Test(
        "H2 RHF/cc-pVDZ, 11 points, through a container zone: r_e equals the local run's to 1e-10 Å; threads cross with --env",
        .enabled(if: RealPrograms.python != nil && imagePresent, "needs PESSCAN_PYTHON and the image \(image); run scripts/test"))
    func pyscfInPodman() async throws {
        try await offPool { try self.body() }
    }

    func body() throws {
        let runner = try BinaryRunner()
        let zones = try runner.containerZone(image: Self.image, slots: 2)
        let scan = ["--molecule", "H2", "--engine", "pyscf", "--method", "rhf", "--basis", "cc-pvdz", "--points", "11", "--from", "0.70", "--to", "0.80"]
        #expect(try runner.run(["plan", "--scan", "here"] + scan).status == 0)
        #expect(try runner.run(["plan", "--scan", "pod", "--option", "threads=2"] + scan).status == 0)
        let check = try runner.run(["zones", "--zones", zones, "--scan", "pod"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let local = try runner.run(["collect", "--scan", "here", "--slots", "2", "--quiet"])
        #expect(local.status == 0, "\(local.stderr)")
        let contained = try runner.run(["collect", "--scan", "pod", "--zones", zones, "--quiet"])
        #expect(contained.status == 0, "\(contained.stderr)")
        #expect(try runner.sql("SELECT DISTINCT a.zone || ' ' || a.image FROM attempt a JOIN point p ON p.id = a.point_id JOIN scan s ON s.id = p.scan_id WHERE s.name = 'pod'") == "pod \(Self.image)")
        let rLocal = try fittedRE(runner, scan: "here")
        let rPod = try fittedRE(runner, scan: "pod")
        print("PySCF H2 r_e: local \(rLocal) Å, in Podman \(rPod) Å, difference \(rPod - rLocal) Å")
        #expect(abs(rPod - rLocal) <= 1e-10, "local \(rLocal), container \(rPod)")
        let energies = try runner.sql("""
            SELECT MAX(ABS(a.energy_hartree - b.energy_hartree)) FROM point a JOIN point b ON a.idx = b.idx
            JOIN scan sa ON sa.id = a.scan_id JOIN scan sb ON sb.id = b.scan_id WHERE sa.name = 'here' AND sb.name = 'pod'
            """)
        print("PySCF H2 largest energy difference local vs Podman: \(energies) Eh")
        // The image has only the venv's Python: a program that is not in it is found missing by zones, and plan accepts it only with a container zone.
        let missing = ["--molecule", "H2", "--engine", "template", "--points", "2", "--option", "template=xtb-example.xyz",
                       "--option", "argv=no-such-program-x mol.xyz", "--option", "energy_regex=E (\\S+)"]
        #expect(try runner.run(["plan", "--scan", "gone"] + missing).status != 0)
        let planned = try runner.run(["plan", "--scan", "gone", "--zones", zones] + missing)
        #expect(planned.status == 0 && planned.stderr.contains("not on this machine"), "\(planned.stderr)")
        let absent = try runner.run(["zones", "--zones", zones, "--scan", "gone"])
        #expect(absent.status == 69 && absent.stdout.contains("has no program no-such-program-x"), "\(absent.stdout)")
        let refused = try runner.run(["collect", "--scan", "gone"])
        #expect(refused.status == 69 && refused.stderr.contains("container zone whose image has it"), "\(refused.stderr)")
    }
}

extension BinaryRunner {
    /// A zone file with one container zone `pod` running `image` with `slots` slots; returns its path.
    func containerZone(image: String, slots: Int) throws -> String {
        try zoneFile("zones:\n  - name: pod\n    kind: container\n    image: \(image)\n    slots: \(slots)\n")
    }
}
