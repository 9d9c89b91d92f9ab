import Foundation
import PESEngines
import Testing

@testable import PESDispatch

@Suite("Container argv: the engine's environment and limits cross, configured ulimits are kept, the program is the image's")
struct ContainerArgumentsTests {
    static let launcher = ContainerLauncher(
        runtime: URL(fileURLWithPath: "/usr/bin/podman"), image: "localhost/bertha:1", zoneLimits: ResourceLimits([.nofile: .finite(4096)]),
        configuredLimits: ["nofile=20000:20000", "nproc=1000:1000"])

    @Test("--env per engine variable, --ulimit for the engine's and the zone's limits, the other configured ulimits repeated")
    func environmentAndLimits() {
        let command = ProcessCommand(
            executable: URL(fileURLWithPath: "/opt/bertha/bin/python"), arguments: ["pybertha.py", "-v", "1"],
            environment: ["PATH": "/host/only", "OMP_NUM_THREADS": "2"],
            engineEnvironment: ["OMP_NUM_THREADS": "2", "LD_LIBRARY_PATH": "/opt/bertha/lib"], program: "python",
            limits: ResourceLimits([.stack: .unlimited]))
        let argv = Self.launcher.arguments(for: command, workDirectory: URL(fileURLWithPath: "/r/1"), label: "p-1")
        #expect(argv == [
            "run", "--rm", "--name", "p-1", "--network=none", "--volume", "/r/1:/pesscan-work", "--workdir", "/pesscan-work",
            "--env", "LD_LIBRARY_PATH=/opt/bertha/lib", "--env", "OMP_NUM_THREADS=2",
            "--ulimit", "stack=-1:-1", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=1000:1000",
            "localhost/bertha:1", "python", "pybertha.py", "-v", "1",
        ])
    }

    @Test("no limits: no --ulimit at all, so the runtime's defaults stand")
    func noLimits() {
        let launcher = ContainerLauncher(runtime: URL(fileURLWithPath: "/usr/bin/podman"), image: "i", configuredLimits: ["nofile=1:1"])
        let argv = launcher.arguments(
            for: ProcessCommand(executable: URL(fileURLWithPath: "/usr/bin/xtb"), arguments: ["mol.xyz"], program: "xtb"),
            workDirectory: URL(fileURLWithPath: "/w"), label: "l")
        #expect(!argv.contains("--ulimit"))
        #expect(argv.suffix(3) == ["i", "xtb", "mol.xyz"])
    }

    @Test("containers.conf: default_ulimits of the [containers] table, on one line or several; other tables ignored")
    func containersConf() {
        #expect(ContainersConf.defaultUlimits(in: """
            [engine]
            default_ulimits = ["core=0:0"]
            [containers]
            # a comment
            default_ulimits = [
              "nofile=20000:20000", # open files
              'nproc=1000:1000',
            ]
            """) == ["nofile=20000:20000", "nproc=1000:1000"])
        #expect(ContainersConf.defaultUlimits(in: "[containers]\nlog_size_max = 1\n") == nil)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pesscan-conf-\(UUID().uuidString).conf")
        try? Data("[containers]\ndefault_ulimits = [\"nofile=7:7\"]\n".utf8).write(to: file)
        #expect(ContainersConf.defaultUlimits(environment: ["CONTAINERS_CONF": file.path]) == ["nofile=7:7"])
    }

    @Test("zone files: limits parsed with units; a bad kind or value names the field")
    func zoneLimits() throws {
        let specs = try ZoneFile.parse(
            "zones:\n  - name: a\n    kind: local\n    limits: {stack: 256M, nofile: 4096, cpu: unlimited}\n", path: "z.yaml")
        #expect(specs.first?.limits == ResourceLimits([.stack: .finite(256 << 20), .nofile: .finite(4096), .cpu: .unlimited]))
        #expect(throws: ZoneFileError.self) { try ZoneFile.parse("zones:\n  - name: a\n    kind: local\n    limits: {stak: 1}\n", path: "z") }
        #expect(throws: ZoneFileError.self) { try ZoneFile.parse("zones:\n  - name: a\n    kind: local\n    limits: {nofile: 2G}\n", path: "z") }
    }

    @Test("a local command with limits runs through pesscan exec-with-limits; the Slurm job files carry environment and limits")
    func localAndSlurm() throws {
        let command = ProcessCommand(
            executable: URL(fileURLWithPath: "/bin/prog"), arguments: ["a"], engineEnvironment: ["X": "1"],
            limits: ResourceLimits([.stack: .finite(1 << 20)]))
        let wrapped = LimitedExec.wrap(command, limits: command.limits, helper: URL(fileURLWithPath: "/usr/bin/pesscan"))
        #expect(wrapped.executable.path == "/usr/bin/pesscan")
        #expect(wrapped.arguments == ["exec-with-limits", "--limit", "stack=1048576", "--", "/bin/prog", "a"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pesscan-slurm-\(UUID().uuidString)")
        let work = folder.appendingPathComponent("w")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        _ = try SlurmBatch.write(commands: [(command, work)], zoneLimits: ResourceLimits([.core: .finite(0)]), to: folder)
        #expect(try String(contentsOf: folder.appendingPathComponent("task-0.limits"), encoding: .utf8) == "-s 1024\n-c 0\n")
        #expect(try Data(contentsOf: folder.appendingPathComponent("task-0.env")) == Data("X=1\u{0}".utf8))
    }
}
