import Neuromod
import Testing
@testable import NeuromodTasks

/// CartPole against Gymnasium 1.4.0's `CartPole-v1` (NumPy 2.4.6, glibc, x86-64).
///
/// The reference numbers are printed by `scripts/gymnasium_crosscheck.py literals` (Gymnasium is needed
/// only by that script): each trajectory starts from an exact float64 state set on
/// `env.unwrapped.state` after `reset()`, and lists `env.unwrapped.state` (float64, not the float32
/// observation), the reward and the flags after each step.
@Suite struct CartPoleTests {
    static let start: [Double] = [0.01, -0.02, 0.03, 0.04]
    static let actions = [1, 0, 0, 1, 1]

    @Test func eulerStepsMatchGymnasium() throws {
        try expectTrajectory(CartPole(), from: Self.start, actions: Self.actions, [
            ReferenceStep([0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081], 1, false, false),
            ReferenceStep([0.013093583914951107, -0.020868848948191993, 0.025938625640799837, 0.0591679999394166], 1, false, false),
            ReferenceStep([0.012676206935987267, -0.21635292104612766, 0.02712198563958817, 0.3599205713784138], 1, false, false),
            ReferenceStep([0.008349148515064714, -0.021626799199488206, 0.03432039706715644, 0.0759116989474441], 1, false, false),
            ReferenceStep([0.00791661253107495, 0.17298676004769037, 0.035838631046105324, -0.20574851582677406], 1, false, false),
        ])
    }

    @Test func semiImplicitEulerStepsMatchGymnasium() throws {
        let env = try CartPole(options: .init(integrator: .semiImplicitEuler))
        try expectTrajectory(env, from: Self.start, actions: Self.actions, [
            ReferenceStep([0.013493583914951104, 0.17467919574755525, 0.025138625640799838, -0.2430687179600081], 1, false, false),
            ReferenceStep([0.013077731062131533, -0.020792642640978548, 0.026287353153566204, 0.05743637563831824], 1, false, false),
            ReferenceStep([0.008752102011325025, -0.21628145254032538, 0.03345327060060758, 0.3582958723520686], 1, false, false),
            ReferenceStep([0.008319088910986833, -0.021650655016909603, 0.03498019959304483, 0.07634644962186271], 1, false, false),
            ReferenceStep([0.011778145324567231, 0.17295282067901985, 0.030878237374475932, -0.205098110928445], 1, false, false),
        ])
    }

    /// x = 2.39 + 0.02·1.0 = 2.41 > 2.4: the first step terminates and still earns +1.
    @Test func leavingTheTrackTerminatesWithReward1() throws {
        let env = try CartPole()
        try expectTrajectory(env, from: [2.39, 1.0, 0.0, 0.0], actions: [1], [
            ReferenceStep([2.41, 1.1951219512195121, 0.0, -0.2926829268292683], 1, true, false),
        ])
        #expect(env.isEpisodeOver)
    }

    /// θ = 0.2 + 0.02·1 = 0.22 > 12° = 0.2094 rad.
    @Test func poleBeyond12DegreesTerminates() throws {
        try expectTrajectory(CartPole(), from: [0.0, 0.0, 0.2, 1.0], actions: [1], [
            ReferenceStep([0.0, 0.1919689517863068, 0.22, 0.776195252810284], 1, true, false),
        ])
        #expect(CartPole.thetaThreshold == 12 * 2 * Double.pi / 360)
    }

    @Test func suttonBartoRewardIsZeroThenMinusOneOnTermination() throws {
        let env = try CartPole(options: .init(suttonBartoReward: true))
        try env.reset(state: [2.3, 1.0, 0.0, 0.0])
        let first = env.step(1)  // x = 2.32
        #expect(first.reward == 0 && !first.terminated)
        var last = first
        while !last.isEpisodeEnd { last = env.step(1) }
        #expect(last.terminated && last.reward == -1)
    }

