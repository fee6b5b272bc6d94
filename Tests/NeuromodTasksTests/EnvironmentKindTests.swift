import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct EnvironmentKindTests {
    @Test(arguments: EnvironmentKind.allCases)
    func eachKindMakesItsEnvironment(kind: EnvironmentKind) throws {
        let env = try EnvironmentKind(name: kind.rawValue).make()
        #expect(type(of: env).name == kind.rawValue && env.name == kind.rawValue)
        #expect(type(of: env) == kind.type)
        #expect(env.stateNames.count == env.state.count)
        // One random episode: observations keep their size, and the episode ends within the time limit.
        let observation = env.reset(rng: try RandomGenerator(.taus2, seed: 2, stream: 0))
        #expect(observation.count == env.observationSize)
        var steps = 0
        var last: EnvironmentStep
        repeat {
            last = env.step(steps % env.actionCount)
            steps += 1
            #expect(last.observation.count == env.observationSize && env.elapsedSteps == steps)
        } while !last.isEpisodeEnd
        #expect(steps <= env.stepLimit && env.isEpisodeOver)
        // Resetting to a state taken during an episode reproduces it, and the same step follows.
        let rng = try RandomGenerator(.taus2, seed: 2, stream: 1)
        env.reset(rng: rng)
        _ = env.step(0)
        let state = env.state
        let next = env.step(1)
        try env.reset(state: state, rng: rng)
        #expect(env.state == state && env.elapsedSteps == (kind == .cueDelayReward ? 1 : 0))
        #expect(env.step(1) == next)
    }

    @Test func namesAreTheDocumentedOnes() {
        #expect(EnvironmentKind.allCases.map(\.rawValue) == ["cartpole", "acrobot", "reaching", "cue-delay-reward"])
    }

    @Test func unknownNamesAndOptionsAreNamed() throws {
        let name = #expect(throws: TaskError.self) { try EnvironmentKind(name: "pendulum") }
        #expect(name?.description
                == "unknown environment 'pendulum'; environments: cartpole, acrobot, reaching, cue-delay-reward")
        let option = #expect(throws: TaskError.self) {
            try EnvironmentKind.reaching.make(parameters: ["speed": "2", "velocity": "3"])
        }
        #expect(option?.description == "reaching: unknown option 'velocity'; options: dt, speed, steps, bound")
        let value = #expect(throws: TaskError.self) { try EnvironmentKind.cartPole.make(parameters: ["step_limit": "ten"]) }
        #expect(value?.description == "cartpole: step_limit = ten is invalid, it must be an integer")
        let range = #expect(throws: TaskError.self) {
            try EnvironmentKind.cueDelayReward.make(parameters: ["delay": "-1"])
        }
        #expect(range?.description == "cue-delay-reward: delay = -1.0 is invalid, it must be finite and ≥ 0 (seconds)")
    }

    @Test func parametersReachTheEnvironment() throws {
        let env = try EnvironmentKind.cartPole.make(parameters: ["integrator": "semi-implicit-euler", "step_limit": "7"])
        let cartPole = try #require(env as? CartPole)
        #expect(cartPole.options.integrator == .semiImplicitEuler && env.stepLimit == 7)
        #expect(EnvironmentKind.acrobot.optionKeys == Acrobot.Options.keys)
        let trial = try EnvironmentKind.cueDelayReward.make(parameters: ["distractors": "3"])
        #expect(trial.observationSize == 6)
    }
}
