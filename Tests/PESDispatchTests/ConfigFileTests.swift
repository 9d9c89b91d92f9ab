import Foundation
import PESDispatch
import PESEngines
import Testing

@Suite("Config files")
struct ConfigFileTests {
    let folder = URL(fileURLWithPath: "/srv/scans", isDirectory: true)

    @Test("every setting is read, relative paths resolved against the file's folder")
    func everySetting() throws {
        let defaults = try ConfigFile.parse(
            "engine: PySCF\nmethod: rhf\nbasis: cc-pvdz\npython: .venv/bin/python\nslots: 4\nzones: zones.yaml\n", path: "c.yaml", folder: folder)
        #expect(defaults.engine == .pyscf)
        #expect(defaults.method == "rhf")
        #expect(defaults.basis == "cc-pvdz")
        #expect(defaults.python == "/srv/scans/.venv/bin/python")
        #expect(defaults.slots == 4)
        #expect(defaults.zones?.path == "/srv/scans/zones.yaml")
        #expect(try ConfigFile.parse("python: python3\n", path: "c.yaml", folder: folder).python == "python3")
        #expect(try ConfigFile.parse("", path: "c.yaml", folder: folder) == ConfigDefaults())
    }

    @Test("a bad file names the file, line and setting", arguments: [
        ("colour: blue\n", "c.yaml:1: unknown setting \"colour\""),
        ("engine: orca\n", "c.yaml:1: \"engine\": \"orca\" is not an engine"),
        ("slots: 0\n", "c.yaml:1: \"slots\": must be a whole number from 1 to 4096"),
        ("slots: [1, 2]\n", "c.yaml:1: \"slots\": needs one value on its line"),
        ("method: rhf\n", "c.yaml:1: method and basis go with an engine"),
        ("- engine\n", "c.yaml:1: must be a mapping of settings"),
    ])
    func badFile(_ yaml: String, _ message: String) {
        #expect {
            try ConfigFile.parse(yaml, path: "c.yaml", folder: folder)
        } throws: { error in
            (error as? ConfigFileError)?.description.hasPrefix(message) == true
        }
    }
}
