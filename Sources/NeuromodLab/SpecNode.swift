import Foundation
import Yams

/// A strict reader over a YAML node: every accessor checks the type, and a mapping read with
/// ``fields(allowed:)`` rejects keys it does not know, suggesting the nearest allowed one. Public
/// only as the currency of ``StudySpec/parse(_:header:resolveData:)``; its readers are internal.
public struct SpecNode {
    let node: Node
    let path: String
    let file: String

    /// Parses `text` (the contents of `file`); malformed YAML, and text beyond ``SpecLimits`` (size,
    /// nesting, aliases; checked before the parser runs), become a one-line ``SpecError``.
    static func parse(_ text: String, file: String) throws -> SpecNode {
        try SpecLimits.checkText(text, file: file)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, field: "", message: "the spec is empty")
            }
            try SpecLimits.checkExpansion(node, file: file)
            return SpecNode(node: node, path: "", file: file)
        } catch let error as YamlError {
            throw SpecError(file: file, field: "", line: Self.line(of: error),
                            message: "malformed YAML: \(Self.problem(of: error))")
        }
    }

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> SpecError { SpecError(file: file, field: path, line: line, message: message) }

    private func child(_ node: Node, _ key: String) -> SpecNode {
        SpecNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The entries of a mapping; unknown keys are an error.
    func fields(allowed: [String]) throws -> [String: SpecNode] {
        guard let mapping = node.mapping else { throw error("expected a mapping of fields, got \(kind)") }
        var result: [String: SpecNode] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error("field names must be strings") }
            guard allowed.contains(key) else {
                let hint = Self.nearest(key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw SpecError(file: file, field: path.isEmpty ? key : "\(path).\(key)", line: keyNode.mark?.line,
                                message: "unknown field\(hint); allowed: \(allowed.joined(separator: ", "))")
            }
            guard result[key] == nil else { throw child(value, key).error("field given twice") }
            result[key] = child(value, key)
        }
        return result
    }

    /// The keys of a mapping, in file order (no check of what they are).
    func keys() throws -> [String] {
        guard let mapping = node.mapping else { throw error("expected a mapping of fields, got \(kind)") }
        return mapping.keys.compactMap(\.string)
    }

    func elements() throws -> [SpecNode] {
        guard let sequence = node.sequence else { throw error("expected a list, got \(kind)") }
        return sequence.enumerated().map { SpecNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard let scalar = node.scalar else { throw error("expected a string, got \(kind)") }
        return scalar.string
    }

    func int() throws -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error("expected an integer, got \(describe)")
        }
        return value
    }

    func positiveInt() throws -> Int {
        let value = try int()
        guard value > 0 else { throw error("expected a positive integer, got \(value)") }
        return value
    }

    func double() throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number, got \(describe)")
        }
        return value
    }

    func positiveDouble() throws -> Double {
        let value = try double()
        guard value > 0 else { throw error("expected a positive number, got \(value)") }
        return value
    }

    func bool() throws -> Bool {
        guard let scalar = node.scalar else { throw error("expected true or false, got \(kind)") }
        switch scalar.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error("expected true or false, got \(describe)")
        }
    }

    /// A string that must be one of `choices`.
    func choice(_ choices: [String]) throws -> String {
        let value = try string()
        guard choices.contains(value) else {
            let hint = Self.nearest(value, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
            throw error("unknown value '\(value)'\(hint); expected one of: \(choices.joined(separator: ", "))")
        }
        return value
    }

    private var kind: String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    private var describe: String { node.scalar.map { "'\($0.string)'" } ?? kind }

    /// The allowed name closest to `name` by edit distance, if it is close enough to be a typo.
    static func nearest(_ name: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let saved = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = saved
                }
            }
            return row[b.count]
        }
        let scored = candidates.map { ($0, distance(Array(name), Array($0))) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(2, best.count / 3) else { return nil }
        return best
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }
}

extension SpecNode {
    /// The text of the spec file at `path` (errors: not found, larger than ``SpecLimits/maxBytes``
    /// (checked before reading), not UTF-8).
    static func readSpecText(path: String) throws -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= SpecLimits.maxBytes else {
            throw SpecError(file: path, field: "", message: "the spec holds \(size) bytes; the limit is \(SpecLimits.maxBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, field: "", message: "spec file not found")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(file: path, field: "", message: "spec is not UTF-8 text")
        }
        return text
    }

    /// Rejects a list of methods (or of other `noun`s: this node's elements) in which two share a name.
    func requireUniqueNames(_ names: [String], of noun: String = "method") throws {
        var seen = Set<String>()
        for (name, node) in zip(names, try elements()) where !seen.insert(name).inserted {
            throw node.error("\(noun) name '\(name)' is used twice")
        }
    }
}
