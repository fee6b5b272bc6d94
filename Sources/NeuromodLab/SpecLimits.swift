import Foundation
import Yams

/// Limits on spec text, checked before the YAML parser sees it, so that a hostile file (a few
/// thousand nesting levels, "billion laughs" aliases, megabytes of text) stops with a one-line
/// ``SpecError`` instead of overflowing the parser's stack or exhausting memory.
///
/// - ``maxBytes``: a spec is at most 1 MB (the shipped ones are under 4 kB).
/// - ``maxDepth``: at most 64 open levels, counting flow brackets (`[`, `{`) and block indentation
///   levels (each deeper indentation, and each `- ` or `? ` that starts a compact nested entry).
///   A block level at the same column as its parent (`key:` then `- item`) is not counted, so the
///   parser's true depth is at most twice the limit; Yams composes hundreds of levels safely.
/// - ``maxAliases``: at most 100 alias references (`*name`) in the text, and after composition
///   the tree, with every alias expanded, has at most ``maxExpandedNodes`` nodes. Yams shares an
///   alias's node instead of copying it, so composing is linear in the text; the expansion check
///   walks the tree with a budget and stops as soon as the budget is spent.
enum SpecLimits {
    static let maxBytes = 1_000_000
    static let maxDepth = 64
    static let maxAliases = 100
    static let maxExpandedNodes = 100_000

    /// Rejects `text` (of `file`) that is too large, too deeply nested or has too many aliases.
    static func checkText(_ text: String, file: String) throws {
        let size = text.utf8.count
        guard size <= maxBytes else {
            throw SpecError(file: file, field: "", message: "the spec holds \(size) bytes; the limit is \(maxBytes)")
        }
        var scanner = Scanner()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            scanner.scan(Array(line.utf8))
            if scanner.deepest > maxDepth {
                throw SpecError(file: file, field: "", line: index + 1,
                                message: "nested more than \(maxDepth) levels deep; the limit is \(maxDepth)")
            }
            if scanner.aliases > maxAliases {
                throw SpecError(file: file, field: "", line: index + 1,
                                message: "more than \(maxAliases) aliases (*name); the limit is \(maxAliases)")
            }
        }
    }

    /// Rejects a composed tree whose aliases expand to more than ``maxExpandedNodes`` nodes.
    static func checkExpansion(_ root: Node, file: String) throws {
        var budget = maxExpandedNodes
        func visit(_ node: Node) -> Bool {
            budget -= 1
            if budget < 0 { return false }
            switch node {
            case .scalar: return true
            case .sequence(let sequence): return sequence.allSatisfy(visit)
            case .mapping(let mapping): return mapping.allSatisfy { visit($0.key) && visit($0.value) }
            }
        }
        guard visit(root) else {
            throw SpecError(file: file, field: "",
                            message: "aliases expand to more than \(maxExpandedNodes) nodes; the limit is \(maxExpandedNodes)")
        }
    }

    /// A line-by-line approximation of YAML's nesting that never recurses: it tracks quotes,
    /// comments, flow brackets and the stack of block indentation columns.
    struct Scanner {
        private var indents: [Int] = []
        private var flow = 0
        private var quote: UInt8?
        /// The deepest nesting seen so far.
        private(set) var deepest = 0
        /// Alias references seen so far.
        private(set) var aliases = 0

        mutating func scan(_ line: [UInt8]) {
            var i = 0
            if quote == nil && flow == 0 {
                while i < line.count && line[i] == UInt8(ascii: " ") { i += 1 }
                guard i < line.count, line[i] != UInt8(ascii: "#"), line[i] != UInt8(ascii: "\r") else { return }
                while let top = indents.last, top > i { indents.removeLast() }
                if indents.last != i { indents.append(i) }
                // Compact nested entries: `- - x`, `- key: v`, `? key`.
                while i + 1 < line.count, line[i] == UInt8(ascii: "-") || line[i] == UInt8(ascii: "?"),
                      line[i + 1] == UInt8(ascii: " ") {
                    i += 2
                    while i < line.count && line[i] == UInt8(ascii: " ") { i += 1 }
                    indents.append(i)
                }
            }
            deepest = max(deepest, indents.count + flow)
            // Brackets, quotes and aliases count only where a node may start (line start, after `: `,
            // `- `, an opening bracket, or `,` inside brackets), so prose such as "in [0, 1)" in a
            // plain scalar is not nesting.
            var atNodeStart = true
            while i < line.count {
                let c = line[i]
                i += 1
                if let q = quote {
                    if c == q { quote = nil }
                    continue
                }
                if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { continue }
                if c == UInt8(ascii: "#") && (i == 1 || line[i - 2] == UInt8(ascii: " ") || line[i - 2] == UInt8(ascii: "\t")) {
                    return
                }
                let wasNodeStart = atNodeStart
                let next = i < line.count ? line[i] : UInt8(ascii: " ")
                switch c {
                case UInt8(ascii: ":"), UInt8(ascii: "-"): atNodeStart = next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
                case UInt8(ascii: ","): atNodeStart = flow > 0
                case UInt8(ascii: "["), UInt8(ascii: "{"): atNodeStart = wasNodeStart
                default: atNodeStart = false
                }
                if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    if flow > 0 { flow -= 1 }
                }
                guard wasNodeStart else { continue }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    flow += 1
                    deepest = max(deepest, indents.count + flow)
                } else if c == UInt8(ascii: "*") {
                    aliases += 1
                }
            }
        }
    }
}

/// Reading spec files for callers outside the library (the command line).
public enum SpecText {
    /// The text of the spec file at `path`; a missing, non-UTF-8 or oversized file (more than
    /// ``SpecLimits/maxBytes``, refused before it is read) is a one-line ``SpecError``.
    public static func read(path: String) throws -> String { try SpecNode.readSpecText(path: path) }
}
