import Neuromod

/// A field of a spec as the field reference lists it: its name, what it holds, and the fields
/// inside it (a mapping, or each element of a list of mappings). Parsers take the keys they allow
/// from here (``StudyKind/keys(_:)``), so a field the reference does not list is refused.
public struct SpecField: Sendable, Equatable {
    public let name: String
    /// What the field holds, in one line of Markdown.
    public let meaning: String
    public let children: [SpecField]
    /// Whether the field is a list whose elements hold ``children`` (`methods[].rule`).
    public let isList: Bool

    public init(_ name: String, _ meaning: String, _ children: [SpecField] = [], list: Bool = false) {
        self.name = name
        self.meaning = meaning
        self.children = children
        self.isList = list
    }
}

extension StudyKind {
    /// The keys allowed inside the field at `path` (e.g. `["network", "layers"]`), in reference order.
    func keys(_ path: String...) -> [String] {
        var fields = self.fields
        for name in path {
            guard let field = fields.first(where: { $0.name == name }) else { preconditionFailure("no field \(path) in the \(title) reference") }
            fields = field.children
        }
        return fields.map(\.name)
    }
}

extension StudyRegistry {
    /// The field reference of every kind, in Markdown (docs/spec-reference.md is this text; a test
    /// keeps the two equal).
    public static func fieldReference() -> String {
        var lines = ["# Spec field reference", "",
                     "Generated from the study registry by `neuromod fields`; do not edit by hand. A spec is a YAML",
                     "mapping; its kind is given by the section it has. Unknown fields are errors. Data paths are",
                     "relative to the spec's folder, or to the data directory when they start with `$DATA/`.", "",
                     "Every kind starts with the same header:", ""]
        lines += table(StudyHeader.fields)
        for type in kinds {
            let kind = type.kind
            let options = ["--runs", "--seed", "--out"] + kind.options.map(\.flag)
            lines += ["", "## \(kind.plural.prefix(1).uppercased() + kind.plural.dropFirst()) (`\(kind.section):`)", "",
                      "`summary.json` names the kind `\(kind.name)`. Options of `neuromod run` that apply: "
                        + options.map { "`\($0)`" }.joined(separator: ", ") + ".", ""]
            lines += table(kind.fields)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table of `fields`, with the fields inside each as dotted names (`[]`: in each element).
    private static func table(_ fields: [SpecField]) -> [String] {
        func rows(_ fields: [SpecField], prefix: String) -> [String] {
            fields.flatMap { f in
                ["| `\(prefix)\(f.name)` | \(f.meaning) |"] + rows(f.children, prefix: prefix + f.name + (f.isList ? "[]." : "."))
            }
        }
        return ["| field | meaning |", "|---|---|"] + rows(fields, prefix: "")
    }
}

extension StudyHeader {
    /// The header's fields, as the field reference lists them.
    static let fields = [
        SpecField("name", "required: the study's name, shown in tables and notebooks"),
        SpecField("description", "optional free text"),
        SpecField("seed", "required, ≥ 0: the master seed; same spec + seed give the same numbers"),
        SpecField("runs", "required, > 0: independent runs of every method"),
        SpecField("output", "required: the results folder, relative to the working directory"),
        SpecField("random", "optional: the GSL generator, one of \(RandomAlgorithm.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")); default `\(StudyHeader.defaultRandom.rawValue)`"),
    ]
}
