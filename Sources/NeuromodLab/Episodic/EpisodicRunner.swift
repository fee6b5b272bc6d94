import Foundation
import Neuromod
import NeuromodTasks

/// One finished episode of one run.
public struct EpisodeRecord: Sendable, Equatable {
    public var method: String
    /// The grid cell ("" without a grid), e.g. `delay=0.5 trace=exponential(0.2)`.
    public var cell: String
    public var run: Int
    /// Episode index within the run, from 1.
    public var episode: Int
    public var episodeReturn: Double
    public var steps: Int
}

/// A method's (or a grid cell's) score over runs.
public struct PolicySummary: Sendable, Codable, Equatable {
    public var method: String
    public var rule: String
    public var cell: String
    public var delay: Double?
    public var trace: String
    /// Mean return over the last `scoreEpisodes` episodes, per run.
    public var scores: [Double]
    public var meanScore: Double
    /// Sample standard deviation of `scores` (0 for one run).
    public var scoreStandardDeviation: Double
    public var scoreEpisodes: Int
    /// Per run, the first episode at which the mean return over the last `scoreEpisodes` episodes
    /// reached `training.solved_at` (nil: never, or no threshold set).
    public var solvedAtEpisode: [Int?]
    public var episodes: Int
    /// Environment steps summed over all runs.
    public var totalSteps: Int
    /// Wall-clock seconds for all runs (not part of the deterministic outputs).
    public var wallSeconds: Double
}

/// Where a long episodic experiment is, reported every tenth of a run's episodes.
public struct EpisodicProgress: Sendable {
    /// The method (and grid cell).
    public var label: String
    public var configuration: Int
    public var configurations: Int
    public var run: Int
    public var runs: Int
    public var episode: Int
    public var episodes: Int
    /// Mean return over the last (up to `scoreEpisodes`) episodes so far.
    public var recentReturn: Double
}

/// Everything an episodic experiment produced.
public struct EpisodicResult: Sendable {
    public var spec: EpisodicSpec
    public var episodes: [EpisodeRecord]
    public var summaries: [PolicySummary]
    /// Every run's final policy network, per configuration in run order (only with
    /// ``EpisodicRunner/keepsFinalNetworks``).
    public var finalNetworks: [FinalNetwork] = []
}

/// Trains every method of an episodic spec (in every grid cell) for its runs.
///
/// Run r of every method starts from the same initial weights and sees the same sequence of
/// environment resets; noise and action sampling have their own streams (``StreamPlan``), so the
/// same spec and seed give the same numbers whatever the number of jobs.
public struct EpisodicRunner: Sendable {
    public let spec: EpisodicSpec
    /// Whether ``run(jobs:progress:)`` returns every run's final policy network (default: the
    /// header's ``StudyHeader/savesWeights``, `--save-weights`).
    public var keepsFinalNetworks: Bool

    public init(spec: EpisodicSpec) {
        self.spec = spec
        keepsFinalNetworks = spec.header.savesWeights
    }

    /// A configuration to train: a method with, for a grid, the cell's delay and trace.
    struct Job {
        var method: PolicyMethod
        var cell: String
        var delay: Double?
        var environmentOptions: [String: String]
    }

    var jobs: [Job] {
        guard let grid = spec.grid else {
            return spec.methods.map { Job(method: $0, cell: "", delay: nil, environmentOptions: spec.environment.options) }
        }
        var jobs: [Job] = []
        for method in spec.methods {
            for delay in grid.delays {
                for trace in grid.traces {
                    var m = method
                    m.trace = trace
                    var options = spec.environment.options
                    options[grid.delayOption] = "\(delay)"
                    jobs.append(Job(method: m, cell: "delay=\(delay) trace=\(trace)", delay: delay, environmentOptions: options))
                }
            }
        }
        return jobs
    }

