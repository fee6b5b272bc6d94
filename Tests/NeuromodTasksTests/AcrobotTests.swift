import Foundation
import Neuromod
import Testing
@testable import NeuromodTasks

/// Acrobot against Gymnasium 1.4.0's `Acrobot-v1` (NumPy 2.4.6, glibc, x86-64).
///
/// The reference numbers are printed by `scripts/gymnasium_crosscheck.py literals` (Gymnasium is needed
/// only by that script): each trajectory starts from an exact float64 state set on
/// `env.unwrapped.state` after `reset()`, and lists `env.unwrapped.state` after each step.
@Suite struct AcrobotTests {
    static let start: [Double] = [0.05, -0.03, 0.02, -0.04]
    static let actions = [0, 1, 2, 2, 0]

    @Test func bookDynamicsMatchGymnasium() throws {
        try expectTrajectory(Acrobot(), from: Self.start, actions: Self.actions, [
            ReferenceStep([0.06042203947823063, -0.06418636053585115, 0.08090208389852636, -0.29406890127605856], -1, false, false),
            ReferenceStep([0.06703951691535864, -0.10826402690544398, -0.017270094064516794, -0.13840391216713954], -1, false, false),
            ReferenceStep([0.04021175516608175, -0.0835984526019701, -0.24452913833373188, 0.37624666907511617], -1, false, false),
            ReferenceStep([-0.025876328511857935, 0.03408121482841345, -0.39904650838790456, 0.7695229624374508], -1, false, false),
            ReferenceStep([-0.08436222498492824, 0.1398351037223744, -0.1712270674794301, 0.2618974576887304], -1, false, false),
        ])
    }

    @Test func nipsDynamicsMatchGymnasium() throws {
        let env = try Acrobot(options: .init(dynamics: .nips))
        try expectTrajectory(env, from: Self.start, actions: Self.actions, [
            ReferenceStep([0.06042259364798137, -0.06418778681203205, 0.08091181189731876, -0.2940940254783558], -1, false, false),
            ReferenceStep([0.06704314477020089, -0.10827351635268054, -0.01725430885791615, -0.1384463167304628], -1, false, false),
            ReferenceStep([0.04022712796154636, -0.08363886994309375, -0.24438030241177588, 0.37585619358192124], -1, false, false),
            ReferenceStep([-0.025807236917502765, 0.03389878420174984, -0.3987911993511629, 0.7688274994512148], -1, false, false),
            ReferenceStep([-0.0843082582637793, 0.13967809812994642, -0.17160744947351456, 0.2627864066728852], -1, false, false),
        ])
    }

    /// θ₁ leaves [−π, π] above π in step 1 and θ₂ in step 2; both come back by −2π.
    @Test func anglesWrapFromAbove() throws {
        try expectTrajectory(Acrobot(), from: [3.0, 0.5, 6.0, -27.0], actions: [2, 2], [
            ReferenceStep([-2.469829143542173, 1.6637492750146574, -1.2006053292939942, -20.616478768508014], -1, false, false),
            ReferenceStep([-2.7355547752972873, -2.0606284177104475, -7.656349719314603, -7.548560350019949], -1, false, false),
        ])
    }

    /// Step 1 wraps θ₁ from below −π and clips θ̇₁ at −4π; step 2 lifts the tip above the line, which
    /// terminates with reward 0.
    @Test func velocitiesAreClippedAndTheTerminatingStepEarnsZero() throws {
        let env = try Acrobot()
        try expectTrajectory(env, from: [-3.0, 0.2, -14.0, 30.0], actions: [0, 0], [
            ReferenceStep([0.6132113258979075, -0.482887403304189, -12.566370614359172, 26.733362804369694], -1, false, false),
            ReferenceStep([-1.7046289449326064, -1.882917437851491, -8.661393117273365, 17.70661876911321], 0, true, false),
        ])
        #expect(env.isEpisodeOver && env.isTerminal)
        try expectTrajectory(env, from: [-3.0, 0.2, -14.0, -30.0], actions: [0], [
            ReferenceStep([-3.1128215789776776, 0.8906080083089485, 12.566370614359172, -28.274333882308138], 0, true, false),
        ])
        #expect(env.state[2] == Acrobot.maxVelocity1 && env.state[3] == -Acrobot.maxVelocity2)
    }

    @Test func swingingUpTerminates() throws {
        try expectTrajectory(Acrobot(), from: [1.9, 0.0, 3.0, 0.0], actions: [1], [
            ReferenceStep([2.3930606070822478, 0.08175475558471589, 1.9904933936011786, 0.7725781292413492], 0, true, false),
        ])
    }

