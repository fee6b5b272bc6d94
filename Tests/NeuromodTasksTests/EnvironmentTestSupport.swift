import Testing
@testable import NeuromodTasks

// Helpers shared by the environment tests (CartPoleTests, AcrobotTests, …).

/// One transition of a reference trajectory: the state after the step and what the step returned.
struct ReferenceStep {
    let state: [Double]
    let reward: Double
    let terminated: Bool
    let truncated: Bool

    init(_ state: [Double], _ reward: Double, _ terminated: Bool, _ truncated: Bool) {
        self.state = state
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// `ours` equals Gymnasium's `reference` within `tolerance` (absolute), and bitwise on Linux.
///
/// Neuromod evaluates every expression in Gymnasium's order, so with the same libm (glibc: sin, cos,
/// pow) the doubles are identical — `scripts/gymnasium_crosscheck.py compare` finds every state
/// value bitwise equal. Another libm may differ by an ulp in sin/cos/pow; the tolerance allows that.
func expectMatchesGymnasium(_ ours: [Double], _ reference: [Double], tolerance: Double = 1e-12,
                            _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(ours.count == reference.count, "\(what): \(ours.count) values, expected \(reference.count)",
            sourceLocation: sourceLocation)
    for (i, (a, b)) in zip(ours, reference).enumerated() {
        #expect(abs(a - b) <= tolerance, "\(what)[\(i)]: \(a) vs Gymnasium \(b)", sourceLocation: sourceLocation)
        #if os(Linux)
        #expect(a.bitPattern == b.bitPattern, "\(what)[\(i)]: \(a) is not bitwise Gymnasium's \(b)",
                sourceLocation: sourceLocation)
        #endif
    }
}

/// Resets `env` to `start`, applies `actions` and checks every step against `reference`.
func expectTrajectory(_ env: some Environment, from start: [Double], actions: [Int], _ reference: [ReferenceStep],
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
    try #require(actions.count == reference.count, sourceLocation: sourceLocation)
    try env.reset(state: start)
    for (t, (action, expected)) in zip(actions, reference).enumerated() {
        let result = env.step(action)
        expectMatchesGymnasium(env.state, expected.state, "step \(t + 1) state", sourceLocation: sourceLocation)
        #expect(result.reward == expected.reward, "step \(t + 1) reward", sourceLocation: sourceLocation)
        #expect(result.terminated == expected.terminated, "step \(t + 1) terminated", sourceLocation: sourceLocation)
        #expect(result.truncated == expected.truncated, "step \(t + 1) truncated", sourceLocation: sourceLocation)
        #expect(result.observation == env.observation, sourceLocation: sourceLocation)
    }
}
