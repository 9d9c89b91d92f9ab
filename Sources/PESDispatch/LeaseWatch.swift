import Foundation
import PESStore

/// Judges other collects' leases: which holders are gone, so their running points may be taken over.
///
/// A holder is judged gone at once when it ran on this host and its process
/// no longer exists. Otherwise only its heartbeat counts, watched on this
/// process's monotonic clock, so a wall clock that steps (NTP, a suspended
/// laptop, another host's skew) never hands live work to a second collect:
/// - a lease that looks expired by the wall clock, by more than the skew
///   margin, is taken over once its heartbeat has not moved for a whole lease
///   as this process measures it (four renewals missed: a busy machine that
///   delays one or two renewals does not lose its points);
/// - any lease whose heartbeat has not moved for a whole lease plus the skew
///   margin is taken over whatever the wall clocks say.
/// A holder whose heartbeat is seen to move is alive and is not waited for.
struct LeaseWatch {
    /// Host name of this process, to tell leases held on this host.
    let localHost: String
    /// Whether a process with this id exists on this host.
    let isProcessAlive: @Sendable (Int32) -> Bool
    /// Lease length assumed for a lease written before heartbeats were kept, in seconds.
    let defaultLeaseSeconds: Double
    /// What was last seen of each holder's heartbeat, and when on the monotonic clock it was first seen at that value.
    private var watched: [String: (beat: Int?, since: ContinuousClock.Instant, seenMoving: Bool)] = [:]

    init(localHost: String, defaultLeaseSeconds: Double, isProcessAlive: @escaping @Sendable (Int32) -> Bool) {
        self.localHost = localHost
        self.defaultLeaseSeconds = defaultLeaseSeconds
        self.isProcessAlive = isProcessAlive
    }

    /// Allowance for the difference between two hosts' wall clocks, in seconds: a lease's length, at most a minute.
    static func skewMarginSeconds(leaseSeconds: Double) -> Double { min(60, leaseSeconds) }

    /// The leases to take over now, each with the reason its attempts keep.
    mutating func verdicts(
        on leases: [ForeignLease], wallNowSeconds: Double = Date().timeIntervalSince1970, now: ContinuousClock.Instant = .now
    ) -> [(lease: ForeignLease, reason: String)] {
        watched = watched.filter { token, _ in leases.contains { $0.token == token } }
        var gone: [(lease: ForeignLease, reason: String)] = []
        for lease in leases {
            let host = lease.host ?? "?"
            if lease.host == localHost, let pid = lease.pid, !isProcessAlive(pid) {
                gone.append((lease, "collect process \(pid) on \(host) ended before finishing; point returned to pending"))
                continue
            }
            guard let seen = watched[lease.token], seen.beat == lease.beat else {
                watched[lease.token] = (lease.beat, now, watched[lease.token] != nil)
                continue
            }
            let quietSeconds = now.seconds(since: seen.since)
            let leaseSeconds = lease.leaseSeconds ?? defaultLeaseSeconds
            let margin = Self.skewMarginSeconds(leaseSeconds: leaseSeconds)
            let wallExpired = lease.expiresAtSeconds + margin < wallNowSeconds
            if (wallExpired && quietSeconds >= leaseSeconds) || quietSeconds >= leaseSeconds + margin {
                gone.append((lease, "lease of collect on \(host) ran out: no renewal for \(Int(quietSeconds.rounded())) s; point returned to pending"))
            }
        }
        return gone
    }

    /// When a lease that looks expired and was never seen renewing is due for judgement; nil when none is.
    ///
    /// A collect with nothing else to do waits until then instead of leaving
    /// a dead holder's points running.
    func nextVerdict(
        on leases: [ForeignLease], wallNow: Date = Date(), now: ContinuousClock.Instant = .now
    ) -> Date? {
        let wallNowSeconds = wallNow.timeIntervalSince1970
        var soonest: Double?
        for lease in leases {
            guard let seen = watched[lease.token], !seen.seenMoving else { continue }
            let leaseSeconds = lease.leaseSeconds ?? defaultLeaseSeconds
            let margin = Self.skewMarginSeconds(leaseSeconds: leaseSeconds)
            guard lease.expiresAtSeconds + margin < wallNowSeconds else { continue }
            let due = max(0, leaseSeconds - now.seconds(since: seen.since))
            soonest = min(soonest ?? due, due)
        }
        return soonest.map { wallNow.addingTimeInterval($0 + 0.05) }
    }
}
