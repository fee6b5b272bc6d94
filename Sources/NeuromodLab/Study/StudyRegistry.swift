import Foundation

/// Every kind of study, registered once: how a spec file is told to be of a kind, read, checked
/// against the command line's options, and how the field reference is generated.
public enum StudyRegistry {
    /// The kinds, in the order `neuromod check` and the field reference list them.
    public static let kinds: [any StudySpec.Type] = [ExperimentSpec.self, EpisodicSpec.self, ReadoutSpec.self, EvolutionSpec.self,
                                                      PlasticityRulesSpec.self]

    /// Reads and validates the spec at `path`, of whichever kind its sections say; `$DATA/` paths
    /// resolve under `dataDirectory`, other relative data paths under the spec's folder.
    public static func load(path: String, dataDirectory: String = "../shared/data") throws -> any StudySpec {
        try parse(SpecNode.readSpecText(path: path), file: path, resolveData: dataResolver(specPath: path, dataDirectory: dataDirectory))
    }

    /// Parses spec text of any kind (see ``load(path:dataDirectory:)``).
    public static func parse(_ text: String, file: String, resolveData: (String) -> String = { $0 }) throws -> any StudySpec {
        let root = try SpecNode.parse(text, file: file)
        return try read(root, as: try kind(of: root), resolveData: resolveData)
    }

    /// The kind the spec text declares, read without checking the rest of the spec.
    public static func kind(ofText text: String, file: String) throws -> any StudySpec.Type {
        try kind(of: SpecNode.parse(text, file: file))
    }

    /// The kind a parsed spec declares: the first kind whose section is a top-level key.
    static func kind(of root: SpecNode) throws -> any StudySpec.Type {
        let keys = try root.keys()
        guard let kind = kinds.first(where: { keys.contains($0.kind.section) }) else {
            let sections = kinds.map { "'\($0.kind.section):' (\($0.kind.title))" }.joined(separator: ", ")
            throw SpecError(file: root.file, field: "", message: "the spec declares no kind of study: give one of the sections \(sections)")
        }
        return kind
    }

    /// Reads `root` as a spec of `kind`: the header, the kind's fields, then the memory check that
    /// multiplies every size out against ``MemoryLimit`` before anything is allocated.
    static func read<S: StudySpec>(_ root: SpecNode, as kind: S.Type, resolveData: (String) -> String) throws -> S {
        let fields = try root.fields(allowed: StudyHeader.keys + S.kind.fields.map(\.name))
        let spec = try S.parse(fields, header: StudyHeader(fields, file: root.file), resolveData: resolveData)
        try spec.memoryEstimate(jobs: 1).check(file: root.file)
        return spec
    }

    /// Maps a data path as written in the spec at `specPath` to a path to open: `$DATA/…` under
    /// `dataDirectory`, an absolute path as it is, anything else relative to the spec's folder.
    public static func dataResolver(specPath: String, dataDirectory: String) -> (String) -> String {
        let specFolder = (specPath as NSString).deletingLastPathComponent
        return { raw in
            if raw.hasPrefix("$DATA/") { return (dataDirectory as NSString).appendingPathComponent(String(raw.dropFirst(6))) }
            if raw.hasPrefix("/") { return raw }
            return specFolder.isEmpty ? raw : (specFolder as NSString).appendingPathComponent(raw)
        }
    }

    /// The kinds an option applies to, as a message names them: "readout studies ('readout:')".
    static func kinds(taking option: StudyOption) -> String {
        let names = kinds.filter { $0.kind.options.contains(option) }.map { "\($0.kind.plural) ('\($0.kind.section):')" }
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

extension StudySpec {
    /// Reads and validates a spec file of this kind; a spec of another kind is an error naming both.
    public static func load(path: String, dataDirectory: String = "../shared/data") throws -> Self {
        try parse(SpecNode.readSpecText(path: path), file: path,
                  resolveData: StudyRegistry.dataResolver(specPath: path, dataDirectory: dataDirectory))
    }

    /// Parses spec text of this kind (see ``load(path:dataDirectory:)``).
    public static func parse(_ text: String, file: String, resolveData: (String) -> String = { $0 }) throws -> Self {
        let root = try SpecNode.parse(text, file: file)
        let declared = try StudyRegistry.kind(of: root)
        guard ObjectIdentifier(declared) == ObjectIdentifier(Self.self) else {
            throw SpecError(file: file, field: "", message: "\(declared.kind.titleWithArticle) (it has a '\(declared.kind.section):' section); expected \(kind.titleWithArticle)")
        }
        return try StudyRegistry.read(root, as: Self.self, resolveData: resolveData)
    }
}
