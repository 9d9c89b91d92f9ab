import Foundation
import Testing
@testable import PESDispatch

@Suite("The wake schedule")
struct WakeScheduleTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func at(_ seconds: Double) -> Date { now.addingTimeInterval(seconds) }

    @Test("nothing to wait for: no wake")
    func empty() {
        #expect(WakeSchedule(now: now).next == nil)
    }

    @Test("the soonest candidate wins")
    func soonest() {
        var schedule = WakeSchedule(now: now)
        schedule.renewalDue = at(75)
        schedule.resultsDeadline = at(0.05)
        schedule.leaseVerdictDue = at(150)
        schedule.nextRetry = at(4)
        schedule.batchPoll = at(5)
        #expect(schedule.next == at(0.05))
        schedule.resultsDeadline = nil
        #expect(schedule.next == at(4))
    }

    @Test("a resting zone is waited for only while points wait for it, and a stopped zone never")
    func restingZones() {
        var schedule = WakeSchedule(now: now)
        schedule.restEnds = [at(60), .distantFuture, at(-1)]
        #expect(schedule.next == nil)
        schedule.pointsWaiting = true
        #expect(schedule.next == at(60))
        schedule.restEnds = [.distantFuture]
        #expect(schedule.next == nil)
    }

    @Test("collect --no-wait waits for nothing")
    func submitOnly() {
        var schedule = WakeSchedule(now: now)
        schedule.nextRetry = at(1)
        schedule.submitOnly = true
        #expect(schedule.next == nil)
    }

    @Test("renewal is due a quarter lease after the last one, only while points run")
    func renewal() {
        #expect(WakeSchedule.renewal(now: now, running: 0, leaseSeconds: 300, secondsSinceRenewal: 0) == nil)
        #expect(WakeSchedule.renewal(now: now, running: 2, leaseSeconds: 300, secondsSinceRenewal: 0) == at(75))
        #expect(WakeSchedule.renewal(now: now, running: 2, leaseSeconds: 300, secondsSinceRenewal: 70) == at(5))
    }
}
