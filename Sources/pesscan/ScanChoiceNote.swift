/// The stderr line that says which scan a command took when `--scan` was omitted and the database holds several.
enum ScanChoiceNote {
    /// Prints "<verb> scan X (the most recently planned; --scan NAME for another)" to stderr when `chosenByDefault`.
    static func report(verb: String, scan: String?, chosenByDefault: Bool) {
        guard chosenByDefault, let scan else { return }
        Output.diagnostic("\(verb) scan \(scan) (the most recently planned; --scan NAME for another)")
    }
}