    /// Gymnasium squares with Python's `x**2`, i.e. libm's `pow(x, 2)`, which differs from `x * x` by
    /// an ulp for about one argument in 1000. From this state (step 55 of the 500-step episode below)
    /// it shows in θ̇₂: `x * x` would give −0.37109624451892148. The tolerance passes either; on Linux
    /// the bitwise check tells them apart.
    @Test func squaresAreLibmPowLikePython() throws {
        try expectTrajectory(Acrobot(), from: [-0.007250695681297166, -0.039055121783103865, 0.19464344570811148,
                                               -0.47085235973819944], actions: [1], [
            ReferenceStep([0.029606532415799233, -0.12528538729273125, 0.1638686859346678, -0.3710962445189214], -1, false, false),
        ])
    }

    /// Actions (7t + 3) mod 3 for 500 steps never lift the tip: the 500th step is truncated and the
    /// final state is Gymnasium's (1e-9 allows an ulp of another libm to grow over 500 steps; on Linux
    /// the match is bitwise).
    @Test func episodeIsTruncatedAt500Steps() throws {
        let env = try Acrobot()
        #expect(env.stepLimit == 500)
        try env.reset(state: Self.start)
        for t in 0..<500 {
            let result = env.step((7 * t + 3) % 3)
            #expect(!result.terminated && result.reward == -1, "step \(t + 1)")
            #expect(result.truncated == (t == 499), "step \(t + 1) truncated = \(result.truncated)")
        }
        #expect(env.isEpisodeOver)
        expectMatchesGymnasium(env.state, [-0.025765545728312182, 0.1111512471485929, 0.12163126884002783,
                                           -0.2910658919442092], tolerance: 1e-9, "state after 500 steps")
    }

    @Test func observationIsCosSinOfTheAnglesAndTheVelocities() throws {
        let env = try Acrobot()
        let state = [0.3, -1.2, 2.5, -7.0]
        let observation = try env.reset(state: state)
        #expect(observation == [cos(0.3), sin(0.3), cos(-1.2), sin(-1.2), 2.5, -7.0])
        #expect(env.observationSize == 6 && env.actionCount == 3 && env.dt == 0.2)
    }

    /// Gymnasium wraps by whole turns while outside [−π, π]: π itself stays, 3π → π, −3π − 0.5 → −π − 0.5 + 2π.
    @Test func wrapFollowsGymnasium() {
        #expect(Acrobot.wrap(Double.pi, -Double.pi, Double.pi) == Double.pi)
        #expect(Acrobot.wrap(3 * Double.pi, -Double.pi, Double.pi) == 3 * Double.pi - 2 * Double.pi)
        #expect(Acrobot.wrap(-7.0, -Double.pi, Double.pi) == -7.0 + 2 * Double.pi)
        #expect(Acrobot.bound(50, -1, 1) == 1 && Acrobot.bound(-50, -1, 1) == -1 && Acrobot.bound(0.5, -1, 1) == 0.5)
    }

    /// Resets draw each value uniformly in [−0.1, 0.1) and store it as float32, as Gymnasium does, so
    /// every value is a float32 and |value| ≤ Float(0.1).
    @Test func randomResetIsFloat32WithinBoundsAndDeterministic() throws {
        let env = try Acrobot(), twin = try Acrobot()
        let rng = try RandomGenerator(.taus2, seed: 3, stream: 0)
        let same = try RandomGenerator(.taus2, seed: 3, stream: 0)
        var low = Double.infinity, high = -Double.infinity
        for _ in 0..<500 {
            let observation = env.reset(rng: rng)
            #expect(twin.reset(rng: same) == observation && twin.state == env.state)
            for value in env.state {
                #expect(Double(Float(value)) == value)
                #expect(abs(value) <= Double(Float(0.1)))
            }
            low = min(low, env.state.min()!)
            high = max(high, env.state.max()!)
        }
        #expect(low < -0.098 && high > 0.098)
    }

    @Test func wrongStatesAndOptionsAreRejected() throws {
        let env = try Acrobot()
        let long = #expect(throws: TaskError.self) { try env.reset(state: [0, 0, 0, 0, 0]) }
        #expect(long?.description == "acrobot: state = [0.0, 0.0, 0.0, 0.0, 0.0] is invalid, it must be 4 values "
                + "(theta1, theta2, theta1_dot, theta2_dot), got 5")
        #expect(throws: TaskError.self) { try env.reset(state: [0, .infinity, 0, 0]) }
        let dynamics = #expect(throws: TaskError.self) { try Acrobot.Options(parameters: ["dynamics": "paper"]) }
        #expect(dynamics?.description == "acrobot: dynamics = paper is invalid, it must be one of book, nips")
        #expect(try Acrobot.Options(parameters: ["step_limit": "100", "reset_bound": "0.2"])
                == Acrobot.Options(stepLimit: 100, resetBound: 0.2))
    }
}
