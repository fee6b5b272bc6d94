/// What the command line changes in a spec before it runs: the header's seed, runs and output, the
/// methods to keep, and the kind-specific lengths (episodes, epochs, generations) and data order.
public struct StudyOverrides: Sendable, Equatable {
    public var seed: UInt64?
    public var runs: Int?
    public var output: String?
    public var methods: [String]?
    public var episodes: Int?
    public var epochs: Int?
    public var generations: Int?
    public var dataOrder: DataOrder?
    /// `--save-weights`: keep every run's final network (not part of ``commandLine``: it changes no number).
    public var saveWeights = false

    public init(seed: UInt64? = nil, runs: Int? = nil, output: String? = nil, methods: [String]? = nil,
                episodes: Int? = nil, epochs: Int? = nil, generations: Int? = nil, dataOrder: DataOrder? = nil) {
        self.seed = seed
        self.runs = runs
        self.output = output
        self.methods = methods
        self.episodes = episodes
        self.epochs = epochs
        self.generations = generations
        self.dataOrder = dataOrder
    }

    /// The kind-specific options given, in ``StudyOption`` order.
    var given: [StudyOption] {
        StudyOption.allCases.filter {
            switch $0 {
            case .methods: return methods != nil
            case .episodes: return episodes != nil
            case .epochs: return epochs != nil
            case .generations: return generations != nil
            case .dataOrder: return dataOrder != nil
            case .saveWeights: return saveWeights
            }
        }
    }

    /// The options as typed, for the comment that heads the copy of the spec (`--runs 2 --seed 7`).
    public var commandLine: String {
        var parts: [String] = []
        if let runs { parts.append("--runs \(runs)") }
        if let seed { parts.append("--seed \(seed)") }
        if let output { parts.append("--out \(output)") }
        if let methods { parts.append("--methods \(methods.joined(separator: ","))") }
        if let episodes { parts.append("--episodes \(episodes)") }
        if let epochs { parts.append("--epochs \(epochs)") }
        if let generations { parts.append("--generations \(generations)") }
        if let dataOrder { parts.append("--data-order \(dataOrder.rawValue)") }
        return parts.joined(separator: " ")
    }
}

/// An option that does not apply to the spec, or names a method it does not have: a usage error.
public struct StudyOverrideError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
}

extension StudySpec {
    /// Applies `overrides`; an option that does not apply to this kind, or a method name the spec
    /// does not have, is a ``StudyOverrideError`` naming the option and the kinds it applies to.
    public mutating func apply(_ overrides: StudyOverrides) throws {
        if let option = overrides.given.first(where: { !Self.kind.options.contains($0) }) {
            throw StudyOverrideError(file: file, message: "\(option.flag) applies to \(StudyRegistry.kinds(taking: option)), not to this \(Self.kind.title)")
        }
        if let methods = overrides.methods {
            let known = methodNames
            guard !methods.isEmpty else {
                throw StudyOverrideError(file: file, message: "--methods: list at least one method (methods: \(known.joined(separator: ", ")))")
            }
            if let unknown = methods.first(where: { !known.contains($0) }) {
                throw StudyOverrideError(file: file, message: "--methods: '\(unknown)' is not a method of this spec (methods: \(known.joined(separator: ", ")))")
            }
            keepMethods(methods)
        }
        if let seed = overrides.seed { header.seed = seed }
        if let runs = overrides.runs { header.runs = runs }
        if let output = overrides.output { header.output = output }
        header.savesWeights = overrides.saveWeights
        applyOwn(overrides)
    }
}
