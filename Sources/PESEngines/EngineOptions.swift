import Foundation

/// What values an engine option accepts, and its default.
public struct OptionRule: Sendable, Hashable {
    /// The kinds of values an option can take.
    public enum Kind: Sendable, Hashable {
        /// One of a fixed list (compared ignoring case; stored as listed).
        case choice([String])
        /// A name such as a basis set or functional: letters, digits and `-+*()_.,`.
        case token
        /// A whole number from 1 up to the bound.
        case positiveInteger(max: Int)
        /// A positive finite number.
        case positiveNumber
        /// Free text on one line (paths, patterns, argv).
        case text
    }

    /// The accepted values.
    public var kind: Kind
    /// Value used when the option is not given; nil means no default.
    public var defaultValue: String?
    /// What the option does, for error messages and help.
    public var summary: String

    public init(_ kind: Kind, default defaultValue: String? = nil, _ summary: String) {
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// The accepted form of `value`, or nil when it is not accepted.
    func accept(_ value: String) -> String? {
        switch kind {
        case .choice(let choices):
            return choices.first { $0.lowercased() == value.lowercased() }
        case .token:
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-+*()_.,"))
            let ok = !value.isEmpty && value.count <= 64 && value.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
            return ok ? value : nil
        case .positiveInteger(let bound):
            guard let number = Int(value), number >= 1, number <= bound else { return nil }
            return String(number)
        case .positiveNumber:
            guard let number = Double(value), number.isFinite, number > 0 else { return nil }
            return value
        case .text:
            let ok = !value.isEmpty && !value.contains("\n") && !value.contains("\u{0}")
            return ok ? value : nil
        }
    }

    /// Words saying what `accept` takes.
    var expected: String {
        switch kind {
        case .choice(let choices): return "one of \(choices.joined(separator: ", "))"
        case .token: return "a name of letters, digits and -+*()_., (at most 64 characters)"
        case .positiveInteger(let bound): return "a whole number from 1 to \(bound)"
        case .positiveNumber: return "a positive number"
        case .text: return "non-empty text on one line"
        }
    }
}

/// An engine's options checked against its rules: placeholder values and extra environment variables.
public struct ResolvedOptions: Sendable, Hashable {
    /// Every option with its default filled in, by name (also the templates' placeholders).
    public var values: [String: String]
    /// Environment variables given as `env.NAME=value` options.
    public var environment: [String: String]
    /// Resource limits given as `stack=…` or `limit.KIND=…` options.
    public var limits: ResourceLimits = .none

    /// Checks `options` of engine `engine` against `rules`; `env.NAME` keys set environment variables, `stack` and `limit.KIND` resource limits.
    ///
    /// With `extraPlaceholders` any other lower-case identifier key is accepted
    /// as a placeholder of the user's own template.
    public static func resolve(
        engine: String, options: [String: String], rules: [String: OptionRule], extraPlaceholders: Bool = false
    ) throws(EngineSetupError) -> ResolvedOptions {
        var values: [String: String] = [:]
        var environment: [String: String] = [:]
        var limits = ResourceLimits()
        for (key, rule) in rules {
            if let value = rule.defaultValue { values[key] = value }
        }
        for key in options.keys.sorted() {
            let value = options[key] ?? ""
            if key.hasPrefix("env.") {
                let name = String(key.dropFirst(4))
                guard isEnvironmentName(name) else {
                    throw .invalidOption(engine: engine, key: key, value: value, expected: "env.NAME with NAME of letters, digits and _")
                }
                guard !value.contains("\u{0}") else {
                    throw .invalidOption(engine: engine, key: key, value: value, expected: "a value without NUL bytes")
                }
                environment[name] = value
            } else if let kind = limitKind(key) {
                guard let limit = ResourceLimits.parseValue(value, kind: kind) else {
                    throw .invalidOption(engine: engine, key: key, value: value, expected: ResourceLimits.expected(kind))
                }
                limits.values[kind] = limit
            } else if let rule = rules[key] {
                guard let accepted = rule.accept(value) else {
                    throw .invalidOption(engine: engine, key: key, value: value, expected: rule.expected)
                }
                values[key] = accepted
            } else if extraPlaceholders, isPlaceholderName(key), !PointPlaceholders.names.contains(key) {
                guard OptionRule(.text, "").accept(value) != nil else {
                    throw .invalidOption(engine: engine, key: key, value: value, expected: "non-empty text on one line")
                }
                values[key] = value
            } else {
                throw .unknownOption(engine: engine, key: key, known: rules.keys.sorted() + ["env.NAME", "stack", "limit.KIND"])
            }
        }
        return ResolvedOptions(values: values, environment: environment, limits: limits)
    }

    /// The resource limit an option key sets: `stack`, or `limit.` and a ``ResourceKind`` name.
    static func limitKind(_ key: String) -> ResourceKind? {
        if key == "stack" { return .stack }
        guard key.hasPrefix("limit.") else { return nil }
        return ResourceKind(rawValue: String(key.dropFirst(6)))
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
        return name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    static func isPlaceholderName(_ name: String) -> Bool {
        guard let first = name.first, first.isLowercase || first == "_" else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }
}

/// An argv given as one option value: a JSON array of strings, or words separated by spaces.
public enum ArgvOption {
    /// The argv in `text`; no shell is involved, so quotes other than JSON's have no meaning.
    public static func parse(_ text: String, engine: String, key: String) throws(EngineSetupError) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let argv: [String]
        if trimmed.hasPrefix("[") {
            guard let data = trimmed.data(using: .utf8),
                let array = try? JSONDecoder().decode([String].self, from: data)
            else {
                throw .invalidOption(engine: engine, key: key, value: text, expected: "a JSON array of strings, e.g. [\"xtb\",\"mol.xyz\",\"--sp\"]")
            }
            argv = array
        } else {
            argv = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        guard let first = argv.first, !first.isEmpty else {
            throw .invalidOption(engine: engine, key: key, value: text, expected: "a program followed by its arguments")
        }
        return argv
    }
}
