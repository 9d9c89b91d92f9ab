/// A count with its noun in the singular or plural: "1 point", "11 points", "1 attempt".
public enum Plural {
    /// `count` followed by `noun`, or by `plural` (default `noun` + "s") when `count` is not 1.
    public static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
