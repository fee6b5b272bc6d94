import Neuromod

/// A study spec told apart by one top-level section (`readout:`, `evolution:`), read the same way:
/// data paths resolve as in ``ExperimentSpec/load(path:dataDirectory:)``.
public protocol SectionSpec {
    /// The top-level key that marks this kind of spec.
    static var section: String { get }
    static func parse(_ text: String, file: String, resolveData: (String) -> String) throws -> Self
}

extension SectionSpec {
    /// Whether spec text describes this kind of study.
    public static func describes(text: String) -> Bool { SpecNode.declaresSection(section, in: text) }

    /// Reads and validates a spec file of this kind.
    public static func load(path: String, dataDirectory: String = "../shared/data") throws -> Self {
        try parse(SpecNode.readSpecText(path: path), file: path,
                  resolveData: ExperimentSpec.dataResolver(specPath: path, dataDirectory: dataDirectory))
    }
}

/// The fields a readout or evolution study starts with: `name`, `description`, `seed`, `runs`,
/// `output` and `random`.
struct StudyHeader {
    static let keys = ["name", "description", "seed", "runs", "output", "random"]

    var name: String
    var description: String
    var seed: UInt64
    var runs: Int
    var output: String
    var random: RandomAlgorithm

    /// Reads the header from a spec's top-level `fields` (already checked against allowed keys).
    init(_ fields: [String: SpecNode], file: String) throws {
        let seedValue = try fields.required("seed", file: file).int()
        guard seedValue >= 0 else { throw fields["seed"]!.error("expected a non-negative integer, got \(seedValue)") }
        name = try fields.required("name", file: file).string()
        description = try fields["description"]?.string() ?? ""
        seed = UInt64(seedValue)
        runs = try fields.required("runs", file: file).positiveInt()
        output = try fields.required("output", file: file).string()
        random = try fields["random"].map { RandomAlgorithm(rawValue: try $0.choice(RandomAlgorithm.allCases.map(\.rawValue)))! }
            ?? ExperimentSpec.defaultRandom
    }
}

extension Dictionary where Key == String, Value == SpecNode {
    /// The field `key`, or an error naming it: at the top level of `file` (`parent` nil) or inside `parent`.
    func required(_ key: String, file: String, in parent: SpecNode? = nil) throws -> SpecNode {
        guard let node = self[key] else {
            throw parent?.error("required field '\(key)' is missing") ?? SpecError(file: file, field: key, message: "required field is missing")
        }
        return node
    }
}
