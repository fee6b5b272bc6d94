import Neuromod

/// A 1-D reaching task with immediate reward: move a hand (a point mass without inertia) toward a
/// target on a line.
///
/// Seed 004 (noise-based reward-modulated learning) trains on "a 1-D reaching task with immediate
/// reward (dt 10 ms)" and updates the weights every step without an eligibility trace; the seed
/// gives no further detail, so this is Neuromod's design of such a task:
///
/// - The hand position p and the target g lie in the workspace [−b, b]. A reset draws
///   g uniformly in [−b, b) and puts the hand at p = 0.
/// - Action a ∈ {0, 1, 2} = {move left, stay, move right} moves the hand at speed v for one step:
///   p ← clamp(p + (a − 1)·v·dt, −b, b). The target does not move.
/// - Every step's reward is immediate: r = −|g − p| with the hand's position after the step, so
///   the best action is always the one that reduces the distance, and reward is never delayed.
/// - No terminal state: an episode lasts `steps` steps and its last step is truncated.
///
/// | option (``Options``) | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | `dt` | time per step, > 0 | s | 0.01 |
/// | `speed` | hand speed v, ≥ 0 | workspace units/s | 1 |
/// | `steps` | episode length (time limit), ≥ 1 | steps | 100 (1 s) |
/// | `bound` | workspace half-width b, > 0 | workspace units | 1 |
///
/// State and observation: (p, g). The raw pair is observed (rather than g − p) so that the policy
/// has to learn the comparison itself; a linear readout of (p, g) can still express the optimal
/// policy, which moves right when g − p > 0.
public final class Reaching: Environment {
    public static let name = "reaching"

    /// The reaching task's parameters.
    public struct Options: Sendable, Equatable {
        /// Time per step, in s.
        public var dt: Double
        /// Hand speed, in workspace units per second.
        public var speed: Double
        /// Episode length in steps (the time limit).
        public var steps: Int
        /// Half-width of the workspace [−bound, bound].
        public var bound: Double

        /// The option keys of ``init(parameters:)``.
        public static let keys = ["dt", "speed", "steps", "bound"]

        /// The defaults of the table in ``Reaching`` unless overridden.
        public init(dt: Double = 0.01, speed: Double = 1, steps: Int = 100, bound: Double = 1) {
            self.dt = dt
            self.speed = speed
            self.steps = steps
            self.bound = bound
        }

        /// Options from `key=value` text (keys: ``keys``); absent keys keep their defaults.
        ///
        /// - Throws: ``TaskError`` for an unknown key or a value that does not parse.
        public init(parameters: [String: String]) throws {
            let p = try EnvironmentParameters(parameters, context: Reaching.name, allowed: Self.keys)
            self.init(dt: try p.double("dt", default: 0.01), speed: try p.double("speed", default: 1),
                      steps: try p.int("steps", default: 100), bound: try p.double("bound", default: 1))
        }

        /// Checks the ranges in the table of ``Reaching``.
        ///
        /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)``.
        public func validate() throws {
            try requireParameter(dt.isFinite && dt > 0, Reaching.name, "dt", dt, "finite and > 0")
            try requireParameter(speed.isFinite && speed >= 0, Reaching.name, "speed", speed, "finite and ≥ 0")
            try requireParameter(steps >= 1, Reaching.name, "steps", steps, "at least 1")
            try requireParameter(bound.isFinite && bound > 0, Reaching.name, "bound", bound, "finite and > 0")
        }
    }

    /// The options this environment was made with.
    public let options: Options

    public let observationSize = 2
    public let actionCount = 3
    public var dt: Double { options.dt }
    public var stepLimit: Int { options.steps }
    public let stateNames = ["position", "target"]
    public var state: [Double] { [position, target] }
    public private(set) var observation: [Double]
    public private(set) var elapsedSteps = 0
    public private(set) var isEpisodeOver = false

    /// The hand's position p.
    public private(set) var position = 0.0
    /// The target g.
    public private(set) var target = 0.0

    /// A hand at 0 with the target at 0; call a `reset` method to start an episode.
    ///
    /// - Throws: the errors of ``Options/validate()``.
    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
        observation = [0, 0]
    }

    /// Draws the target uniformly in [−bound, bound) (one uniform draw) and puts the hand at 0.
    @discardableResult
    public func reset(rng: RandomGenerator) -> [Double] {
        target = -options.bound + 2 * options.bound * rng.uniform()
        position = 0
        startEpisode()
        return observation
    }

    @discardableResult
    public func reset(state: [Double], rng: RandomGenerator?) throws -> [Double] {
        try EnvironmentChecks.checkState(state, names: stateNames, context: Self.name)
        for (name, value) in zip(stateNames, state) {
            try requireParameter(abs(value) <= options.bound, Self.name, name, value,
                                 "in the workspace [−\(options.bound), \(options.bound)]")
        }
        (position, target) = (state[0], state[1])
        startEpisode()
        return observation
    }

    private func startEpisode() {
        elapsedSteps = 0
        isEpisodeOver = false
        writeObservation()
    }

    /// Moves the hand (0: left, 1: stay, 2: right) and returns the reward −|g − p| of the new position.
    public func step(_ action: Int) -> EnvironmentStep {
        EnvironmentChecks.checkStep(action, actionCount: actionCount, episodeOver: isEpisodeOver, name: Self.name)
        let moved = position + Double(action - 1) * options.speed * options.dt
        position = min(max(moved, -options.bound), options.bound)
        elapsedSteps += 1
        let truncated = elapsedSteps >= options.steps
        isEpisodeOver = truncated
        writeObservation()
        return EnvironmentStep(observation: observation, reward: -abs(target - position), terminated: false,
                               truncated: truncated)
    }

    private func writeObservation() {
        observation[0] = position
        observation[1] = target
    }
}
