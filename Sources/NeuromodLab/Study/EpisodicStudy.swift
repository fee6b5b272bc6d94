import Foundation
import Neuromod
import NeuromodTasks

/// Episodic studies (an `environment:` section): a policy network learns on an environment
/// (docs/reward-and-timing.md).
extension EpisodicSpec {
    public static let kind = StudyKind(
        name: "episodic", section: "environment", title: "episodic study",
        fields: [
            SpecField("environment", "required: `name` (\(EnvironmentKind.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))) and that environment's options (`neuromod env NAME --help`)"),
            SpecField("network", "required (may be empty): the policy network; the softmax output has one neuron per action", [
                SpecField("hidden", "optional: hidden layer sizes, default [128]"),
                SpecField("activation", "optional: the hidden activation, default `leaky-relu(0.1)`"),
                SpecField("init", "optional: `xavier-normal` (default), `uniform`, `kaiming-uniform`"),
                SpecField("initial_weights", "optional: a `.npz` written by `--save-weights` (path relative to the spec) that every run starts from; checked against the layers (docs/weights.md)"),
            ]),
            SpecField("training", "required", [
                SpecField("episodes", "required, > 0: episodes per run"),
                SpecField("reward", "optional: `episode` (default: the return becomes one RPE at the last step) or `step`"),
                SpecField("score_episodes", "optional: a run's score is its mean return over this many last episodes (default min(100, episodes))"),
                SpecField("solved_at", "optional: report the first episode whose trailing mean return reaches it"),
                SpecField("instances", "optional: environment instances stepped in lockstep per run, default 1"),
            ]),
            SpecField("methods", "required: one or more", [
                SpecField("name", "optional: default the rule's name; unique"),
                SpecField("rule", "required: \(PolicyRule.presetNames.map { "`\($0)`" }.joined(separator: ", ")), or a declared rule as a mapping (docs/rules.md)"),
                SpecField("learning_rate", "required for a named rule"),
                SpecField("sigma", "required for nrl and rmhl: the noise σ"),
                SpecField("fan_out_scaling", "optional: scale each update by the presynaptic fan-out, default false"),
                SpecField("trace", "optional: the eligibility trace kernel, default `episode-sum`", [
                    SpecField("kernel", "`immediate`, `exponential` (tau), `rise-decay` (rise, decay), `window` (start, end), `episode-sum`"),
                    SpecField("tau", "exponential: time constant in seconds"), SpecField("rise", "rise-decay: rise time in seconds"),
                    SpecField("decay", "rise-decay: decay time in seconds"), SpecField("start", "window: start in seconds"),
                    SpecField("end", "window: end in seconds"),
                ]),
                SpecField("baseline_rate", "optional: the running-average rate of the reward baseline, in (0, 1], default 0.66"),
                SpecField("normalize", "optional: the modulator's normalization, default `by-magnitude`"),
                SpecField("dopamine", "optional: the broadcast's kinetics", [
                    SpecField("delay", "seconds between the reward and the dopamine reaching the synapses"),
                    SpecField("decay", "optional: time constant in seconds of the dopamine's decay"),
                ]),
            ], list: true),
            SpecField("grid", "optional: one configuration per delay × trace (the timing studies)", [
                SpecField("delay_option", "the environment option that sets the reward delay"),
                SpecField("delays", "list of delays in seconds"), SpecField("traces", "list of trace kernels (as `trace`)"),
            ]),
        ],
        options: [.methods, .episodes, .saveWeights])

    public var methodNames: [String] { methods.map(\.name) }
    public mutating func keepMethods(_ names: [String]) { methods = methods.filter { names.contains($0.name) } }
    public mutating func applyOwn(_ overrides: StudyOverrides) {
        if let episodes = overrides.episodes {
            training.episodes = episodes
            training.scoreEpisodes = min(training.scoreEpisodes, episodes)
        }
    }
    public var overview: String {
        "episodic study '\(name)' (\(methods.count) methods × \(runs) runs × \(training.episodes) episodes of \(environment.kind.rawValue))"
    }
    public func timeEstimate(jobs: Int) -> TimeEstimate { TimeEstimate(self, jobs: jobs) }

    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> EpisodicResult {
        let runner = EpisodicRunner(spec: self)
        let episodes = training.episodes, every = max(1, episodes / 10)
        let counter = ProgressCounter(total: runner.jobs.count * runs * episodes)
        return try runner.run(jobs: jobs) { p in
            let line = String(format: "[%d/%d] %@ run %d/%d episode %d/%d: mean return %.4g", p.configuration + 1, p.configurations,
                              p.label, p.run + 1, p.runs, p.episode, p.episodes, p.recentReturn)
            progress(counter.step(p.episode % every == 0 ? every : p.episode % every, line: line, milestone: true))
        }
    }
}

extension EpisodicResult {
    public var table: String {
        let grid = spec.grid != nil, threshold = spec.training.solvedAt
        var header = ["method"] + (grid ? ["delay s", "trace"] : [])
        header += ["runs", "mean return, last \(spec.training.scoreEpisodes) episodes", "per run"]
        if let threshold { header.append("solved (mean ≥ \(String(format: "%g", threshold))) at episode") }
        header += ["steps", "wall s"]
        let rows = summaries.map { s -> [String] in
            var row = [s.method] + (grid ? [s.delay.map { String(format: "%g", $0) } ?? "–", s.trace] : [])
            row += ["\(s.scores.count)", String(format: "%.4g ± %.2g", s.meanScore, s.scoreStandardDeviation),
                    s.scores.map { String(format: "%.4g", $0) }.joined(separator: " ")]
            if threshold != nil { row.append(s.solvedAtEpisode.map { $0.map(String.init) ?? "–" }.joined(separator: " ")) }
            return row + ["\(s.totalSteps)", String(format: "%.1f", s.wallSeconds)]
        }
        return TextTable.render(
            title: "\(spec.name): \(spec.environment.kind.rawValue), \(spec.training.episodes) episodes, \(spec.runs) runs, seed \(spec.seed)",
            header: header, rows: rows)
    }
}
