import Neuromod

/// A cue–delay–reward trial: a cue says which of two actions is right, the action is taken at a
/// "go" signal, and the reward for it arrives a fixed delay later — the bench for studies of
/// eligibility-trace timing (how long a synapse must remember its part in an action for a late
/// reward, or dopamine, to credit it).
///
/// A trial of `cueSteps + 1 + delaySteps` steps, with `cueSteps = round(cue_duration/dt)` and
/// `delaySteps = round(delay/dt)` (rounded half away from zero; the delay simulated is
/// `delaySteps·dt`):
///
/// | step index t | observation (cueA, cueB, go, distractors…) | action | reward |
/// | --- | --- | --- | --- |
/// | 0 ..< cueSteps | the cue one-hot, go = 0 | no effect | 0 |
/// | cueSteps (``decisiveStep``) | the cue one-hot, go = 1 | **decisive**: 0 is right for cue A, 1 for cue B | 0 (unless delay = 0) |
/// | cueSteps + 1 ... cueSteps + delaySteps | all 0 (blank) | no effect | 0, except on the last step |
///
/// The last step, index ``rewardStep`` = cueSteps + delaySteps, returns `reward_correct` or
/// `reward_wrong` for the decisive action and terminates the trial.
/// The step with index t acts on the observation of index t, so the reward of the decisive action
/// comes back from the step `delaySteps` steps (`delaySteps·dt` seconds) after it; with delay 0 the
/// decisive step itself returns it. Every earlier step returns 0. Trials always end by termination
/// on their last step, so ``stepLimit`` is the trial length and a trial is never truncated.
///
/// Distractor inputs (optional) are extra observation values, each an independent fair 0/1 draw
/// (`uniform() < 0.5`) on every observation, cue and go steps included, drawn in order from the
/// random stream given at reset. The cue is drawn first (`uniformInt(below: 2)`), so the same
/// stream gives the same trial.
///
/// | option (``Options``) | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | `dt` | time per step, > 0 | s | 0.01 |
/// | `cue_duration` | time the cue is shown before the go step, ≥ 0 | s | 0.1 |
/// | `delay` | time from the decisive action to its reward, ≥ 0 | s | 0.5 |
/// | `distractors` | number of random 0/1 distractor inputs, ≥ 0 | — | 0 |
/// | `reward_correct`, `reward_wrong` | reward for the right and the wrong decisive action | — | 1, 0 |
///
/// State: (cue, elapsed, choice) — the cue (0: A, 1: B), the steps taken so far, and the decisive
/// action (−1 until it is taken).
public final class CueDelayReward: Environment {
    public static let name = "cue-delay-reward"

    /// The trial's parameters.
    public struct Options: Sendable, Equatable {
        /// Time per step, in s.
        public var dt: Double
        /// Time the cue is shown before the go step, in s.
        public var cueDuration: Double
        /// Time from the decisive action to its reward, in s.
        public var delay: Double
        /// Number of random 0/1 distractor inputs appended to the observation.
        public var distractors: Int
        /// Reward for the right decisive action.
        public var rewardCorrect: Double
        /// Reward for the wrong decisive action.
        public var rewardWrong: Double

        /// The option keys of ``init(parameters:)``.
        public static let keys = ["dt", "cue_duration", "delay", "distractors", "reward_correct", "reward_wrong"]

        /// The defaults of the table in ``CueDelayReward`` unless overridden.
        public init(dt: Double = 0.01, cueDuration: Double = 0.1, delay: Double = 0.5, distractors: Int = 0,
                    rewardCorrect: Double = 1, rewardWrong: Double = 0) {
            self.dt = dt
            self.cueDuration = cueDuration
            self.delay = delay
            self.distractors = distractors
            self.rewardCorrect = rewardCorrect
            self.rewardWrong = rewardWrong
        }

