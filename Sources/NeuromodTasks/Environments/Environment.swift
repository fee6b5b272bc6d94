import Neuromod

/// A discrete-time, discrete-action reinforcement-learning environment, deterministic given its state
/// and the random stream handed to it at reset; the engine's episode loop drives it as an
/// `EpisodicEnvironment` (module Neuromod), whose `EnvironmentStep` its `step` returns.
///
/// An environment is a class that holds one episode's state and is stepped in place: `step` writes
/// the new state and observation into buffers made at initialization, so a loop that does not keep
/// the previous `EnvironmentStep` around allocates nothing per step (the returned `observation`
/// array shares the environment's buffer until the next step; keeping it only costs a copy when the
/// environment next writes).
///
/// Lifecycle: `reset(rng:)` (a random initial state) or `reset(state:rng:)` (an exact one), then
/// `step` until a step returns `terminated` or `truncated`. Stepping after the end of an episode is a
/// programming error (a precondition failure), as is an action outside `0..<actionCount`.
///
/// An environment is not `Sendable`; give each thread its own. Implementations: ``CartPole``,
/// ``Acrobot``, ``Reaching``, ``CueDelayReward``; ``EnvironmentKind`` builds one by name.
public protocol Environment: EpisodicEnvironment {
    /// The environment's name on the command line and in specs (``EnvironmentKind``'s raw value).
    static var name: String { get }

    /// The number of values in an observation.
    var observationSize: Int { get }
    /// The number of discrete actions; actions are `0..<actionCount`.
    var actionCount: Int { get }
    /// Simulated time per step, in seconds.
    var dt: Double { get }
    /// The time limit: an episode lasts at most `stepLimit` steps. For ``CartPole``, ``Acrobot`` and
    /// ``Reaching`` the step that brings ``elapsedSteps`` to `stepLimit` returns `truncated` (as
    /// Gymnasium's `TimeLimit` wrapper, even when that step also terminates); ``CueDelayReward``'s
    /// trials end by termination on their last step, `stepLimit` is their length, and they never truncate.
    var stepLimit: Int { get }

    /// The names of the values of ``state``, in order (for CSV headers and error messages).
    var stateNames: [String] { get }
    /// The complete internal state: with the episode's random stream, it determines every later step.
    /// `reset(state: env.state)` restores it (any state of the physical tasks; a state before the
    /// end of the trial for ``CueDelayReward``).
    var state: [Double] { get }
    /// The current observation (what the last reset or step returned).
    var observation: [Double] { get }
    /// Steps taken since the last reset (the time-limit counter).
    var elapsedSteps: Int { get }
    /// The last step terminated or truncated the episode; `step` needs a reset first.
    var isEpisodeOver: Bool { get }

    /// Starts an episode from a random initial state drawn from `rng`, and returns its observation.
    ///
    /// The environment keeps `rng` for the random draws it makes during the episode (only
    /// ``CueDelayReward`` draws any: its distractor inputs). The same generator state gives the same
    /// episode.
    @discardableResult
    func reset(rng: RandomGenerator) -> [Double]

    /// Starts an episode from exactly `state` (laid out as ``stateNames``), and returns its observation.
    ///
    /// - Parameters:
    ///   - state: the state to start from.
    ///   - rng: the stream for random draws during the episode; environments that draw nothing ignore it.
    /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)`` when `state` has
    ///   the wrong length or a value the environment cannot hold (not finite, out of its range), or a
    ///   stream is needed and `rng` is `nil`.
    @discardableResult
    func reset(state: [Double], rng: RandomGenerator?) throws -> [Double]

    /// Applies `action` (in `0..<actionCount`) for one step of ``dt`` seconds.
    ///
    /// - Precondition: `action` is in `0..<actionCount` and the episode is not over.
    func step(_ action: Int) -> EnvironmentStep
}

extension Environment {
    /// Starts an episode from exactly `state`, without a random stream (enough for every environment
    /// that draws nothing during an episode).
    ///
    /// - Throws: see ``Environment/reset(state:rng:)``.
    @discardableResult
    public func reset(state: [Double]) throws -> [Double] {
        try reset(state: state, rng: nil)
    }

    /// The environment's name (``Environment/name``), from an instance.
    public var name: String { Self.name }
}

/// Checks shared by the environments' `reset(state:)` and `step`.
enum EnvironmentChecks {
    /// Throws unless `state` has `names.count` finite values.
    static func checkState(_ state: [Double], names: [String], context: String) throws {
        guard state.count == names.count else {
            throw TaskError.invalidParameter(
                context: context, parameter: "state", value: describe(state),
                requirement: "\(names.count) values (\(names.joined(separator: ", "))), got \(state.count)")
        }
        if let i = state.firstIndex(where: { !$0.isFinite }) {
            throw TaskError.invalidParameter(context: context, parameter: names[i], value: "\(state[i])",
                                             requirement: "finite")
        }
    }

    /// The state as written in messages: `[1.0, 2.0]`.
    static func describe(_ state: [Double]) -> String {
        "[" + state.map { "\($0)" }.joined(separator: ", ") + "]"
    }

    /// The precondition every `step` starts with.
    @inline(__always)
    static func checkStep(_ action: Int, actionCount: Int, episodeOver: Bool, name: String) {
        precondition(action >= 0 && action < actionCount,
                     "\(name): action \(action) is out of range 0..<\(actionCount)")
        precondition(!episodeOver, "\(name): step after the end of the episode; call reset first")
    }
}
