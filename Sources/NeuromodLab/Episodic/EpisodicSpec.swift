import Neuromod
import NeuromodTasks

/// A reinforcement-learning experiment: a policy network learns on an environment by a
/// ``PolicyRule`` with eligibility traces and a dopamine-like broadcast (seed 004's studies, and the
/// trace-timing studies). A spec is episodic when it has an `environment:` section instead of `task:`.
public struct EpisodicSpec: StudySpec {
    public var header: StudyHeader
    public var environment: EnvironmentSpec
    /// Hidden and output layers; the input size is the environment's observation size and the
    /// output layer (softmax) has one neuron per action.
    public var hidden: [Int]
    public var hiddenActivation: Activation
    public var initializer: WeightInitializer
    /// A `.npz` written by `--save-weights` to start every run from (resolved path), instead of `initializer`.
    public var initialWeights: String? = nil
    public var training: EpisodicTraining
    public var methods: [PolicyMethod]
    /// Optional grid over environment delay × trace kernel (the timing studies); empty: none.
    public var grid: TimingGrid?
}

/// The environment by name, with its options as written (`key: value`).
public struct EnvironmentSpec: Sendable {
    public var kind: EnvironmentKind
    /// Options as written (`key: value` text, checked by the environment when the spec is read).
    public var options: [String: String]
}

/// When reward reaches the modulator, how long training lasts and how runs are scored.
public struct EpisodicTraining: Sendable {
    public enum RewardTiming: String, Sendable, CaseIterable {
        /// The episode's return is turned into one RPE at the episode's last step (NRL on CartPole).
        case episode
        /// Every step's reward is turned into an RPE at that step (the reaching task).
        case step
    }

    public var episodes: Int
    public var reward: RewardTiming
    /// A run's score is its mean return over its last `scoreEpisodes` episodes.
    public var scoreEpisodes: Int
    /// A run "solves" the task at the first episode where the mean return over the last
    /// `scoreEpisodes` episodes reaches this (e.g. 475 on CartPole-v1); nil: not tracked.
    public var solvedAt: Double?
    /// Environment instances stepped side by side in one batch (each its own episode, noise and
    /// policy stream); a run ends when `episodes` episodes have finished in all.
    public var instances: Int = 1
}

/// The rules an episodic spec can name.
public enum PolicyRule: String, Sendable, Equatable, CaseIterable {
    /// Noise-based reward-modulated learning (seed 004), as in the authors' code.
    case nrl
    /// Reward-modulated Hebbian learning: noise times presynaptic activity on the acting network.
    case rmhl
    /// REINFORCE with backprop: the exact ∇ log π(a), the non-local baseline.
    case reinforce
    /// A rule declared from its parts in the spec (``PolicyMethod/declared``).
    case declared

    /// The names a spec may give as `rule:`.
    static var presetNames: [String] { allCases.filter { $0 != .declared }.map(\.rawValue) }
}

/// A learning method of an episodic spec.
public struct PolicyMethod: Sendable {
    public var name: String
    public var rule: PolicyRule
    public var learningRate: Double
    /// Pre-activation noise σ of every layer in the noisy pass (nrl, rmhl).
    public var sigma: Double
    public var fanOutScaling: Bool
    public var trace: TraceKernel
    public var baseline: Neuromodulator.Baseline
    public var normalization: Neuromodulator.Normalization
    public var dopamine: DopamineKinetics
    /// The rule, when the spec declares it from its parts (`rule` is then `.declared`); a grid's
    /// trace replaces its trace.
    public var declared: PlasticityRule?

    /// The populations' intrinsic noise: σ on every pre-activation for rules that learn from it.
    public var populationNoise: IntrinsicNoise? {
        switch rule {
        case .nrl, .rmhl: return IntrinsicNoise(site: .preActivation, sigma: sigma)
        case .reinforce: return nil
        case .declared:
            guard case .intrinsic(let sigma) = declared?.probe else { return nil }
            return IntrinsicNoise(site: .preActivation, sigma: sigma)
        }
    }

    /// The method as a rule the engine runs (its preset, with the method's settings).
    public var plasticityRule: PlasticityRule {
        var rate = 0.66
        if case .runningAverage(let r) = baseline { rate = r }
        switch rule {
        case .nrl:
            return .noiseBasedRewardModulated(learningRate: learningRate, sigma: sigma, trace: trace, baselineRate: rate,
                                              normalization: normalization, dopamine: dopamine, fanOutScaling: fanOutScaling)
        case .rmhl:
            return .rewardModulatedHebbian(learningRate: learningRate, sigma: sigma, trace: trace, baselineRate: rate,
                                           normalization: normalization, dopamine: dopamine)
        case .reinforce:
            return .reinforceBackprop(learningRate: learningRate, trace: trace, baselineRate: rate,
                                      normalization: normalization, dopamine: dopamine)
        case .declared:
            var rule = declared!
            rule.trace = trace
            return rule
        }
    }
}

/// Environment delay × trace kernel: every cell is trained for the spec's runs and scored.
public struct TimingGrid: Sendable {
    /// The environment option that holds the delay (e.g. `delay`), and its values in seconds.
    public var delayOption: String
    public var delays: [Double]
    public var traces: [TraceKernel]
}
