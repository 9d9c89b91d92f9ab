import Foundation
import PESTestSupport
import Testing

/// Real BERTHA in a container zone, when the environment points at an image of it (CI has none).
///
/// `PESSCAN_BERTHA_IMAGE` (the image), `PESSCAN_BERTHA_ARGV` (the driver's argv inside it, a JSON
/// array), `PESSCAN_BERTHA_LD_LIBRARY_PATH` (the libraries' folder inside it) and
/// `PESSCAN_BERTHA_LIBRARY` (the authors' basis library on this machine, with H aug-cc-pvdz and aux4).
@Suite("End to end: real BERTHA in a Podman zone (when PESSCAN_BERTHA_IMAGE is set)")
struct BerthaContainerTests {
    static let environment = ProcessInfo.processInfo.environment
    static var configured: Bool {
        ["PESSCAN_BERTHA_IMAGE", "PESSCAN_BERTHA_ARGV", "PESSCAN_BERTHA_LD_LIBRARY_PATH", "PESSCAN_BERTHA_LIBRARY"]
            .allSatisfy { environment[$0].map { !$0.isEmpty } ?? false }
    }

    @Test(
        "H2 at 0.74 Å, aug-cc-pVDZ/aux4, grid 5, 2 threads: the authors' tool chain's energy, version stored, no ulimit or env prefix",
        .enabled(if: configured, "set PESSCAN_BERTHA_IMAGE, _ARGV, _LD_LIBRARY_PATH and _LIBRARY to run real BERTHA"))
    func hydrogen() async throws {
        try await offPool { try self.body() }
    }

    func body() throws {
        let runner = try BinaryRunner()
        let zones = try runner.containerZone(image: Self.environment["PESSCAN_BERTHA_IMAGE"] ?? "", slots: 1)
        let plan = try runner.run([
            "plan", "--molecule", "H2", "--engine", "bertha", "--points", "2", "--from", "0.74", "--to", "0.76", "--zones", zones,
            "--option", "argv=\(Self.environment["PESSCAN_BERTHA_ARGV"] ?? "")",
            "--option", "env.LD_LIBRARY_PATH=\(Self.environment["PESSCAN_BERTHA_LD_LIBRARY_PATH"] ?? "")",
            "--option", "basis_library=\(Self.environment["PESSCAN_BERTHA_LIBRARY"] ?? "")",
            "--option", "basis=aug-cc-pvdz", "--option", "fitting=aux4", "--option", "threads=2",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let collect = try runner.run(["collect", "--zones", zones, "--quiet"])
        #expect(collect.status == 0, "\(collect.stderr)")
        let energy = Double(try runner.sql("SELECT energy_hartree FROM point WHERE idx = 0")) ?? 0
        // The authors' input generator and driver, 2 threads, same files: -1.1677547607228904 Eh (final block).
        print("BERTHA H2 0.74 Å in Podman: \(energy) Eh, authors' tool chain -1.1677547607228904 Eh, difference \(energy + 1.1677547607228904) Eh")
        #expect(abs(energy + 1.1677547607228904) < 1e-8)
        #expect(try runner.sql("SELECT DISTINCT engine_version FROM attempt").hasPrefix("BERTHA "))
    }
}
