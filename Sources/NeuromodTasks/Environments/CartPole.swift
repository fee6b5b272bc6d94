import Foundation
import Neuromod

/// CartPole-v1: balance a pole hinged on a cart by pushing the cart left or right — Gymnasium's
/// `classic_control/cartpole.py` (Barto, Sutton & Anderson 1983) step for step.
///
/// A pole of half-length l = 0.5 m and mass 0.1 kg stands on a cart of mass 1 kg that moves on a
/// frictionless track. Each step pushes the cart with ±10 N for τ = 0.02 s. With F the force,
/// m_p l the pole's mass times half-length and M = m_c + m_p,
///
///     temp = (F + m_p l θ̇² sin θ) / M
///     θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos²θ / M))
///     ẍ = temp − m_p l θ̈ cos θ / M
///
/// integrated by explicit Euler (x += τẋ, ẋ += τẍ, θ += τθ̇, θ̇ += τθ̈, Gymnasium's default) or, as an
/// option, semi-implicit Euler (velocities first, positions from the new velocities). Every operation
/// is written in Gymnasium's order, so a step from the same state gives the same numbers to the last
/// bit on the same libm (see `scripts/gymnasium_crosscheck.py`).
///
/// | constant | value |
/// | --- | --- |
/// | gravity g | 9.8 m/s² |
/// | cart mass m_c, pole mass m_p | 1.0 kg, 0.1 kg |
/// | pole half-length l | 0.5 m |
/// | force magnitude | 10 N (action 0: −10, action 1: +10) |
/// | τ (``dt``) | 0.02 s |
/// | termination | \|x\| > 2.4 m or \|θ\| > 12·2π/360 rad (after the step) |
///
/// | option (``Options``) | meaning | default |
/// | --- | --- | --- |
/// | `integrator` | `euler` or `semi-implicit-euler` | `euler` |
/// | `sutton_barto_reward` | reward 0 per step and −1 on the terminating step, instead of +1 on every step | `false` |
/// | `step_limit` | time limit in steps | 500 (CartPole-v1) |
/// | `reset_bound` | the reset draws every state value uniformly in [−b, b) | 0.05 |
///
/// State and observation: (x, ẋ, θ, θ̇) in m, m/s, rad, rad/s (θ = 0 upright, positive clockwise).
/// Gymnasium returns the observation as `float32`; here it is the `Double` state itself.
/// Reward: +1 for every step, the terminating one included. Truncated: the step that reaches
/// `step_limit` (as Gymnasium's `TimeLimit` wrapper, also when that step terminates).
public final class CartPole: Environment {
    public static let name = "cartpole"

    /// How the state is advanced over one step.
    public enum Integrator: String, CaseIterable, Sendable {
        /// Explicit Euler: positions advance with the old velocities (Gymnasium's default).
        case euler
        /// Semi-implicit Euler: velocities first, then positions with the new velocities.
        case semiImplicitEuler = "semi-implicit-euler"
    }

    /// CartPole's configurable parameters; the physical constants are fixed (see ``CartPole``).
    public struct Options: Sendable, Equatable {
        /// The integration scheme (default: explicit Euler).
        public var integrator: Integrator
        /// Reward 0 per step and −1 on the terminating step (Gymnasium's `sutton_barto_reward`).
        public var suttonBartoReward: Bool
        /// The time limit in steps (CartPole-v1: 500).
        public var stepLimit: Int
        /// The reset draws x, ẋ, θ, θ̇ uniformly in [−resetBound, resetBound) (Gymnasium: 0.05).
        public var resetBound: Double

        /// The option keys of ``init(parameters:)``.
        public static let keys = ["integrator", "sutton_barto_reward", "step_limit", "reset_bound"]

        /// CartPole-v1's settings unless overridden.
        public init(integrator: Integrator = .euler, suttonBartoReward: Bool = false, stepLimit: Int = 500,
                    resetBound: Double = 0.05) {
            self.integrator = integrator
            self.suttonBartoReward = suttonBartoReward
            self.stepLimit = stepLimit
            self.resetBound = resetBound
        }

        /// Options from `key=value` text (keys: ``keys``); absent keys keep their defaults.
        ///
        /// - Throws: ``TaskError`` for an unknown key or a value that does not parse.
        public init(parameters: [String: String]) throws {
            let p = try EnvironmentParameters(parameters, context: CartPole.name, allowed: Self.keys)
            self.init(integrator: try p.choice("integrator", default: .euler),
                      suttonBartoReward: try p.bool("sutton_barto_reward", default: false),
                      stepLimit: try p.int("step_limit", default: 500),
                      resetBound: try p.double("reset_bound", default: 0.05))
        }