        /// Options from `key=value` text (keys: ``keys``); absent keys keep their defaults.
        ///
        /// - Throws: ``TaskError`` for an unknown key or a value that does not parse.
        public init(parameters: [String: String]) throws {
            let p = try EnvironmentParameters(parameters, context: CueDelayReward.name, allowed: Self.keys)
            let d = Options()
            self.init(dt: try p.double("dt", default: d.dt),
                      cueDuration: try p.double("cue_duration", default: d.cueDuration),
                      delay: try p.double("delay", default: d.delay),
                      distractors: try p.int("distractors", default: d.distractors),
                      rewardCorrect: try p.double("reward_correct", default: d.rewardCorrect),
                      rewardWrong: try p.double("reward_wrong", default: d.rewardWrong))
        }

        /// The most steps a phase (cue or delay) may have, so trial lengths stay far from overflow.
        public static let maxPhaseSteps = 10_000_000

        /// Steps the cue is shown before the go step: `round(cueDuration / dt)`.
        public var cueSteps: Int { Int((cueDuration / dt).rounded()) }
        /// Steps from the decisive step to the reward step: `round(delay / dt)`.
        public var delaySteps: Int { Int((delay / dt).rounded()) }

        /// Checks the ranges in the table of ``CueDelayReward``, and that neither phase exceeds
        /// ``maxPhaseSteps`` steps.
        ///
        /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)``.
        public func validate() throws {
            let name = CueDelayReward.name
            try requireParameter(dt.isFinite && dt > 0, name, "dt", dt, "finite and > 0")
            try requireParameter(cueDuration.isFinite && cueDuration >= 0, name, "cue_duration", cueDuration,
                                 "finite and ≥ 0 (seconds)")
            try requireParameter(delay.isFinite && delay >= 0, name, "delay", delay, "finite and ≥ 0 (seconds)")
            try requireParameter(cueDuration / dt <= Double(Self.maxPhaseSteps), name, "cue_duration", cueDuration,
                                 "at most \(Self.maxPhaseSteps) steps of dt = \(dt)")
            try requireParameter(delay / dt <= Double(Self.maxPhaseSteps), name, "delay", delay,
                                 "at most \(Self.maxPhaseSteps) steps of dt = \(dt)")
            try requireParameter(distractors >= 0 && distractors <= 1_000_000, name, "distractors", distractors,
                                 "between 0 and 1000000")
            try requireParameter(rewardCorrect.isFinite, name, "reward_correct", rewardCorrect, "finite")
            try requireParameter(rewardWrong.isFinite, name, "reward_wrong", rewardWrong, "finite")
        }
    }

    /// The options this environment was made with.
    public let options: Options
    /// Steps the cue is shown before the go step (`round(cue_duration/dt)`).
    public let cueSteps: Int
    /// Steps from the decisive step to the reward step (`round(delay/dt)`).
    public let delaySteps: Int

    public let actionCount = 2
    public var observationSize: Int { 3 + options.distractors }
    public var dt: Double { options.dt }
    /// The trial length, `cueSteps + 1 + delaySteps`; trials end by termination, never by truncation.
    public var stepLimit: Int { cueSteps + 1 + delaySteps }
    public let stateNames = ["cue", "elapsed", "choice"]
    public var state: [Double] { [Double(cue), Double(elapsedSteps), Double(choice ?? -1)] }
    public private(set) var observation: [Double]
    public private(set) var elapsedSteps = 0
    public private(set) var isEpisodeOver = false

    /// The index of the go step, whose action decides the reward (= ``cueSteps``).
    public var decisiveStep: Int { cueSteps }
    /// The index of the step that returns the reward and terminates (= `cueSteps + delaySteps`).
    public var rewardStep: Int { cueSteps + delaySteps }
    /// The trial's cue: 0 (A, action 0 is right) or 1 (B, action 1 is right).
    public private(set) var cue = 0
    /// The decisive action of this trial, once the go step has been taken.
    public private(set) var choice: Int?
    /// Whether this trial's decisive action was right (`nil` before the go step).
    public var lastDecisionCorrect: Bool? { choice.map { $0 == cue } }

    private var rng: RandomGenerator?

    /// A trial environment; call a `reset` method to start a trial.
    ///
    /// - Throws: the errors of ``Options/validate()``.
    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
        cueSteps = options.cueSteps
        delaySteps = options.delaySteps
        observation = [Double](repeating: 0, count: 3 + options.distractors)
    }

    /// Draws the cue (`uniformInt(below: 2)`), then the first observation's distractors, from `rng`,
    /// which the trial keeps drawing its distractors from.
    @discardableResult
    public func reset(rng: RandomGenerator) -> [Double] {
        self.rng = rng
        cue = rng.uniformInt(below: 2)
        choice = nil
        elapsedSteps = 0
        isEpisodeOver = false
        writeObservation()
        return observation
    }

    /// Starts at state (cue, elapsed, choice): cue 0 or 1, elapsed in `0..<stepLimit`, choice −1 up
    /// to the go step and 0 or 1 after it. `rng` is required when there are distractor inputs.
    @discardableResult
    public func reset(state: [Double], rng: RandomGenerator?) throws -> [Double] {
        try EnvironmentChecks.checkState(state, names: stateNames, context: Self.name)
        let (cueValue, elapsedValue, choiceValue) = (state[0], state[1], state[2])
        try requireParameter(cueValue == 0 || cueValue == 1, Self.name, "cue", cueValue, "0 (cue A) or 1 (cue B)")
        try requireParameter(elapsedValue >= 0 && elapsedValue < Double(stepLimit) && elapsedValue.rounded() == elapsedValue,
                             Self.name, "elapsed", elapsedValue, "a whole number of steps in 0..<\(stepLimit)")
        let elapsed = Int(elapsedValue)
        if elapsed <= decisiveStep {
            try requireParameter(choiceValue == -1, Self.name, "choice", choiceValue,
                                 "-1 (not yet taken) while elapsed ≤ the decisive step \(decisiveStep)")
        } else {
            try requireParameter(choiceValue == 0 || choiceValue == 1, Self.name, "choice", choiceValue,
                                 "0 or 1 once elapsed > the decisive step \(decisiveStep)")
        }
        if options.distractors > 0 && rng == nil {
            throw TaskError.invalidParameter(
                context: Self.name, parameter: "random stream", value: "none",
                requirement: "given: the \(options.distractors) distractor inputs are drawn from it every step")
        }
        self.rng = rng
        cue = Int(cueValue)
        choice = elapsed <= decisiveStep ? nil : Int(choiceValue)
        elapsedSteps = elapsed
        isEpisodeOver = false
        writeObservation()
        return observation
    }

    public func step(_ action: Int) -> EnvironmentStep {
        EnvironmentChecks.checkStep(action, actionCount: actionCount, episodeOver: isEpisodeOver, name: Self.name)
        let t = elapsedSteps
        if t == decisiveStep { choice = action }
        elapsedSteps += 1
        let terminated = t == rewardStep
        var reward = 0.0
        if terminated { reward = choice == cue ? options.rewardCorrect : options.rewardWrong }
        isEpisodeOver = terminated
        writeObservation()
        return EnvironmentStep(observation: observation, reward: reward, terminated: terminated, truncated: false)
    }

    /// The observation of step index ``elapsedSteps``: cue one-hot up to the go step, go at it, and
    /// fresh distractor draws.
    private func writeObservation() {
        let t = elapsedSteps
        let showCue = t <= decisiveStep
        observation[0] = showCue && cue == 0 ? 1 : 0
        observation[1] = showCue && cue == 1 ? 1 : 0
        observation[2] = t == decisiveStep ? 1 : 0
        if options.distractors > 0, let rng {
            for i in 3..<observation.count { observation[i] = rng.uniform() < 0.5 ? 1 : 0 }
        }
    }
}
