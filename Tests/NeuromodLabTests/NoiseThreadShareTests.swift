import Testing
@testable import NeuromodLab

/// `NoiseThreadShare`: the noise threads of runs trained side by side, ⌊threads / active⌋ each (at
/// least 1), so that a run left alone draws on all of them.
@Suite struct NoiseThreadShareTests {
    @Test func runsShareTheThreadsEvenlyAndALoneRunTakesThemAll() {
        let share = NoiseThreadShare(threads: 2)
        #expect(share.threadsPerRun == 2)
        share.begin()
        #expect(share.threadsPerRun == 2)
        share.begin()
        #expect(share.threadsPerRun == 1)
        share.end()
        #expect(share.threadsPerRun == 2)
        share.end()

        let four = NoiseThreadShare(threads: 4)
        for _ in 0..<3 { four.begin() }
        #expect(four.threadsPerRun == 1)
        four.end()
        #expect(four.threadsPerRun == 2)
    }

    @Test func neverFewerThanOneThread() {
        let share = NoiseThreadShare(threads: 0)
        #expect(share.threadsPerRun == 1)
        let two = NoiseThreadShare(threads: 2)
        for _ in 0..<5 { two.begin() }
        #expect(two.threadsPerRun == 1)
    }
}