        /// Checks `step_limit ≥ 1` and `reset_bound ≥ 0`.
        ///
        /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)``.
        public func validate() throws {
            try requireParameter(stepLimit >= 1, CartPole.name, "step_limit", stepLimit, "at least 1")
            try requireParameter(resetBound.isFinite && resetBound >= 0, CartPole.name, "reset_bound", resetBound,
                                 "finite and ≥ 0")
        }
    }

    // Gymnasium's constants, and the two it derives from them, computed the same way.
    static let gravity = 9.8
    static let massCart = 1.0
    static let massPole = 0.1
    static let totalMass = massPole + massCart
    static let length = 0.5
    static let poleMassLength = massPole * length
    static let forceMagnitude = 10.0
    static let tau = 0.02
    /// 12° in radians, computed as Gymnasium does.
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    /// The cart's position limit, in m.
    public static let xThreshold = 2.4

    /// The options this environment was made with.
    public let options: Options

    public let observationSize = 4
    public let actionCount = 2
    public var dt: Double { Self.tau }
    public var stepLimit: Int { options.stepLimit }
    public let stateNames = ["x", "x_dot", "theta", "theta_dot"]
    public var state: [Double] { [x, xDot, theta, thetaDot] }
    public private(set) var observation: [Double]
    public private(set) var elapsedSteps = 0
    public private(set) var isEpisodeOver = false

    private var x = 0.0, xDot = 0.0, theta = 0.0, thetaDot = 0.0

    /// A cart-pole at rest at the origin; call a `reset` method to start an episode.
    ///
    /// - Throws: the errors of ``Options/validate()``.
    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
        observation = [0, 0, 0, 0]
    }

    @discardableResult
    public func reset(rng: RandomGenerator) -> [Double] {
        // numpy's uniform(low, high, 4): low + (high − low)·u, in state order.
        let low = -options.resetBound, width = 2 * options.resetBound
        x = low + width * rng.uniform()
        xDot = low + width * rng.uniform()
        theta = low + width * rng.uniform()
        thetaDot = low + width * rng.uniform()
        startEpisode()
        return observation
    }

    @discardableResult
    public func reset(state: [Double], rng: RandomGenerator?) throws -> [Double] {
        try EnvironmentChecks.checkState(state, names: stateNames, context: Self.name)
        (x, xDot, theta, thetaDot) = (state[0], state[1], state[2], state[3])
        startEpisode()
        return observation
    }

    private func startEpisode() {
        elapsedSteps = 0
        isEpisodeOver = false
        writeObservation()
    }

    public func step(_ action: Int) -> EnvironmentStep {
        EnvironmentChecks.checkStep(action, actionCount: actionCount, episodeOver: isEpisodeOver, name: Self.name)
        let force = action == 1 ? Self.forceMagnitude : -Self.forceMagnitude
        let cosTheta = cos(theta)
        let sinTheta = sin(theta)
        // Gymnasium's expressions, operation for operation (left to right as Python evaluates them).
        let temp = (force + Self.poleMassLength * (thetaDot * thetaDot) * sinTheta) / Self.totalMass
        let thetaAcc = (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.length * (4.0 / 3.0 - Self.massPole * (cosTheta * cosTheta) / Self.totalMass))
        let xAcc = temp - Self.poleMassLength * thetaAcc * cosTheta / Self.totalMass

        switch options.integrator {
        case .euler:
            x = x + Self.tau * xDot
            xDot = xDot + Self.tau * xAcc
            theta = theta + Self.tau * thetaDot
            thetaDot = thetaDot + Self.tau * thetaAcc
        case .semiImplicitEuler:
            xDot = xDot + Self.tau * xAcc
            x = x + Self.tau * xDot
            thetaDot = thetaDot + Self.tau * thetaAcc
            theta = theta + Self.tau * thetaDot
        }

        let terminated = x < -Self.xThreshold || x > Self.xThreshold
            || theta < -Self.thetaThreshold || theta > Self.thetaThreshold
        let reward: Double
        if options.suttonBartoReward {
            reward = terminated ? -1 : 0
        } else {
            reward = 1
        }
        elapsedSteps += 1
        let truncated = elapsedSteps >= options.stepLimit
        isEpisodeOver = terminated || truncated
        writeObservation()
        return EnvironmentStep(observation: observation, reward: reward, terminated: terminated, truncated: truncated)
    }

    private func writeObservation() {
        observation[0] = x
        observation[1] = xDot
        observation[2] = theta
        observation[3] = thetaDot
    }
}
