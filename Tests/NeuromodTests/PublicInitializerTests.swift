import Testing
import Neuromod  // not @testable: this file sees only what a library user sees

/// The values the engine reports can be built by a library user (for tests of their own hooks,
/// monitors and learners), through public memberwise initializers that keep every field.
@Suite struct PublicInitializerTests {
    @Test func reportedValuesKeepTheirFields() {
        let step = MinibatchLoop.Step(epoch: 2, step: 7, learnerLoss: 0.5, measured: nil)
        #expect(step.epoch == 2 && step.step == 7 && step.learnerLoss == 0.5 && step.measured == nil)
        let record = PlasticityEngine.StepRecord(losses: [1], modulation: [-1],
                                                 updates: [LayerParameters(pre: 1, post: 1)])
        #expect(record.losses == [1] && record.modulation == [-1] && record.updates.count == 1)
        #expect(EpisodeLoop.Episode(index: 1, instance: 0, episodeReturn: 20, steps: 20).episodeReturn == 20)
        #expect(EpisodeLoop.PolicyDiverged(episode: 3, step: 4) == EpisodeLoop.PolicyDiverged(episode: 3, step: 4))
        let stats = EstimatorStatistics(samples: 10, cosine: 0.9, relativeBias: 0.1, biasHalfWidth: 0.2,
                                        normalizedVariance: 1, layerCosine: [0.9], expectedScale: 1)
        #expect(stats.biasIntervalContainsZero)
    }

    @Test func localTermPartsCanBeBuiltWithoutTheTextForm() throws {
        let product = LocalTerm.Product(sigmaPower: 2, factors: [
            .pre(.init(.cleanRate)), .post(.init(.noise)), .instance(.noiseSquaredNorm, divides: true)])
        #expect(product.instance == [LocalTerm.InstanceFactor(signal: .noiseSquaredNorm, divides: true)])
        #expect(LocalTermError(message: "x").description == "x")
    }
}
