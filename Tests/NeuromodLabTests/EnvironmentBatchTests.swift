import Foundation
import Testing
import Neuromod
@testable import NeuromodLab

/// Several environment instances in one batch (`training.instances`): every instance runs its own
/// episodes, all episodes are counted, and the numbers do not depend on the jobs.
@Suite struct EnvironmentBatchTests {
    static let reaching = """
    name: batch
    seed: 2
    runs: 2
    output: out
    environment: {name: reaching}
    network: {hidden: [16], activation: leaky-relu(0.1), init: xavier-normal}
    training: {episodes: 30, reward: step, score_episodes: 10, instances: 4}
    methods:
      - {name: NRL, rule: nrl, learning_rate: 0.05, sigma: 0.05}
      - {name: RMHL, rule: rmhl, learning_rate: 0.01, sigma: 0.05}
    """

    @Test func everyEpisodeOfEveryInstanceIsCountedAndJobsDoNotMatter() throws {
        let spec = try EpisodicSpec.parse(Self.reaching, file: "spec.yaml")
        #expect(spec.training.instances == 4)
        let one = try EpisodicRunner(spec: spec).run(jobs: 1), two = try EpisodicRunner(spec: spec).run(jobs: 2)
        #expect(one.episodes == two.episodes)
        #expect(one.episodes.count == 2 * 2 * 30)
        // Reaching episodes all last 100 steps: four instances finish together, in instance order.
        #expect(one.episodes.allSatisfy { $0.steps == 100 })
        #expect(Set(one.episodes.map(\.episodeReturn)).count > 100)
    }

    /// A batch of four is not four copies of one instance: instance 0 of the batch starts the episode
    /// the single instance starts, but the shared weights learn from all four.
    @Test func aBatchLearnsFromEveryInstance() throws {
        let single = try EpisodicSpec.parse(Self.reaching.replacingOccurrences(of: "instances: 4", with: "instances: 1"), file: "s.yaml")
        let batch = try EpisodicSpec.parse(Self.reaching, file: "s.yaml")
        let a = try EpisodicRunner(spec: single).run(), b = try EpisodicRunner(spec: batch).run()
        #expect(a.episodes[0].episodeReturn == b.episodes[0].episodeReturn)
        #expect(a.episodes[29].episodeReturn != b.episodes[29].episodeReturn)
    }

    @Test func instancesMustBePositive() {
        #expect(throws: SpecError.self) {
            try EpisodicSpec.parse(Self.reaching.replacingOccurrences(of: "instances: 4", with: "instances: 0"), file: "s.yaml")
        }
    }
}
