import Foundation
import PESTestSupport
import Testing

/// pesscan is not linked to LAPACK (it opens it at the first fit), so the images' library lists add it themselves.
@Suite("End to end: pesscan loads LAPACK only when it fits, and the image scripts still copy it")
struct ImageLibrariesTests {
    /// `scripts/shared-libraries arguments…`: its exit status and the libraries it listed.
    static func sharedLibraries(_ arguments: [String]) throws -> (status: Int32, libraries: [String], stderr: String) {
        let scratch = try TestSupport.temporaryFolder("pesscan-libraries")
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/shared-libraries")
        let (process, out, err) = try BinaryRunner.launch(
            script, arguments, in: TestSupport.packageRoot, environment: ProcessInfo.processInfo.environment, outputs: scratch)
        let result = BinaryRunner.wait(process, out, err)
        return (result.status, result.stdout.split(separator: "\n").map(String.init), result.stderr)
    }

    /// The file names (without folders) among `libraries`.
    static func names(_ libraries: [String]) -> Set<String> {
        Set(libraries.map { URL(fileURLWithPath: $0).lastPathComponent })
    }

    @Test("ldd of the built pesscan lists neither LAPACKE nor OpenBLAS, but glibc and the loader")
    func notLinked() throws {
        let listed = try Self.sharedLibraries([BinaryRunner.executable.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        let names = Self.names(listed.libraries)
        #expect(names.contains("libc.so.6") && names.contains { $0.hasPrefix("ld-linux") }, "\(names)")
        #expect(!names.contains { $0.hasPrefix("liblapacke") || $0.hasPrefix("libopenblas") || $0.hasPrefix("libgfortran") }, "\(names)")
    }

    @Test("--lapack adds the LAPACKE library the loader finds and what it loads: OpenBLAS, BLAS, LAPACK, gfortran")
    func lapackAdded() throws {
        let listed = try Self.sharedLibraries(["--lapack", BinaryRunner.executable.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        let names = Self.names(listed.libraries)
        for library in ["liblapacke.so.3", "libopenblas.so.0", "libblas.so.3", "liblapack.so.3", "libgfortran.so.5", "libc.so.6"] {
            #expect(names.contains(library), "\(library) missing from \(listed.libraries)")
        }
        #expect(listed.libraries.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "\(listed.libraries)")
    }
}
