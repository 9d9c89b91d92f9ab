import Foundation

/// Points that failed for the same reason, as `status` shows them: one line for eleven identical failures.
public struct FailureGroup: Sendable, Hashable, Codable {
    /// The shared reason, with each point's own work-folder paths shortened to `…/<file>`.
    public var reason: String
    /// Indices of the points, ascending.
    public var indices: [Int]

    /// `failures` grouped by reason, the most common first (ties by first index).
    public static func grouping(_ failures: [ScanStatus.FailedPoint]) -> [FailureGroup] {
        var order: [String] = []
        var indices: [String: [Int]] = [:]
        for failure in failures {
            let reason = sharedReason(failure.error)
            if indices[reason] == nil { order.append(reason) }
            indices[reason, default: []].append(failure.index)
        }
        return order.map { FailureGroup(reason: $0, indices: (indices[$0] ?? []).sorted()) }
            .sorted { ($0.indices.count, -($0.indices.first ?? 0)) > ($1.indices.count, -($1.indices.first ?? 0)) }
    }

    /// `error` without what differs from point to point: every path is shortened to `…/` and its last component.
    static func sharedReason(_ error: String) -> String {
        error.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.hasPrefix("/"), let last = word.split(separator: "/").last else { return String(word) }
            return "…/" + last
        }.joined(separator: " ")
    }
}
