/// What can happen at a step of a closed-loop simulation, for an ``EventQueue``.
///
/// Every event belongs to one instance (a minibatch sample, a parallel environment, a member of a
/// population), so that delayed reward and dopamine reach only the instance that earned them.
///
/// | case | value | unit |
/// |---|---|---|
/// | ``stimulusOnset(instance:stimulus:)`` | which stimulus (cue) starts | index |
/// | ``stimulusOffset(instance:stimulus:)`` | which stimulus ends | index |
/// | ``action(instance:action:)`` | the action taken | index |
/// | ``rewardDelivery(instance:reward:)`` | reward R delivered to the neuromodulator | task units |
/// | ``dopamineRelease(instance:amount:)`` | jump of the dopamine concentration c | concentration units (c is dimensionless in Neuromod) |
///
/// Typical use: an action at step t schedules its reward after the task's delay, the reward's
/// prediction error schedules a dopamine release, and the release meets the synapses' eligibility
/// traces (see ``TraceDopamineIntegrator``).
public enum SimulationEvent: Sendable, Equatable {
    /// Stimulus `stimulus` starts being presented to `instance`.
    case stimulusOnset(instance: Int, stimulus: Int)
    /// Stimulus `stimulus` stops being presented to `instance`.
    case stimulusOffset(instance: Int, stimulus: Int)
    /// `instance` takes action `action`.
    case action(instance: Int, action: Int)
    /// Reward `reward` arrives for `instance`.
    case rewardDelivery(instance: Int, reward: Double)
    /// Dopamine is released for `instance`: its concentration jumps by `amount`.
    case dopamineRelease(instance: Int, amount: Double)

    /// The instance the event belongs to.
    public var instance: Int {
        switch self {
        case .stimulusOnset(let n, _), .stimulusOffset(let n, _), .action(let n, _): return n
        case .rewardDelivery(let n, _), .dopamineRelease(let n, _): return n
        }
    }
}
