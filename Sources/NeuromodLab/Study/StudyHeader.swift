import Neuromod

/// The fields every study spec starts with, whatever its kind: `name`, `description`, `seed`,
/// `runs`, `output` and `random`; read once, by ``StudyRegistry``, for every kind.
public struct StudyHeader: Sendable, Equatable {
    /// The header's field names, in the order the field reference lists them.
    static let keys = ["name", "description", "seed", "runs", "output", "random"]

    /// The spec file it was read from (messages and exports name it).
    public var file: String
    public var name: String
    public var description: String
    /// Master seed: every random stream of the study is derived from it (``StreamPlan``).
    public var seed: UInt64
    /// Independent runs of every method.
    public var runs: Int
    /// Output folder; a relative path is relative to the working directory.
    public var output: String
    /// The GSL generator behind every stream.
    public var random: RandomAlgorithm
    /// Whether the study keeps every run's final network for `weights/` (`--save-weights`, never
    /// from the file; see ``WeightFiles``).
    public var savesWeights = false

    public init(file: String, name: String, description: String = "", seed: UInt64, runs: Int, output: String,
                random: RandomAlgorithm = StudyHeader.defaultRandom) {
        self.file = file
        self.name = name
        self.description = description
        self.seed = seed
        self.runs = runs
        self.output = output
        self.random = random
    }

    /// The generator used when a spec names none: taus2. Every instance owns a stream, so a batch of
    /// 256 keeps 256 generator states hot; taus2's 24-byte state fits in cache where mt19937's 2.5 KB
    /// (640 KB per batch) or gfsr4's 16 KB do not — measured on the housing WP update, taus2 took
    /// 5.4 s where mt19937 took 9.7 s and gfsr4 8.5 s.
    public static let defaultRandom = RandomAlgorithm.taus2

    /// Reads the header from a spec's top-level `fields` (already checked against allowed keys).
    init(_ fields: [String: SpecNode], file: String) throws {
        let seedValue = try fields.required("seed", file: file).int()
        guard seedValue >= 0 else { throw fields["seed"]!.error("expected a non-negative integer, got \(seedValue)") }
        self.init(
            file: file, name: try fields.required("name", file: file).string(),
            description: try fields["description"]?.string() ?? "", seed: UInt64(seedValue),
            runs: try fields.required("runs", file: file).positiveInt(),
            output: try fields.required("output", file: file).string(),
            random: try fields["random"].map { RandomAlgorithm(rawValue: try $0.choice(RandomAlgorithm.allCases.map(\.rawValue)))! }
                ?? Self.defaultRandom)
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

    /// The field `key` of the mapping `parent`, or an error naming it, e.g. "required field 'kind'
    /// is missing (sinusoid or table)" when `detail` is "(sinusoid or table)".
    func required(_ key: String, in parent: SpecNode, _ detail: String? = nil) throws -> SpecNode {
        guard let node = self[key] else { throw parent.error("required field '\(key)' is missing" + (detail.map { " " + $0 } ?? "")) }
        return node
    }
}
