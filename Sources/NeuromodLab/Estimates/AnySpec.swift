import Foundation

/// A spec of any kind, told apart by its top-level section: a readout study (`readout:`), an
/// evolution study (`evolution:`), an environment spec (`environment:`) or a task spec. Used by
/// `neuromod check` to validate and estimate any spec the way `neuromod run` would read it.
public enum AnySpec: Sendable {
    case task(ExperimentSpec)
    case episodic(EpisodicSpec)
    case readout(ReadoutSpec)
    case evolution(EvolutionSpec)

    /// Reads and validates the spec at `path` (every check `neuromod run` makes before running,
    /// including the memory check at one job); `$DATA/` paths resolve under `dataDirectory`.
    public static func load(path: String, dataDirectory: String) throws -> AnySpec {
        let text = try SpecText.read(path: path)
        let resolve = ExperimentSpec.dataResolver(specPath: path, dataDirectory: dataDirectory)
        if EvolutionSpec.describes(text: text) { return .evolution(try EvolutionSpec.parse(text, file: path, resolveData: resolve)) }
        if ReadoutSpec.describes(text: text) { return .readout(try ReadoutSpec.parse(text, file: path, resolveData: resolve)) }
        if EpisodicSpec.isEpisodic(text: text) { return .episodic(try EpisodicSpec.parse(text, file: path)) }
        return .task(try ExperimentSpec.parse(text, file: path, resolveData: resolve))
    }

    /// What kind of spec this is and its name, e.g. `readout study 'dopamine-mnist-h1000'`.
    public var summary: String {
        switch self {
        case .task(let s): return "task spec '\(s.name)' (\(s.methods.count) methods × \(s.runs) runs × \(s.training.epochs) epochs)"
        case .episodic(let s):
            return "environment spec '\(s.name)' (\(s.methods.count) methods × \(s.runs) runs × \(s.training.episodes) episodes of \(s.environment.kind.rawValue))"
        case .readout(let s): return "readout study '\(s.name)' (\(s.methods.count) methods × \(s.runs) runs × \(s.epochs) epochs, hidden \(s.hidden))"
        case .evolution(let s):
            return "evolution study '\(s.name)' (genes \(s.genes.map(String.init).joined(separator: ", ")) × \(s.runs) runs × \(s.generations) generations of \(s.population))"
        }
    }

    /// Applies the command-line overrides `neuromod run` accepts; one that does not apply to this
    /// kind of spec, or a method name the spec does not have, is an error naming the option.
    public mutating func override(runs: Int?, episodes: Int?, epochs: Int?, generations: Int?, methods: [String]? = nil) throws {
        func keep<M>(_ all: [M], _ name: KeyPath<M, String>) throws -> [M] {
            guard let methods else { return all }
            if let unknown = methods.first(where: { wanted in !all.contains { $0[keyPath: name] == wanted } }) {
                throw SpecError(file: file, field: "", message: "--methods: '\(unknown)' is not a method of this spec")
            }
            return all.filter { methods.contains($0[keyPath: name]) }
        }
        func refuse(_ option: String, _ value: Int?) throws {
            if value != nil { throw SpecError(file: file, field: "", message: "\(option) does not apply to this \(kindName)") }
        }
        switch self {
        case .task(var s):
            try refuse("--episodes", episodes); try refuse("--epochs", epochs); try refuse("--generations", generations)
            if let runs { s.runs = runs }
            s.methods = try keep(s.methods, \.name)
            self = .task(s)
        case .episodic(var s):
            try refuse("--epochs", epochs); try refuse("--generations", generations)
            if let runs { s.runs = runs }
            if let episodes { s.training.episodes = episodes; s.training.scoreEpisodes = min(s.training.scoreEpisodes, episodes) }
            s.methods = try keep(s.methods, \.name)
            self = .episodic(s)
        case .readout(var s):
            try refuse("--episodes", episodes); try refuse("--generations", generations)
            if let runs { s.runs = runs }
            if let epochs { s.epochs = epochs }
            s.methods = try keep(s.methods, \.name)
            self = .readout(s)
        case .evolution(var s):
            try refuse("--episodes", episodes); try refuse("--epochs", epochs); try refuse("--methods", methods?.count)
            if let runs { s.runs = runs }
            if let generations { s.generations = generations; s.evaluateEvery = min(s.evaluateEvery, generations) }
            self = .evolution(s)
        }
    }

    public var file: String {
        switch self {
        case .task(let s): return s.file
        case .episodic(let s): return s.file
        case .readout(let s): return s.file
        case .evolution(let s): return s.file
        }
    }

    private var kindName: String {
        switch self {
        case .task: return "task spec"
        case .episodic: return "environment spec"
        case .readout: return "readout study"
        case .evolution: return "evolution study"
        }
    }

    /// Peak memory with `jobs` concurrent jobs (see ``MemoryEstimate``).
    public func memoryEstimate(jobs: Int) -> MemoryEstimate {
        switch self {
        case .task(let s): return s.memoryEstimate(jobs: jobs)
        case .episodic(let s): return s.memoryEstimate(jobs: jobs)
        case .readout(let s): return s.memoryEstimate(jobs: jobs)
        case .evolution(let s): return s.memoryEstimate(jobs: jobs)
        }
    }

    /// Rough wall time in seconds of a release build with `jobs` cores (see ``TimeEstimate``).
    public func timeEstimate(jobs: Int) -> TimeEstimate {
        switch self {
        case .task(let s): return TimeEstimate(s, jobs: jobs)
        case .episodic(let s): return TimeEstimate(s, jobs: jobs)
        case .readout(let s): return TimeEstimate(s, jobs: jobs)
        case .evolution(let s): return TimeEstimate(s, jobs: jobs)
        }
    }
}
