/// How batch task ids (`<array job>_<task>`) and queue entries relate.
enum BatchTaskID {
    /// Slurm job states of a task that is still queued or running, however it left `squeue`.
    static let stillInFlightStates: Set<String> = [
        "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED",
    ]

    /// Whether a task id is still covered by a pending array entry such as `12_[3-9]` or `12_[1,4-6%2]`.
    static func isPending(_ task: String, in queued: [String: String]) -> Bool {
        let parts = task.split(separator: "_")
        guard parts.count == 2, let number = Int(parts[1]) else { return false }
        let prefix = "\(parts[0])_["
        for key in queued.keys where key.hasPrefix(prefix) {
            let body = key.dropFirst(prefix.count).prefix { $0 != "]" }
            for range in body.split(separator: ",") {
                let bounds = range.split(separator: "%")[0].split(separator: "-").compactMap { Int($0) }
                if bounds.count == 1, bounds[0] == number { return true }
                if bounds.count == 2, bounds[0] <= bounds[1], (bounds[0]...bounds[1]).contains(number) { return true }
            }
        }
        return false
    }
}