    /// A stabilizing controller (push toward the side the pole falls to; the same rule the script
    /// uses) keeps the pole up for 500 steps: the 500th step is truncated, none before ends the
    /// episode, and the final state is Gymnasium's. Over 500 steps a 1-ulp libm difference on another
    /// platform could grow, so the tolerance here is 1e-9; on Linux the match is bitwise.
    @Test func balancedEpisodeIsTruncatedAt500Steps() throws {
        let env = try CartPole()
        #expect(env.stepLimit == 500)
        try env.reset(state: Self.start)
        var last: EnvironmentStep?
        for t in 1...500 {
            let s = env.state
            let action = s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.1 * s[1] > 0 ? 1 : 0
            let result = env.step(action)
            #expect(!result.terminated, "step \(t) terminated")
            #expect(result.truncated == (t == 500), "step \(t) truncated = \(result.truncated)")
            #expect(result.reward == 1)
            last = result
        }
        #expect(last?.truncated == true && env.isEpisodeOver && env.elapsedSteps == 500)
        expectMatchesGymnasium(env.state, [1.3136904728097718, -0.028583468258281147, -0.00609418346573389,
                                           0.22933700664903878], tolerance: 1e-9, "state after 500 steps")
    }

    @Test func stepLimitOptionTruncatesEarlier() throws {
        let env = try CartPole(options: .init(stepLimit: 3))
        try env.reset(state: [0, 0, 0, 0])
        #expect(env.step(1).truncated == false)
        #expect(env.step(0).truncated == false)
        let third = env.step(1)
        #expect(third.truncated && !third.terminated && env.isEpisodeOver)
    }

    /// Resets draw each value uniformly in [−0.05, 0.05); the same stream gives the same states.
    @Test func randomResetIsWithinBoundsAndDeterministic() throws {
        let env = try CartPole(), twin = try CartPole()
        let rng = try RandomGenerator(.taus2, seed: 11, stream: 0)
        let same = try RandomGenerator(.taus2, seed: 11, stream: 0)
        let other = try RandomGenerator(.taus2, seed: 12, stream: 0)
        var low = Double.infinity, high = -Double.infinity
        for _ in 0..<500 {
            let observation = env.reset(rng: rng)
            #expect(observation == env.state)
            #expect(env.state.allSatisfy { $0 >= -0.05 && $0 < 0.05 })
            #expect(twin.reset(rng: same) == observation)
            #expect(env.elapsedSteps == 0 && !env.isEpisodeOver)
            low = min(low, env.state.min()!)
            high = max(high, env.state.max()!)
        }
        // 2000 uniform draws: the extremes lie within 0.001 of the bounds except with probability ~2e-9.
        #expect(low < -0.049 && high > 0.049)
        #expect(twin.reset(rng: other) != env.reset(rng: try RandomGenerator(.taus2, seed: 11, stream: 0)))
    }

    @Test func resetToAWrongStateThrowsAClearError() throws {
        let env = try CartPole()
        let short = #expect(throws: TaskError.self) { try env.reset(state: [1, 2]) }
        #expect(short?.description
                == "cartpole: state = [1.0, 2.0] is invalid, it must be 4 values (x, x_dot, theta, theta_dot), got 2")
        let nan = #expect(throws: TaskError.self) { try env.reset(state: [0, 0, .nan, 0]) }
        #expect(nan?.description == "cartpole: theta = nan is invalid, it must be finite")
    }

    /// A loop that lets each step's result go reuses one observation buffer (no allocation per step);
    /// a kept result keeps its own values (copy on write).
    @Test func stepsWriteTheObservationInPlaceAndKeptResultsStayValid() throws {
        let env = try CartPole()
        try env.reset(state: Self.start)
        let buffer = env.observation.withUnsafeBufferPointer { $0.baseAddress }
        for _ in 0..<5 { _ = env.step(1) }
        #expect(env.observation.withUnsafeBufferPointer { $0.baseAddress } == buffer)
        let kept = env.step(0)
        let keptValues = Array(kept.observation)
        _ = env.step(1)
        #expect(kept.observation == keptValues)
        #expect(env.observation != keptValues)
    }

    @Test func optionsParseFromText() throws {
        let options = try CartPole.Options(parameters: [
            "integrator": "semi-implicit-euler", "sutton_barto_reward": "true", "step_limit": "200", "reset_bound": "0.1",
        ])
        #expect(options == CartPole.Options(integrator: .semiImplicitEuler, suttonBartoReward: true, stepLimit: 200,
                                            resetBound: 0.1))
        let bad = #expect(throws: TaskError.self) { try CartPole.Options(parameters: ["integrator": "rk4"]) }
        #expect(bad?.description == "cartpole: integrator = rk4 is invalid, it must be one of euler, semi-implicit-euler")
        #expect(throws: TaskError.self) { try CartPole(options: .init(stepLimit: 0)) }
        #expect(throws: TaskError.self) { try CartPole(options: .init(resetBound: -1)) }
    }
}
