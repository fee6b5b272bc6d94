import Foundation
import Testing
import Neuromod
@testable import NeuromodLab

/// Episodic (environment) specs: parsing, their errors, determinism, and the trace-timing effect.
@Suite struct EpisodicTests {
    /// Cue–delay–reward at dt 50 ms with 4 distractor inputs; NRL with an exponential trace τ = 0.2 s.
    static let timing = """
    name: timing
    seed: 4
    runs: 1
    output: out
    environment: {name: cue-delay-reward, dt: 0.05, delay: 0.5, distractors: 4}
    network: {hidden: [32], activation: leaky-relu(0.1), init: xavier-normal}
    training: {episodes: 600, reward: episode, score_episodes: 200}
    methods:
      - {name: NRL, rule: nrl, learning_rate: 1, sigma: 0.01, normalize: none}
    grid:
      delays: [0, 2]
      traces: [{kernel: exponential, tau: 0.2}]
    """

    func error(_ text: String) -> String {
        do {
            _ = try EpisodicSpec.parse(text, file: "spec.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// Learning survives while the reward comes within the trace's reach and fails beyond it: with
    /// τ = 0.2 s the decisive action is learned (> 90 % correct over the last 200 trials) when the
    /// reward is immediate, and not (< 65 %, chance 50 %) when it comes 2 s = 10 τ later, where the
    /// trace has kept e^−10 of it.
    @Test func learningSurvivesOnlyWithinTheTracesReach() throws {
        let result = try EpisodicRunner(spec: try EpisodicSpec.parse(Self.timing, file: "spec.yaml")).run(jobs: 2)
        let byDelay = Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.delay!, $0.meanScore) })
        #expect(byDelay[0]! > 0.9, "immediate reward: \(byDelay[0]!)")
        #expect(byDelay[2]! < 0.65, "reward 10 τ late: \(byDelay[2]!)")
    }

    /// Same spec and seed give the same episodes whatever the number of jobs.
    @Test func episodesDoNotDependOnJobs() throws {
        let text = Self.timing.replacingOccurrences(of: "runs: 1", with: "runs: 3")
            .replacingOccurrences(of: "episodes: 600", with: "episodes: 40")
            .replacingOccurrences(of: "score_episodes: 200", with: "score_episodes: 10")
        let spec = try EpisodicSpec.parse(text, file: "spec.yaml")
        let one = try EpisodicRunner(spec: spec).run(jobs: 1), two = try EpisodicRunner(spec: spec).run(jobs: 2)
        #expect(one.episodes == two.episodes)
        #expect(one.episodes.count == 2 * 3 * 40)
        #expect(Set(one.episodes.map(\.episodeReturn)).count > 1)
    }

    @Test func defaultsFollowSeed004() throws {
        let spec = try EpisodicSpec.parse("""
        name: c
        seed: 1
        runs: 2
        output: out
        environment: {name: cartpole}
        network: {}
        training: {episodes: 10}
        methods: [{rule: nrl, learning_rate: 0.05, sigma: 0.001}]
        """, file: "spec.yaml")
        let m = spec.methods[0]
        #expect(spec.hidden == [128] && spec.hiddenActivation == .leakyReLU(slope: 0.1) && spec.initializer == .xavierNormal)
        #expect(m.name == "nrl" && m.trace == .episodeSum && m.baseline == .runningAverage(rate: 0.66))
        #expect(m.normalization == .byMagnitude && m.dopamine == DopamineKinetics() && !m.fanOutScaling)
        #expect(spec.training.reward == .episode && spec.training.scoreEpisodes == 10)
    }

    /// "Solved" is the first episode whose trailing mean over `score_episodes` reaches `solved_at`.
    @Test func solvedAtIsTheFirstTrailingMeanAboveTheThreshold() throws {
        let text = Self.timing.replacingOccurrences(of: "score_episodes: 200", with: "score_episodes: 3, solved_at: 2")
        let runner = EpisodicRunner(spec: try EpisodicSpec.parse(text, file: "spec.yaml"))
        #expect(runner.solvedAt([0, 3, 3, 0, 3, 3, 1]) == 3)   // (0+3+3)/3 = 2 at episode 3
        #expect(runner.solvedAt([5, 0, 0, 0, 3, 3]) == 6)      // only full windows count: 5/1 at episode 1 does not
        #expect(runner.solvedAt([1, 1, 1, 1]) == nil)
    }

    @Test func badSpecsNameTheFieldAndLine() {
        func edited(_ old: String, _ new: String) -> String { error(Self.timing.replacingOccurrences(of: old, with: new)) }
        #expect(edited("name: cue-delay-reward", "name: pendulum").contains("spec.yaml:5: environment.name"))
        #expect(edited("delay: 0.5", "delay: -1").contains("environment"))
        #expect(edited("distractors: 4", "distractor: 4").contains("did you mean 'distractors'"))
        #expect(edited("sigma: 0.01, ", "").contains("required field 'sigma' is missing for nrl"))
        #expect(edited("rule: nrl", "rule: reinforce").contains("'sigma' does not apply to reinforce"))
        #expect(edited("{kernel: exponential, tau: 0.2}", "{kernel: window, start: 2, end: 0.5}").contains("window"))
        #expect(edited("{kernel: exponential, tau: 0.2}", "{kernel: exponential}").contains("required field 'tau' is missing"))
        #expect(edited("delays: [0, 2]", "delays: [0, -2]").contains("grid.delays"))
        #expect(edited("score_episodes: 200", "score_episodes: 900").contains("expected at most episodes (600)"))
    }
}
