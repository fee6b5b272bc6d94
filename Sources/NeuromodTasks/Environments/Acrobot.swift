import Foundation
import Neuromod

/// Acrobot-v1: swing the tip of a two-link pendulum above a line by torquing its middle joint —
/// Gymnasium's `classic_control/acrobot.py` (Sutton 1996; Sutton & Barto 1998, dynamics "book")
/// step for step.
///
/// Two links hang from a fixed pivot; only the joint between them is actuated. θ₁ is the first
/// link's angle from straight down, θ₂ the second link's angle relative to the first. With
/// action a ∈ {0, 1, 2} the torque is τ = a − 1 ∈ {−1, 0, +1} N·m, held for ``dt`` = 0.2 s. One step
/// integrates the equations of motion (Sutton & Barto 1998, §11.3)
///
///     d₁ = m₁l_c1² + m₂(l₁² + l_c2² + 2l₁l_c2 cos θ₂) + I₁ + I₂
///     d₂ = m₂(l_c2² + l₁l_c2 cos θ₂) + I₂
///     φ₂ = m₂l_c2 g cos(θ₁ + θ₂ − π/2)
///     φ₁ = −m₂l₁l_c2 θ̇₂² sin θ₂ − 2m₂l₁l_c2 θ̇₂θ̇₁ sin θ₂ + (m₁l_c1 + m₂l₁) g cos(θ₁ − π/2) + φ₂
///     θ̈₂ = (τ + d₂/d₁ φ₁ − m₂l₁l_c2 θ̇₁² sin θ₂ − φ₂) / (m₂l_c2² + I₂ − d₂²/d₁)    ("book")
///     θ̈₁ = −(d₂θ̈₂ + φ₁) / d₁
///
/// with one classical Runge–Kutta step of h = 0.2 s over the state augmented with the torque (as
/// Gymnasium's `rk4` with `t = [0, dt]`; the torque's derivative is 0, so it stays constant). Then
/// θ₁, θ₂ are wrapped into [−π, π] (Gymnasium's `wrap`: subtract or add 2π while outside, so π itself
/// stays π) and θ̇₁, θ̇₂ are clipped to ±4π and ±9π rad/s. Every operation is written in Gymnasium's
/// order, so a step from the same state gives the same numbers to the last bit on the same libm (see
/// `scripts/gymnasium_crosscheck.py`).
///
/// | constant | value |
/// | --- | --- |
/// | link lengths l₁, l₂ | 1 m |
/// | link masses m₁, m₂ | 1 kg |
/// | centres of mass l_c1, l_c2 | 0.5 m |
/// | moments of inertia I₁, I₂ | 1 kg·m² |
/// | gravity g | 9.8 m/s² |
/// | velocity limits | θ̇₁ ∈ [−4π, 4π], θ̇₂ ∈ [−9π, 9π] rad/s |
/// | ``dt`` | 0.2 s |
///
/// | option (``Options``) | meaning | default |
/// | --- | --- | --- |
/// | `dynamics` | `book` (θ̈₂ with the −m₂l₁l_c2 θ̇₁² sin θ₂ term) or `nips` (without it, as in Sutton 1996) | `book` |
/// | `step_limit` | time limit in steps | 500 (Acrobot-v1) |
/// | `reset_bound` | the reset draws every state value uniformly in [−b, b), stored as `float32` | 0.1 |
///
/// State: (θ₁, θ₂, θ̇₁, θ̇₂) in rad and rad/s. Observation: (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂)
/// (Gymnasium returns it as `float32`; here it is `Double`). Terminated when the tip is more than one
/// link length above the pivot after the step: −cos θ₁ − cos(θ₂ + θ₁) > 1. Reward: −1 per step, 0 on
/// the terminating step. Truncated: the step that reaches `step_limit` (as Gymnasium's `TimeLimit`).
/// Gymnasium's optional torque noise (`torque_noise_max`, 0 in Acrobot-v1) is not modelled.
public final class Acrobot: Environment {
    public static let name = "acrobot"

    /// Which form of the second joint's acceleration to integrate.
    public enum Dynamics: String, CaseIterable, Sendable {
        /// Sutton & Barto's book and the Java implementation (Gymnasium's default).
        case book
        /// Sutton 1996 (NIPS), which omits the −m₂l₁l_c2 θ̇₁² sin θ₂ term of θ̈₂.
        case nips
    }

    /// Acrobot's configurable parameters; the physical constants are fixed (see ``Acrobot``).
    public struct Options: Sendable, Equatable {
        /// The equations of motion (default: book).
        public var dynamics: Dynamics
        /// The time limit in steps (Acrobot-v1: 500).
        public var stepLimit: Int
        /// The reset draws θ₁, θ₂, θ̇₁, θ̇₂ uniformly in [−resetBound, resetBound) (Gymnasium: 0.1).
        public var resetBound: Double

