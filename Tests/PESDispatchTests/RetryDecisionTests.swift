import Testing
@testable import PESDispatch

@Suite("Retry decisions")
struct RetryDecisionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var failedBefore: Int
        var launchFailure = false
        var fullDisk = false
        var zones = 1
        var expected: RetryDecision
        var testDescription: String { "failed before \(failedBefore), launch \(launchFailure), full disk \(fullDisk), \(zones) zones" }
    }

    static let now = 1_000.0
    /// Two retries, back-off 1 s doubling to at most 3 s.
    static let policy = DispatchPolicy(retries: 2, backoffSeconds: 1, maximumBackoffSeconds: 3)

    @Test("calculation failures retry after a doubling back-off, within the retries", arguments: [
        Case(failedBefore: 0, expected: .retry(atSeconds: now + 1)),
        Case(failedBefore: 1, expected: .retry(atSeconds: now + 2)),
        Case(failedBefore: 2, expected: .failForGood),
        Case(failedBefore: 1, zones: 3, expected: .retry(atSeconds: now + 2)),
        Case(failedBefore: 2, zones: 3, expected: .failForGood),
    ])
    func calculationFailures(_ c: Case) {
        #expect(decide(c) == c.expected)
    }

    @Test("launch failures retry at once, with one extra try per other zone", arguments: [
        Case(failedBefore: 0, launchFailure: true, expected: .retry(atSeconds: now)),
        Case(failedBefore: 2, launchFailure: true, zones: 1, expected: .failForGood),
        Case(failedBefore: 2, launchFailure: true, zones: 2, expected: .retry(atSeconds: now)),
        Case(failedBefore: 3, launchFailure: true, zones: 3, expected: .retry(atSeconds: now)),
        Case(failedBefore: 4, launchFailure: true, zones: 3, expected: .failForGood),
    ])
    func launchFailures(_ c: Case) {
        #expect(decide(c) == c.expected)
    }

    @Test("a full disk never spends the point's retries", arguments: [
        Case(failedBefore: 7, launchFailure: true, fullDisk: true, expected: .retry(atSeconds: now)),
        Case(failedBefore: 7, fullDisk: true, expected: .retry(atSeconds: now + 3)),
    ])
    func fullDisk(_ c: Case) {
        #expect(decide(c) == c.expected)
    }

    @Test("the back-off doubles and is capped")
    func backoffCapped() {
        let policy = DispatchPolicy(backoffSeconds: 1, maximumBackoffSeconds: 60)
        #expect((1...8).map(policy.backoff(afterAttempt:)) == [1, 2, 4, 8, 16, 32, 60, 60])
    }

    func decide(_ c: Case) -> RetryDecision {
        RetryDecision.decide(
            failedBefore: c.failedBefore, launchFailure: c.launchFailure, fullDisk: c.fullDisk, zoneCount: c.zones,
            policy: Self.policy, nowSeconds: Self.now)
    }
}
