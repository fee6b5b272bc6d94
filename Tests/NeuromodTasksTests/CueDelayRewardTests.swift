import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct CueDelayRewardTests {
    /// cue 0.03 s, delay 0.02 s at dt 0.01: cue steps 0–2, go step 3, blank steps 4–5, reward from step 5.
    static let short = CueDelayReward.Options(cueDuration: 0.03, delay: 0.02)

    /// Runs a trial from `cue` with `actions` and returns the observations (initial one first) and rewards.
    func trial(_ env: CueDelayReward, cue: Int, actions: [Int]) throws -> (observations: [[Double]], steps: [EnvironmentStep]) {
        var observations = [try env.reset(state: [Double(cue), 0, -1])]
        var steps: [EnvironmentStep] = []
        for action in actions {
            let step = env.step(action)
            observations.append(step.observation)
            steps.append(step)
        }
        return (observations, steps)
    }

    @Test func phasesFollowTheTable() throws {
        let env = try CueDelayReward(options: Self.short)
        #expect(env.cueSteps == 3 && env.delaySteps == 2 && env.decisiveStep == 3 && env.rewardStep == 5)
        #expect(env.stepLimit == 6 && env.observationSize == 3 && env.actionCount == 2)
        let (observations, steps) = try trial(env, cue: 1, actions: [0, 0, 0, 1, 0, 0])
        #expect(observations == [[0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]])
        #expect(steps.map(\.reward) == [0, 0, 0, 0, 0, 1])
        #expect(steps.map(\.terminated) == [false, false, false, false, false, true])
        #expect(steps.allSatisfy { !$0.truncated })
        #expect(env.isEpisodeOver && env.lastDecisionCorrect == true && env.choice == 1)
    }

    @Test func theWrongDecisiveActionEarnsRewardWrong() throws {
        var options = Self.short
        options.rewardCorrect = 2
        options.rewardWrong = -0.5
        let env = try CueDelayReward(options: options)
        let (_, wrong) = try trial(env, cue: 0, actions: [0, 0, 0, 1, 0, 0])
        #expect(wrong.map(\.reward) == [0, 0, 0, 0, 0, -0.5] && env.lastDecisionCorrect == false)
        let (_, right) = try trial(env, cue: 0, actions: [1, 1, 1, 0, 1, 1])
        #expect(right.map(\.reward) == [0, 0, 0, 0, 0, 2] && env.lastDecisionCorrect == true)
    }

    /// Only the go step's action matters: every other action can be flipped without changing anything.
    @Test func otherStepsActionsHaveNoEffect() throws {
        let env = try CueDelayReward(options: Self.short)
        let a = try trial(env, cue: 1, actions: [0, 0, 0, 1, 0, 0])
        let b = try trial(env, cue: 1, actions: [1, 1, 1, 1, 1, 1])
        #expect(a.observations == b.observations && a.steps == b.steps)
    }

    @Test func delayZeroRewardsTheGoStepItself() throws {
        let env = try CueDelayReward(options: .init(cueDuration: 0, delay: 0))
        #expect(env.stepLimit == 1)
        let observation = try env.reset(state: [0, 0, -1])
        #expect(observation == [1, 0, 1])  // the go step shows the cue too
        let step = env.step(0)
        #expect(step.reward == 1 && step.terminated && step.observation == [0, 0, 0])
    }

    /// 0.3 / 0.01 = 29.999999999999996 in floating point: the step counts are rounded, not truncated.
    @Test func durationsAreRoundedToWholeSteps() throws {
        let env = try CueDelayReward(options: .init(dt: 0.01, cueDuration: 0.07, delay: 0.3))
        #expect(env.cueSteps == 7 && env.delaySteps == 30 && env.rewardStep == 37)
        let defaults = try CueDelayReward()
        #expect(defaults.cueSteps == 10 && defaults.delaySteps == 50 && defaults.dt == 0.01)
    }

    @Test func distractorsAreRandomBitsFromTheResetStream() throws {
        var options = Self.short
        options.distractors = 4
        let env = try CueDelayReward(options: options), twin = try CueDelayReward(options: options)
        #expect(env.observationSize == 7)
        var first = env.reset(rng: try RandomGenerator(.taus2, seed: 8, stream: 0))
        let twinFirst = twin.reset(rng: try RandomGenerator(.taus2, seed: 8, stream: 0))
        #expect(first == twinFirst && env.cue == twin.cue)
        var bits: [Double] = Array(first[3...])
        var differentStepsDiffer = false
        for _ in 0..<6 {
            let a = env.step(env.cue), b = twin.step(twin.cue)
            #expect(a == b)
            #expect(Array(a.observation[0..<3]) != [1, 1, 1])
            differentStepsDiffer = differentStepsDiffer || a.observation[3...] != first[3...]
            first = a.observation
            bits += a.observation[3...]
        }
        #expect(bits.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(differentStepsDiffer)
        // 28 fair bits: all equal with probability 2^-27.
        #expect(bits.contains(0) && bits.contains(1))

        let missing = #expect(throws: TaskError.self) { try env.reset(state: [0, 0, -1]) }
        #expect(missing?.description == "cue-delay-reward: random stream = none is invalid, it must be given: "
                + "the 4 distractor inputs are drawn from it every step")
    }

    @Test func randomResetDrawsBothCues() throws {
        let env = try CueDelayReward(options: Self.short)
        let rng = try RandomGenerator(.taus2, seed: 1, stream: 0)
        var counts = [0, 0]
        for _ in 0..<1000 {
            let observation = env.reset(rng: rng)
            counts[env.cue] += 1
            #expect(observation[env.cue] == 1 && observation[1 - env.cue] == 0 && env.choice == nil)
        }
        // Binomial(1000, 1/2): standard deviation 15.8; 5 standard deviations.
        #expect(abs(counts[0] - 500) < 80)
    }

    /// A state taken mid-trial and restored replays the rest of the trial.
    @Test func stateRoundTripsMidTrial() throws {
        let env = try CueDelayReward(options: Self.short)
        try env.reset(state: [1, 0, -1])
        for action in [0, 0, 0, 1] { _ = env.step(action) }
        #expect(env.state == [1, 4, 1])
        let other = try CueDelayReward(options: Self.short)
        #expect(try other.reset(state: env.state) == env.observation)
        #expect(other.step(0) == env.step(0) && other.step(0) == env.step(0))
        #expect(other.isEpisodeOver && env.isEpisodeOver)
    }

    @Test func invalidStatesAreRejected() throws {
        let env = try CueDelayReward(options: Self.short)
        let cue = #expect(throws: TaskError.self) { try env.reset(state: [2, 0, -1]) }
        #expect(cue?.description == "cue-delay-reward: cue = 2.0 is invalid, it must be 0 (cue A) or 1 (cue B)")
        let elapsed = #expect(throws: TaskError.self) { try env.reset(state: [0, 6, 1]) }
        #expect(elapsed?.description == "cue-delay-reward: elapsed = 6.0 is invalid, it must be a whole number of steps in 0..<6")
        #expect(throws: TaskError.self) { try env.reset(state: [0, 1.5, -1]) }
        #expect(throws: TaskError.self) { try env.reset(state: [0, 2, 0]) }   // choice before the go step
        #expect(throws: TaskError.self) { try env.reset(state: [0, 4, -1]) }  // no choice after it
        #expect(throws: TaskError.self) { try env.reset(state: [0, 0]) }
    }

    @Test func invalidOptionsAreRejected() throws {
        let delay = #expect(throws: TaskError.self) { try CueDelayReward(options: .init(delay: -0.1)) }
        #expect(delay?.description == "cue-delay-reward: delay = -0.1 is invalid, it must be finite and ≥ 0 (seconds)")
        let dt = #expect(throws: TaskError.self) { try CueDelayReward(options: .init(dt: 0)) }
        #expect(dt?.description == "cue-delay-reward: dt = 0.0 is invalid, it must be finite and > 0")
        #expect(throws: TaskError.self) { try CueDelayReward(options: .init(cueDuration: -1)) }
        #expect(throws: TaskError.self) { try CueDelayReward(options: .init(distractors: -1)) }
        #expect(throws: TaskError.self) { try CueDelayReward(options: .init(rewardCorrect: .nan)) }
        #expect(throws: TaskError.self) { try CueDelayReward(options: .init(dt: 1e-9, delay: 1)) }  // 1e9 steps
        let text = try CueDelayReward.Options(parameters: [
            "dt": "0.001", "cue_duration": "0.05", "delay": "1", "distractors": "2", "reward_correct": "5", "reward_wrong": "-1",
        ])
        #expect(text == .init(dt: 0.001, cueDuration: 0.05, delay: 1, distractors: 2, rewardCorrect: 5, rewardWrong: -1))
        let count = #expect(throws: TaskError.self) { try CueDelayReward.Options(parameters: ["distractors": "two"]) }
        #expect(count?.description == "cue-delay-reward: distractors = two is invalid, it must be an integer")
    }
}