    /// Runs every configuration; runs of one configuration go side by side on `jobs` threads.
    public func run(jobs threads: Int = 1, progress: @escaping @Sendable (EpisodicProgress) -> Void = { _ in }) throws -> EpisodicResult {
        var episodes: [EpisodeRecord] = [], summaries: [PolicySummary] = [], finals: [FinalNetwork] = []
        let all = jobs
        let initial = try initialWeights()
        for (j, job) in all.enumerated() {
            let started = Date()
            let label = job.cell.isEmpty ? job.method.name : "\(job.method.name) \(job.cell)"
            let outcomes = try parallelMap(count: spec.runs, jobs: threads) { r in
                try train(job, run: r, initial: initial) { episode, returns in
                    progress(EpisodicProgress(label: label, configuration: j, configurations: all.count, run: r,
                                              runs: spec.runs, episode: episode, episodes: spec.training.episodes,
                                              recentReturn: score(returns)))
                }
            }
            for (r, outcome) in outcomes.enumerated() {
                if let final = outcome.final { finals.append(FinalNetwork(method: job.method.name, cell: job.cell, run: r, network: final)) }
                for (e, value) in outcome.returns.enumerated() {
                    episodes.append(EpisodeRecord(method: job.method.name, cell: job.cell, run: r, episode: e + 1,
                                                  episodeReturn: value, steps: outcome.steps[e]))
                }
            }
            let scores = outcomes.map { score($0.returns) }
            let mean = scores.reduce(0, +) / Double(scores.count)
            let sd = scores.count > 1
                ? (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count - 1)).squareRoot() : 0
            summaries.append(PolicySummary(
                method: job.method.name, rule: job.method.plasticityRule.name, cell: job.cell, delay: job.delay,
                trace: "\(job.method.trace)", scores: scores, meanScore: mean, scoreStandardDeviation: sd,
                scoreEpisodes: spec.training.scoreEpisodes,
                solvedAtEpisode: outcomes.map { solvedAt($0.returns) }, episodes: spec.training.episodes,
                totalSteps: outcomes.reduce(0) { $0 + $1.steps.reduce(0, +) },
                wallSeconds: Date().timeIntervalSince(started)))
        }
        return EpisodicResult(spec: spec, episodes: episodes, summaries: summaries, finalNetworks: finals)
    }

    func score(_ returns: [Double]) -> Double {
        let tail = returns.suffix(spec.training.scoreEpisodes)
        return tail.reduce(0, +) / Double(max(tail.count, 1))
    }

    /// The first episode (from 1) whose trailing mean over `scoreEpisodes` episodes reaches `solved_at`.
    func solvedAt(_ returns: [Double]) -> Int? {
        guard let threshold = spec.training.solvedAt else { return nil }
        let window = spec.training.scoreEpisodes
        var sum = 0.0
        for (i, value) in returns.enumerated() {
            sum += value
            if i >= window { sum -= returns[i - window] }
            if i >= window - 1, sum / Double(window) >= threshold { return i + 1 }
        }
        return nil
    }

    struct RunOutcome {
        var returns: [Double]
        var steps: [Int]
        var final: SavedNetwork?
    }

    /// One run of one configuration: `training.instances` environments step in lockstep through the
    /// engine's ``EpisodeLoop`` until `episodes` episodes have finished.
    func train(_ job: Job, run r: Int, initial: SavedNetwork? = nil, onProgress: (Int, [Double]) -> Void = { _, _ in }) throws -> RunOutcome {
        let instances = spec.training.instances
        let environments = try (0..<instances).map { _ in try spec.environment.kind.make(parameters: job.environmentOptions) }
        let method = job.method
        let noise = method.populationNoise
        let populations = spec.hidden.map { Population(size: $0, activation: spec.hiddenActivation, noise: noise) }
            + [Population(size: environments[0].actionCount, activation: .softmax, noise: noise)]
        let network = try Network(
            inputSize: environments[0].observationSize, populations: populations, initializer: spec.initializer,
            rng: RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: r)))
        if let initial { network.load(initial) }
        func streams(_ base: UInt64) throws -> InstanceStreams {
            try InstanceStreams(spec.random, seed: spec.seed, base: base, count: instances)
        }
        let engine = try PlasticityEngine(
            rule: method.plasticityRule, network: network, probeStreams: streams(StreamPlan.probe(run: r)),
            intrinsicStreams: streams(StreamPlan.instanceNoise(run: r)),
            environments: EnvironmentBatch(instances: instances, dt: environments[0].dt,
                                           policyStreams: streams(StreamPlan.actions(run: r))))
        let loop = try EpisodeLoop(engine: engine, environments: environments, resets: streams(StreamPlan.environment(run: r)),
                                   reward: spec.training.reward == .step ? .step : .episode)
        var outcome = RunOutcome(returns: [], steps: [], final: nil)
        outcome.returns.reserveCapacity(spec.training.episodes)
        outcome.steps.reserveCapacity(spec.training.episodes)
        let reportEvery = max(1, spec.training.episodes / 10)
        do {
            try loop.run(episodes: spec.training.episodes) { episode in
                outcome.returns.append(episode.episodeReturn)
                outcome.steps.append(episode.steps)
                if episode.index % reportEvery == 0 || episode.index == spec.training.episodes { onProgress(episode.index, outcome.returns) }
            }
        } catch let diverged as EpisodeLoop.PolicyDiverged {
            throw RunError.policyDiverged(method: method.name, run: r, episode: diverged.episode, step: diverged.step)
        }
        if keepsFinalNetworks { outcome.final = SavedNetwork(network) }
        return outcome
    }
}