        /// The option keys of ``init(parameters:)``.
        public static let keys = ["dynamics", "step_limit", "reset_bound"]

        /// Acrobot-v1's settings unless overridden.
        public init(dynamics: Dynamics = .book, stepLimit: Int = 500, resetBound: Double = 0.1) {
            self.dynamics = dynamics
            self.stepLimit = stepLimit
            self.resetBound = resetBound
        }

        /// Options from `key=value` text (keys: ``keys``); absent keys keep their defaults.
        ///
        /// - Throws: ``TaskError`` for an unknown key or a value that does not parse.
        public init(parameters: [String: String]) throws {
            let p = try EnvironmentParameters(parameters, context: Acrobot.name, allowed: Self.keys)
            self.init(dynamics: try p.choice("dynamics", default: .book),
                      stepLimit: try p.int("step_limit", default: 500),
                      resetBound: try p.double("reset_bound", default: 0.1))
        }

        /// Checks `step_limit ≥ 1` and `reset_bound ≥ 0`.
        ///
        /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)``.
        public func validate() throws {
            try requireParameter(stepLimit >= 1, Acrobot.name, "step_limit", stepLimit, "at least 1")
            try requireParameter(resetBound.isFinite && resetBound >= 0, Acrobot.name, "reset_bound", resetBound,
                                 "finite and ≥ 0")
        }
    }

    // Gymnasium's class constants.
    static let linkLength1 = 1.0
    static let linkMass1 = 1.0, linkMass2 = 1.0
    static let linkCOM1 = 0.5, linkCOM2 = 0.5
    static let linkMOI = 1.0
    static let gravity = 9.8
    /// θ̇₁'s limit, 4π rad/s.
    public static let maxVelocity1 = 4 * Double.pi
    /// θ̇₂'s limit, 9π rad/s.
    public static let maxVelocity2 = 9 * Double.pi
    /// The torque of each action, N·m.
    public static let torques: [Double] = [-1, 0, 1]
    static let timeStep = 0.2
    // Python's `l1**2`, `lc1**2`, `lc2**2` (libm's pow; exact for these constants).
    static let l1Squared = libmPow(linkLength1, 2)
    static let lc1Squared = libmPow(linkCOM1, 2)
    static let lc2Squared = libmPow(linkCOM2, 2)

    /// The options this environment was made with.
    public let options: Options

    public let observationSize = 6
    public let actionCount = 3
    public var dt: Double { Self.timeStep }
    public var stepLimit: Int { options.stepLimit }
    public let stateNames = ["theta1", "theta2", "theta1_dot", "theta2_dot"]
    public var state: [Double] { [theta1, theta2, theta1Dot, theta2Dot] }
    public private(set) var observation: [Double]
    public private(set) var elapsedSteps = 0
    public private(set) var isEpisodeOver = false

    private var theta1 = 0.0, theta2 = 0.0, theta1Dot = 0.0, theta2Dot = 0.0

    /// An acrobot hanging at rest; call a `reset` method to start an episode.
    ///
    /// - Throws: the errors of ``Options/validate()``.
    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
        observation = [Double](repeating: 0, count: 6)
    }

    /// The tip is more than one link length above the pivot: −cos θ₁ − cos(θ₂ + θ₁) > 1.
    public var isTerminal: Bool { -cos(theta1) - cos(theta2 + theta1) > 1.0 }

    @discardableResult
    public func reset(rng: RandomGenerator) -> [Double] {
        // numpy's uniform(low, high, 4).astype(float32): low + (high − low)·u, rounded to float32.
        let low = -options.resetBound, width = 2 * options.resetBound
        theta1 = Double(Float(low + width * rng.uniform()))
        theta2 = Double(Float(low + width * rng.uniform()))
        theta1Dot = Double(Float(low + width * rng.uniform()))
        theta2Dot = Double(Float(low + width * rng.uniform()))
        startEpisode()
        return observation
    }

    @discardableResult
    public func reset(state: [Double], rng: RandomGenerator?) throws -> [Double] {
        try EnvironmentChecks.checkState(state, names: stateNames, context: Self.name)
        (theta1, theta2, theta1Dot, theta2Dot) = (state[0], state[1], state[2], state[3])
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
        let torque = Self.torques[action]
        var s = (theta1, theta2, theta1Dot, theta2Dot)
        s = rungeKuttaStep(s, torque: torque)
        theta1 = Self.wrap(s.0, -Double.pi, Double.pi)
        theta2 = Self.wrap(s.1, -Double.pi, Double.pi)
        theta1Dot = Self.bound(s.2, -Self.maxVelocity1, Self.maxVelocity1)
        theta2Dot = Self.bound(s.3, -Self.maxVelocity2, Self.maxVelocity2)

        let terminated = isTerminal
        elapsedSteps += 1
        let truncated = elapsedSteps >= options.stepLimit
        isEpisodeOver = terminated || truncated
        writeObservation()
        return EnvironmentStep(observation: observation, reward: terminated ? 0 : -1, terminated: terminated,
                               truncated: truncated)
    }

    private func writeObservation() {
        observation[0] = cos(theta1)
        observation[1] = sin(theta1)
        observation[2] = cos(theta2)
        observation[3] = sin(theta2)
        observation[4] = theta1Dot
        observation[5] = theta2Dot
    }

    typealias State = (Double, Double, Double, Double)

    /// Gymnasium's `rk4(derivs, y0, [0, dt])`: k₁ = f(y), k₂ = f(y + h/2·k₁), k₃ = f(y + h/2·k₂),
    /// k₄ = f(y + h·k₃), y' = y + h/6·(k₁ + 2k₂ + 2k₃ + k₄), elementwise in numpy's order.
    private func rungeKuttaStep(_ y: State, torque: Double) -> State {
        let h = Self.timeStep  // t[1] − t[0] = dt − 0 = dt exactly
        let h2 = h / 2.0
        let k1 = derivatives(y, torque: torque)
        let k2 = derivatives((y.0 + h2 * k1.0, y.1 + h2 * k1.1, y.2 + h2 * k1.2, y.3 + h2 * k1.3), torque: torque)
        let k3 = derivatives((y.0 + h2 * k2.0, y.1 + h2 * k2.1, y.2 + h2 * k2.2, y.3 + h2 * k2.3), torque: torque)
        let k4 = derivatives((y.0 + h * k3.0, y.1 + h * k3.1, y.2 + h * k3.2, y.3 + h * k3.3), torque: torque)
        let c = h / 6.0
        return (y.0 + c * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
                y.1 + c * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
                y.2 + c * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2),
                y.3 + c * (k1.3 + 2 * k2.3 + 2 * k3.3 + k4.3))
    }

    /// Gymnasium's `_dsdt`: (θ̇₁, θ̇₂, θ̈₁, θ̈₂) at `s` under `torque`, each product and sum in the
    /// order Python evaluates it, and every `x**2` as libm's `pow(x, 2)` (see ``libmPow(_:_:)``).
    private func derivatives(_ s: State, torque a: Double) -> State {
        let m1 = Self.linkMass1, m2 = Self.linkMass2
        let l1 = Self.linkLength1
        let lc1 = Self.linkCOM1, lc2 = Self.linkCOM2
        let i1 = Self.linkMOI, i2 = Self.linkMOI
        let g = Self.gravity
        let (theta1, theta2, dtheta1, dtheta2) = s
        let lc1Squared = Self.lc1Squared, lc2Squared = Self.lc2Squared, l1Squared = Self.l1Squared
        let cos2 = cos(theta2), sin2 = sin(theta2)
        let d1 = m1 * lc1Squared + m2 * (l1Squared + lc2Squared + 2 * l1 * lc2 * cos2) + i1 + i2
        let d2 = m2 * (lc2Squared + l1 * lc2 * cos2) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * libmPow(dtheta2, 2) * sin2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2: Double
        switch options.dynamics {
        case .book:
            ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * libmPow(dtheta1, 2) * sin2 - phi2)
                / (m2 * lc2Squared + i2 - libmPow(d2, 2) / d1)
        case .nips:
            ddtheta2 = (a + d2 / d1 * phi1 - phi2) / (m2 * lc2Squared + i2 - libmPow(d2, 2) / d1)
        }
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return (dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// Gymnasium's `wrap(x, m, M)`: subtracts M − m while x > M, adds it while x < m.
    static func wrap(_ x: Double, _ m: Double, _ M: Double) -> Double {
        let diff = M - m
        var x = x
        while x > M { x = x - diff }
        while x < m { x = x + diff }
        return x
    }

    /// Gymnasium's `bound(x, m, M)`: `min(max(x, m), M)`.
    static func bound(_ x: Double, _ m: Double, _ M: Double) -> Double {
        min(max(x, m), M)
    }
}

/// libm's `pow(x, y)`, kept as a call: Python's `x**2` (float or NumPy float64) is `pow(x, 2.0)`,
/// which glibc rounds differently from the exact-then-rounded `x * x` for about 1 argument in 1000
/// (by 1 ulp). The optimizer rewrites a literal `pow(x, 2)` into `x * x`; a non-inlinable function
/// with public linkage hides the constant exponent from it, so Acrobot stays bitwise equal to
/// Gymnasium in release builds too.
@usableFromInline @inline(never)
func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
