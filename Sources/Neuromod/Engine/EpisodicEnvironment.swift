/// An environment the engine's episode loop can drive: reset it, step it with an action, read the
/// reward. NeuromodTasks' environments (CartPole, Acrobot, reaching, cue–delay–reward) provide it;
/// so can a user's own.
public protocol EpisodicEnvironment: AnyObject {
    /// Values in an observation.
    var observationSize: Int { get }
    /// Discrete actions 0..<actionCount.
    var actionCount: Int { get }
    /// Seconds per step (eligibility traces and dopamine delays are in seconds).
    var dt: Double { get }
    /// Starts an episode from a state drawn with `rng`; returns the first observation.
    @discardableResult
    func reset(rng: RandomGenerator) -> [Double]
    /// Applies `action`; returns the next observation, the reward and whether the episode ended.
    func step(_ action: Int) -> EnvironmentStep
}

/// What one step of an ``EpisodicEnvironment`` returns.
///
/// `observation` is the observation *after* the step, the one the agent acts on next.
/// `terminated` and `truncated` follow Gymnasium's meaning: the episode ended by the task's own rule
/// (the pole fell, the reward of a trial was delivered), or it was cut off by the time limit
/// its time limit. Either one ends the episode; call a `reset` method before stepping again.
public struct EnvironmentStep: Sendable, Equatable {
    /// The observation after the step (``EpisodicEnvironment/observationSize`` values).
    public var observation: [Double]
    /// The reward the step earned.
    public var reward: Double
    /// The episode ended by the task's own rule (a terminal state was reached).
    public var terminated: Bool
    /// The episode reached the time limit its time limit.
    public var truncated: Bool

    /// Creates a step result.
    public init(observation: [Double], reward: Double, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// The episode is over: ``terminated`` or ``truncated``.
    public var isEpisodeEnd: Bool { terminated || truncated }
}

/// A discrete-time, discrete-action reinforcement-learning environment, deterministic given its state
/// and the random stream handed to it at reset.
///
/// An environment is a class that holds one episode's state and is stepped in place: `step` writes
/// the new state and observation into buffers made at initialization, so a loop that does not keep
/// the previous ``EnvironmentStep`` around allocates nothing per step (the returned `observation`
/// array shares the environment's buffer until the next step; keeping it only costs a copy when the
/// environment next writes).
///
/// Lifecycle: `reset(rng:)` (a random initial state) or `reset(state:rng:)` (an exact one), then
/// `step` until a step returns `terminated` or `truncated`. Stepping after the end of an episode is a
/// programming error (a precondition failure), as is an action outside `0..<actionCount`.
///
/// An environment is not `Sendable`; give each thread its own. Implementations: ``CartPole``,
/// ``Acrobot``, ``Reaching``, ``CueDelayReward``; ``EnvironmentKind`` builds one by name.
