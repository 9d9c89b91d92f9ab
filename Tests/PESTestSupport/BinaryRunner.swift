import Foundation

/// Runs the built `pesscan` binary the way a user does.
public struct BinaryRunner {
    /// What one command printed and how it ended.
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A folder standing in for the user's working directory, with the database inside it.
    public let folder: URL

    /// File name of the database in `Results/`; commands get it as `$PESSCAN_DB` when it is not the default.
    public let databaseFileName: String

    public init() throws {
        folder = try TestSupport.temporaryFolder("pesscan-e2e")
        databaseFileName = "pesscan.sqlite"
    }

    /// A runner working in an existing `folder`, on `Results/<databaseFileName>`.
    public init(folder: URL, databaseFileName: String = "pesscan.sqlite") {
        self.folder = folder
        self.databaseFileName = databaseFileName
        // pesscan creates only the default database's folder; another database in Results/ needs it made.
        if databaseFileName != "pesscan.sqlite" {
            try? FileManager.default.createDirectory(at: folder.appendingPathComponent("Results"), withIntermediateDirectories: true)
        }
    }

    /// Path of the database every command of this runner uses.
    public var database: String { folder.appendingPathComponent("Results/\(databaseFileName)").path }

    /// The pesscan executable built next to the test bundle.
    public static var executable: URL {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("pesscan")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return TestSupport.packageRoot.appendingPathComponent(".build/debug/pesscan")
    }

    /// Starts `pesscan arguments…` in the runner's folder without waiting.
    public func start(_ arguments: [String]) throws -> (Process, URL, URL) {
        var environment = ProcessInfo.processInfo.environment
        environment["PESSCAN_MOLECULES"] = TestSupport.moleculeLibrary.path
        environment["PESSCAN_DB"] = databaseFileName == "pesscan.sqlite" ? nil : database
        environment["PESSCAN_INPUTS"] = TestSupport.packageRoot.appendingPathComponent("Inputs").path
        environment["PESSCAN_ZONES"] = nil
        if environment["CONTAINERS_CONF"] == nil {
            environment["CONTAINERS_CONF"] = TestSupport.packageRoot.appendingPathComponent("scripts/containers.conf").path
        }
        return try Self.launch(Self.executable, arguments, in: folder, environment: environment)
    }

    /// `setpriv` arguments that run a program as user and group nobody (65534) with no supplementary groups.
    ///
    /// Tests run as root, and root ignores permission bits; nobody does not.
    public static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    /// Whether this process can run programs as nobody (it is root and `setpriv` is installed).
    public static var canRunAsNobody: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: asNobody[0])
    }

    /// Starts `pesscan arguments…` in the runner's folder through `launcher` (such as ``asNobody``), with a minimal environment.
    public func start(_ arguments: [String], through launcher: [String]) throws -> (Process, URL, URL) {
        guard let program = launcher.first else { return try start(arguments) }
        var environment = ["PESSCAN_MOLECULES": TestSupport.moleculeLibrary.path, "PATH": "/usr/bin:/bin"]
        if databaseFileName != "pesscan.sqlite" { environment["PESSCAN_DB"] = database }
        return try Self.launch(
            URL(fileURLWithPath: program), Array(launcher.dropFirst()) + [Self.executable.path] + arguments, in: folder,
            environment: environment)
    }

    /// Runs `pesscan arguments…` to the end.
    @discardableResult
    public func run(_ arguments: [String]) throws -> Result {
        let (process, out, err) = try start(arguments)
        return Self.wait(process, out, err)
    }

    /// Starts any program from an argv array in `folder`, its stdout and stderr going to files there.
    /// Its stdout and stderr go to files in `outputs` (default: `folder`, which may be one the test cannot write, such as `/`).
    public static func launch(
        _ executable: URL, _ arguments: [String], in folder: URL, environment: [String: String], outputs: URL? = nil
    ) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment
        let id = UUID().uuidString
        let out = (outputs ?? folder).appendingPathComponent("out-\(id).txt")
        let err = (outputs ?? folder).appendingPathComponent("err-\(id).txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Waits for a launched program and reads what it printed.
    public static func wait(_ process: Process, _ out: URL, _ err: URL) -> Result {
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Writes a zone file into the runner's folder and returns its path.
    public func zoneFile(_ yaml: String) throws -> String {
        let url = folder.appendingPathComponent("zones-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The folder holding a point's attempt folders: `Results/runs/<database stem>-<id prefix>/<scan>/<index>`.
    public func pointFolder(scan: String, index: Int) throws -> URL {
        let uuid = try sql("SELECT uuid FROM database_identity")
        let stem = URL(fileURLWithPath: database).deletingPathExtension().lastPathComponent
        return folder.appendingPathComponent("Results/runs/\(stem)-\(uuid.prefix(8))/\(scan)/\(index)")
    }

    /// The work folders of every attempt of a point that used one.
    public func attemptFolders(scan: String, index: Int) throws -> [URL] {
        let point = try pointFolder(scan: scan, index: index)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: point.path)) ?? []
        return names.sorted().map { point.appendingPathComponent($0) }
    }

    /// Runs a SQL query with the sqlite3 shell and returns its output.
    public func sql(_ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, query]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
