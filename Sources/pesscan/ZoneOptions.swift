import ArgumentParser
import Foundation
import PESDispatch

/// Where and how points run: the zone file, which zones, slots, retries and timeouts.
struct ZoneOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Zone file (default: $PESSCAN_ZONES, else zones of the config file, else Inputs/zones.yaml, else one local zone).", valueName: "path"))
    var zones: String?

    @Option(name: .customLong("zone"), help: "Run only in this zone; repeatable.")
    var onlyZones: [String] = []

    @Option(help: "Slots of the default local zone when there is no zone file (default: slots of the config file, else the number of cores).")
    var slots: Int?

    @Option(help: "Retries of a failed point, preferring another zone each time.")
    var retries: Int = 2

    @Option(help: "Seconds an engine may run before it is stopped (SIGTERM, then SIGKILL) and counted as failed.")
    var timeout: Double?

    @Option(help: "Seconds before the first retry of a failed point (doubling for each further retry).")
    var backoff: Double = 1

    @Option(help: ArgumentHelp(
        "Seconds a claim on a point lasts without renewal (renewed every quarter of it); another collect takes the point over only after that.",
        valueName: "seconds"))
    var leaseSeconds: Double = 300

    @Flag(help: "Submit to batch (Slurm) zones and return at once; a later collect harvests the results.")
    var noWait = false

    func validate() throws {
        if let slots, !(1...4096).contains(slots) { throw ValidationError("--slots must be between 1 and 4096; got \(slots).") }
        if !(0...100).contains(retries) { throw ValidationError("--retries must be between 0 and 100; got \(retries).") }
        if let timeout, !(timeout.isFinite && timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
        if !(backoff.isFinite && backoff >= 0 && backoff <= 3600) { throw ValidationError("--backoff must be between 0 and 3600 seconds.") }
        if !(leaseSeconds.isFinite && leaseSeconds >= 2 && leaseSeconds <= 86_400) {
            throw ValidationError("--lease-seconds must be between 2 and 86400; got \(leaseSeconds).")
        }
        if slots != nil, Locations.zoneFile(option: zones) != nil {
            throw ValidationError("--slots sets the default local zone; with a zone file set slots there.")
        }
    }

    /// The zone file in use with `config`, if any, with where it came from.
    func zoneFile(config: Configuration) -> Sourced<URL>? {
        Locations.zoneFile(option: zones, configured: config.value(\.zones))
    }

    /// The zone specifications from the file (or the default local zone with `--slots`, else the config's slots), restricted by --zone.
    ///
    /// A zone file that cannot be used is printed once, with its file and line, and exits 65.
    func specs(config: Configuration) throws -> [ZoneSpec] {
        var specs: [ZoneSpec]
        if let file = zoneFile(config: config) {
            if slots != nil, case .configFile(let configFile) = file.source {
                throw ValidationError(
                    "--slots sets the default local zone, but \(configFile.path) names the zone file \(file.value.path); set slots there, or give --zones.")
            }
            do {
                specs = try ZoneFile.load(from: file.value)
            } catch {
                throw Failure.report(error.description, status: .data)
            }
        } else {
            var local = ZoneSpec.defaultLocal
            local.slots = slots ?? config.slots
            specs = [local]
        }
        if !onlyZones.isEmpty {
            for name in onlyZones where !specs.contains(where: { $0.name == name }) {
                throw ValidationError("No zone named \(name); zones: \(specs.map(\.name).joined(separator: ", ")).")
            }
            specs = specs.filter { onlyZones.contains($0.name) }
        }
        return specs
    }

    /// Runnable zones; a missing container runtime is an error before anything runs.
    func runnableZones(config: Configuration) throws -> [Zone] {
        try specs(config: config).map { spec in try spec.makeZone(limitHelper: SelfExecutable.url) }
    }

    /// Retries, timeout and back-off as chosen.
    var policy: DispatchPolicy {
        DispatchPolicy(
            retries: retries, timeoutSeconds: timeout, backoffSeconds: backoff, leaseSeconds: leaseSeconds, submitOnly: noWait)
    }
}
