import Foundation
import PESTestSupport
import Testing

/// Config files: `pesscan.yaml` beside the database, then the user's; command-line options win; `pesscan config` shows each value's source.
@Suite("End to end: config files and pesscan config")
struct ConfigTests {
    /// Runs pesscan in the runner's folder with `HOME` set to `home`, so only the test's config files count.
    func run(_ pesscan: BinaryRunner, _ arguments: [String], home: URL, extra: [String: String] = [:]) throws -> BinaryRunner.Result {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PESSCAN_") }
        environment["PESSCAN_MOLECULES"] = TestSupport.moleculeLibrary.path
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = nil
        environment.merge(extra) { $1 }
        let (process, out, err) = try BinaryRunner.launch(BinaryRunner.executable, arguments, in: pesscan.folder, environment: environment)
        return BinaryRunner.wait(process, out, err)
    }

    /// A runner whose `Results/pesscan.yaml` holds `yaml`, and an empty home folder.
    func configured(_ yaml: String) throws -> (BinaryRunner, URL) {
        let pesscan = try BinaryRunner()
        let results = pesscan.folder.appendingPathComponent("Results")
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        try yaml.write(to: results.appendingPathComponent("pesscan.yaml"), atomically: true, encoding: .utf8)
        let home = pesscan.folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return (pesscan, home)
    }

    @Test("a config beside the database sets the default engine and slots; options win over it")
    func engineAndSlots() throws {
        let (pesscan, home) = try configured("engine: model-process\nslots: 3\n")
        let plan = try run(pesscan, ["plan", "--molecule", "H2", "--points", "5"], home: home)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try pesscan.sql("SELECT engine FROM scan") == "model-process")
        let collect = try run(pesscan, ["collect"], home: home)
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(collect.stderr.contains("(local, 3 slots)"), "\(collect.stderr)")
        let override = try run(pesscan, ["plan", "--molecule", "H2", "--points", "5", "--engine", "model", "--scan", "h2-model"], home: home)
        #expect(override.status == 0, "\(override.stderr)")
        #expect(try pesscan.sql("SELECT engine FROM scan WHERE name = 'h2-model'") == "model")
        let slots = try run(pesscan, ["collect", "--slots", "1"], home: home)
        #expect(slots.status == 0, "\(slots.stderr)")
        #expect(slots.stderr.contains("(local, 1 slot"), "\(slots.stderr)")
    }

    @Test("method and basis go with the config's engine and are stored as its options")
    func methodAndBasis() throws {
        let (pesscan, home) = try configured("engine: model-process\nmethod: rhf\n")
        let plan = try run(pesscan, ["plan", "--molecule", "H2", "--points", "3", "--json"], home: home)
        // model-process takes no method option: the config's method reaches the engine and is refused by name.
        #expect(plan.status == 64, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stderr.contains("method"), "\(plan.stderr)")
        let other = try run(pesscan, ["plan", "--molecule", "H2", "--points", "3", "--engine", "model"], home: home)
        #expect(other.status == 0, "\(other.stderr)")
    }

    @Test("pesscan config prints every value with its source, as text and as JSON")
    func showsSources() throws {
        let (pesscan, home) = try configured("engine: xtb\nslots: 2\n")
        let userConfig = home.appendingPathComponent(".config/pesscan")
        try FileManager.default.createDirectory(at: userConfig, withIntermediateDirectories: true)
        try "slots: 7\npython: /opt/py/bin/python\n".write(to: userConfig.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let beside = pesscan.folder.appendingPathComponent("Results/pesscan.yaml").standardizedFileURL.path
        let user = userConfig.appendingPathComponent("config.yaml").standardizedFileURL.path
        let text = try run(pesscan, ["config"], home: home)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        func line(_ name: String) -> String { lines.first { $0.hasPrefix("  \(name) ") } ?? "" }
        #expect(line("engine").contains("xtb") && line("engine").hasSuffix("from \(beside)"), "\(text.stdout)")
        #expect(line("slots").contains("2") && line("slots").hasSuffix("from \(beside)"), "\(text.stdout)")
        #expect(line("python").contains("/opt/py/bin/python") && line("python").hasSuffix("from \(user)"), "\(text.stdout)")
        #expect(line("database").contains("Results/pesscan.sqlite") && line("database").hasSuffix("from default"), "\(text.stdout)")
        #expect(line("zones").contains("one local zone"), "\(text.stdout)")

        let json = try run(pesscan, ["config", "--json"], home: home, extra: ["PESSCAN_PYTHON": "/usr/bin/python3"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let settings = try #require(object["settings"] as? [[String: Any]])
        func setting(_ name: String) -> [String: Any] { settings.first { $0["name"] as? String == name } ?? [:] }
        #expect(setting("engine")["value"] as? String == "xtb")
        #expect(setting("engine")["from"] as? String == "config")
        #expect(setting("engine")["source"] as? String == beside)
        #expect(setting("python")["value"] as? String == "/usr/bin/python3")
        #expect(setting("python")["from"] as? String == "environment")
        #expect(setting("python")["source"] as? String == "$PESSCAN_PYTHON")
        #expect(setting("method")["from"] as? String == "default")
        #expect(setting("method").keys.contains("value"))
        #expect(setting("molecules")["from"] as? String == "environment")
        let files = try #require(object["config_files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == [beside, user])
        #expect(files.map { $0["exists"] as? Bool } == [true, true])
        #expect(object.keys.sorted() == ["config_files", "data_folders", "settings"])
    }

    @Test("a config file with an unknown setting is one message with its line, exit 65")
    func badConfig() throws {
        let (pesscan, home) = try configured("engine: model\ncolour: blue\n")
        let result = try run(pesscan, ["plan", "--molecule", "H2", "--points", "3"], home: home)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("pesscan.yaml:2: unknown setting \"colour\""), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pesscan.database))
    }
}
