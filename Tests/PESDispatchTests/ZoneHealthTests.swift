import Foundation
import Testing
@testable import PESDispatch

@Suite("Zone health")
struct ZoneHealthTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)
    let policy = DispatchPolicy()

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test("a process zone rests 60 s after 3 launch failures in a row, then comes back with a clean count")
    func restAfterLaunchFailures() {
        var health = ZoneHealth()
        let first = health.recordFailure(at: t0, rule: .launches(policy))
        let second = health.recordFailure(at: t0, rule: .launches(policy))
        #expect(first == .counted && second == .counted)
        #expect(!health.isDown(at: t0))
        let third = health.recordFailure(at: t0, rule: .launches(policy))
        #expect(third == .rest(until: at(60)))
        #expect(health.isDown(at: at(59.9)))
        #expect(health.restEnd(after: t0) == at(60))
        // A failure of a point started before the rest does not extend it.
        let late = health.recordFailure(at: at(10), rule: .launches(policy))
        #expect(late == .alreadyDown)
        let early = health.returnIfRested(at: at(59.9))
        #expect(!early)
        let back = health.returnIfRested(at: at(60))
        #expect(back)
        #expect(health.failuresInARow == 0 && health.downUntil == nil)
        let after = health.recordFailure(at: at(61), rule: .launches(policy))
        #expect(after == .counted)
    }

    @Test("a success, or a failure that is not the zone's, clears the count")
    func successClears() {
        var health = ZoneHealth()
        _ = health.recordFailure(at: t0, rule: .launches(policy))
        _ = health.recordFailure(at: t0, rule: .launches(policy))
        health.recordSuccess()
        let next = health.recordFailure(at: t0, rule: .launches(policy))
        #expect(next == .counted)
        #expect(health.failuresInARow == 1)
    }

    @Test("a stop lasts the whole run: no rest end, never back, stopped once")
    func stopForRun() {
        var health = ZoneHealth()
        let first = health.stop()
        let second = health.stop()
        #expect(first && !second)
        #expect(health.isStopped)
        #expect(health.restEnd(after: t0) == nil)
        let back = health.returnIfRested(at: Date.distantFuture.addingTimeInterval(-1))
        #expect(!back)
        _ = health.recordFailure(at: t0, rule: .launches(policy))
        _ = health.recordFailure(at: t0, rule: .submissions(policy))
        #expect(health.isStopped)
    }

    @Test("sbatch refusals back off 2 s then 4 s, the count standing across the back-off, and stop the zone at the third")
    func submissionsBackOffThenStop() {
        var health = ZoneHealth()
        let first = health.recordFailure(at: t0, rule: .submissions(policy))
        #expect(first == .backOff(seconds: 2))
        #expect(health.isDown(at: at(1.9)))
        let back = health.returnIfRested(at: at(2))
        #expect(back && health.failuresInARow == 1)
        let second = health.recordFailure(at: at(2), rule: .submissions(policy))
        #expect(second == .backOff(seconds: 4))
        _ = health.returnIfRested(at: at(6))
        let third = health.recordFailure(at: at(6), rule: .submissions(policy))
        #expect(third == .stop)
        #expect(health.isStopped)
    }

    @Test("failed looks at the queue back off 2 s doubling to 120 s and give up at the eighth; a good look starts over")
    func queueLooksBackOff() {
        var health = ZoneHealth()
        var verdicts: [ZoneHealth.Verdict] = []
        for look in 0..<8 { verdicts.append(health.recordFailure(at: at(Double(look)), rule: .queueLooks)) }
        #expect(Array(verdicts.dropLast()) == [2, 4, 8, 16, 32, 64, 120].map { ZoneHealth.Verdict.backOff(seconds: $0) })
        #expect(verdicts.last == .stop)
        var again = ZoneHealth()
        for _ in 0..<7 { _ = again.recordFailure(at: t0, rule: .queueLooks) }
        again.recordSuccess()
        #expect(again.backoffSeconds == 0)
        let fresh = again.recordFailure(at: t0, rule: .queueLooks)
        #expect(fresh == .backOff(seconds: 2))
    }

    @Test("the rule's limit and cool-down come from the policy")
    func ruleFromPolicy() {
        var health = ZoneHealth()
        let verdict = health.recordFailure(at: t0, rule: .launches(DispatchPolicy(zoneFailureLimit: 1, zoneCooldownSeconds: 5)))
        #expect(verdict == .rest(until: at(5)))
    }
}
