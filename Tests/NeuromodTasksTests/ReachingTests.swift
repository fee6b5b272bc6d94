import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct ReachingTests {
    /// Actions 0, 1, 2 move by −v·dt, 0, +v·dt (v = 1, dt = 0.01) and each step's reward is
    /// −|g − p| at the new position.
    @Test func actionsMoveTheHandAndRewardIsTheNewDistance() throws {
        let env = try Reaching()
        #expect(try env.reset(state: [0, 0.5]) == [0, 0.5])
        let right = env.step(2)
        #expect(env.position == 0.01 && right.observation == [0.01, 0.5])
        #expect(right.reward == -abs(0.5 - 0.01))
        let stay = env.step(1)
        #expect(env.position == 0.01 && stay.reward == right.reward)
        let left = env.step(0)
        #expect(env.position == 0.01 - 0.01 && left.reward == -0.5)
        #expect(!left.terminated && !left.truncated)
    }

    @Test func theHandStopsAtTheWorkspaceEdge() throws {
        let env = try Reaching(options: .init(speed: 2))
        try env.reset(state: [0.995, 1])
        let step = env.step(2)
        #expect(env.position == 1 && step.reward == 0)
        try env.reset(state: [-0.999, 0])
        _ = env.step(0)
        #expect(env.position == -1)
    }

    /// No terminal state: the 100th step (1 s at dt = 0.01) is truncated and none before it ends the episode.
    @Test func episodesAreTruncatedAfter100Steps() throws {
        let env = try Reaching()
        #expect(env.stepLimit == 100 && env.dt == 0.01)
        try env.reset(state: [0, -0.3])
        for t in 1...100 {
            let result = env.step(0)
            #expect(!result.terminated)
            #expect(result.truncated == (t == 100))
        }
        // 100 steps of −0.01 from 0 reach the left edge (up to rounding of the repeated sums).
        #expect(abs(env.position - -1) < 1e-12)
    }

    /// The target is drawn uniformly in [−1, 1) and the hand starts at 0; the same stream gives the same target.
    @Test func randomResetDrawsTheTarget() throws {
        let env = try Reaching(), twin = try Reaching()
        let rng = try RandomGenerator(.taus2, seed: 5, stream: 0)
        let same = try RandomGenerator(.taus2, seed: 5, stream: 0)
        var targets: [Double] = []
        for _ in 0..<1000 {
            let observation = env.reset(rng: rng)
            #expect(observation == [0, env.target] && twin.reset(rng: same) == observation)
            targets.append(env.target)
        }
        #expect(targets.allSatisfy { $0 >= -1 && $0 < 1 })
        // Mean of 1000 uniform draws on [−1, 1): standard error 0.018; 5 standard errors.
        #expect(abs(targets.reduce(0, +) / 1000) < 0.09)
        #expect(targets.min()! < -0.99 && targets.max()! > 0.99)
    }

    @Test func invalidStatesAndOptionsAreRejected() throws {
        let env = try Reaching()
        let outside = #expect(throws: TaskError.self) { try env.reset(state: [0, 1.5]) }
        #expect(outside?.description == "reaching: target = 1.5 is invalid, it must be in the workspace [−1.0, 1.0]")
        #expect(throws: TaskError.self) { try env.reset(state: [0]) }
        let dt = #expect(throws: TaskError.self) { try Reaching(options: .init(dt: 0)) }
        #expect(dt?.description == "reaching: dt = 0.0 is invalid, it must be finite and > 0")
        #expect(throws: TaskError.self) { try Reaching(options: .init(speed: -1)) }
        #expect(throws: TaskError.self) { try Reaching(options: .init(steps: 0)) }
        #expect(throws: TaskError.self) { try Reaching(options: .init(bound: .infinity)) }
        #expect(try Reaching.Options(parameters: ["dt": "0.02", "speed": "0.5", "steps": "50", "bound": "2"])
                == Reaching.Options(dt: 0.02, speed: 0.5, steps: 50, bound: 2))
    }
}
