import Foundation
import Neuromod
import NeuromodLab
import NeuromodTasks
import Testing

/// A library user can build a task study in code, through public initializers only (no
/// `@testable` here), and it runs as the same study read from YAML.
@Suite struct LabPublicAPITests {
    @Test func aStudyBuiltInCodeRunsAsTheSameStudyReadFromYAML() throws {
        let built = ExperimentSpec(
            header: StudyHeader(file: "in-code", name: "t", seed: 3, runs: 2, output: "out"),
            task: .sinusoid(SinusoidTask(low: -3, high: 3, samples: 64, noiseSigma: 0.1)),
            network: NetworkSpec(inputSize: 1, layers: [LayerSpec(population: Population(size: 4, activation: .sigmoid)),
                                                        LayerSpec(population: Population(size: 1, activation: .linear))]),
            training: TrainingSpec(batchSize: 16, epochs: 2),
            methods: [MethodSpec(name: "BP", rule: .backprop(learningRate: 0.5, loss: .meanSquaredError))])
        // The same study as YAML (SpecValidationTests.valid).
        let read = try ExperimentSpec.parse(SpecValidationTests.valid, file: "spec.yaml")
        let (a, b) = (try built.run(jobs: 1) { _ in }, try read.run(jobs: 1) { _ in })
        #expect(a.epochs == b.epochs && !a.epochs.isEmpty)
        #expect(try a.dataFiles().first { $0.name == "metrics.csv" }?.data == b.dataFiles().first { $0.name == "metrics.csv" }?.data)
    }
}
