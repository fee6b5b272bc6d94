/// Reads an environment's options from `key=value` text, as the command line (`--option key=value`)
/// and experiment specs give them, into typed values.
///
/// Keys are snake_case, like spec fields. A key the environment does not know is an error naming the
/// known ones; a value that does not parse is an error naming the key and the expected form.
struct EnvironmentParameters {
    /// The environment's name, the context of every error.
    let context: String
    private let values: [String: String]

    /// Checks that every key of `values` is one of `allowed`.
    ///
    /// - Throws: ``TaskError/unknownOption(context:option:allowed:)`` for the first unknown key (in
    ///   sorted order, so the message does not depend on dictionary order).
    init(_ values: [String: String], context: String, allowed: [String]) throws {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw TaskError.unknownOption(context: context, option: unknown, allowed: allowed)
        }
        self.context = context
        self.values = values
    }

    private func invalid(_ key: String, _ text: String, _ requirement: String) -> TaskError {
        TaskError.invalidParameter(context: context, parameter: key, value: text, requirement: requirement)
    }

    /// The value of `key` as a finite number, or `defaultValue` when the key is absent.
    func double(_ key: String, default defaultValue: Double) throws -> Double {
        guard let text = values[key] else { return defaultValue }
        guard let value = Double(text.trimmingWhitespace), value.isFinite else {
            throw invalid(key, text, "a finite number")
        }
        return value
    }

    /// The value of `key` as an integer, or `defaultValue` when the key is absent.
    func int(_ key: String, default defaultValue: Int) throws -> Int {
        guard let text = values[key] else { return defaultValue }
        guard let value = Int(text.trimmingWhitespace) else { throw invalid(key, text, "an integer") }
        return value
    }

    /// The value of `key` as `true` or `false`, or `defaultValue` when the key is absent.
    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let text = values[key] else { return defaultValue }
        switch text.trimmingWhitespace {
        case "true": return true
        case "false": return false
        default: throw invalid(key, text, "true or false")
        }
    }

    /// The value of `key` as one of `T`'s raw values, or `defaultValue` when the key is absent.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: T) throws -> T
    where T.RawValue == String {
        guard let text = values[key] else { return defaultValue }
        guard let value = T(rawValue: text.trimmingWhitespace) else {
            throw invalid(key, text, "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}

/// Throws ``TaskError/invalidParameter(context:parameter:value:requirement:)`` unless `ok`; the
/// environments' `Options.validate()` are lists of these.
func requireParameter(_ ok: Bool, _ context: String, _ parameter: String, _ value: Any,
                      _ requirement: String) throws {
    guard ok else {
        throw TaskError.invalidParameter(context: context, parameter: parameter, value: "\(value)",
                                         requirement: requirement)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (Foundation-free).
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
