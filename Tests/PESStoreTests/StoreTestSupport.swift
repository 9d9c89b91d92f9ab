import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

/// A new database in its own temporary folder.
func makeStore() throws -> ScanStore {
    let folder = try TestSupport.temporaryFolder("pesscan-store")
    return try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
}

/// A small H2 scan spec with `points` points.
func h2Spec(name: String = "h2", points: Int = 5) throws -> ScanSpec {
    try TestSupport.librarySpec(molecule: "H2", name: name, points: points)
}

/// A lease holder that looks like a process on this host.
func holder(_ token: String, pid: Int32 = ProcessInfo.processInfo.processIdentifier) -> LeaseHolder {
    LeaseHolder(token: token, host: ProcessInfo.processInfo.hostName, pid: pid)
}

/// Runs SQL statements on the file at `path` with the sqlite3 shell, expecting success.
func sqlite(_ path: String, _ statement: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, statement]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "sqlite3 \(statement)")
}
