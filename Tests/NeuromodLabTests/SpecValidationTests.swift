import Foundation
import NeuromodTestSupport
import Testing
@testable import NeuromodLab

/// Bad specs are rejected with one line naming the file, the field and what was expected.
@Suite struct SpecValidationTests {
    static let valid = """
    name: t
    seed: 3
    runs: 2
    output: out
    task: {kind: sinusoid, low: -3, high: 3, samples: 64, noise: 0.1}
    network:
      input: 1
      layers:
        - {size: 4, activation: sigmoid}
        - {size: 1, activation: linear}
    training: {batch_size: 16, epochs: 2}
    methods:
      - {name: BP, rule: backprop, learning_rate: 0.5}
    """

    func error(_ text: String) -> String {
        do {
            _ = try ExperimentSpec.parse(text, file: "spec.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func validSpecParsesWithDefaults() throws {
        let spec = try ExperimentSpec.parse(Self.valid, file: "spec.yaml")
        #expect(spec.runs == 2 && spec.seed == 3)
        #expect(spec.network.layers.map(\.population.size) == [4, 1])
        #expect(spec.network.initializer == .uniform)
        #expect(spec.training.dataOrder == .perRun)
        #expect(spec.methods.first?.rule == .backprop(learningRate: 0.5, loss: .meanSquaredError))
        #expect(spec.random == .taus2)
    }

    @Test func malformedYAMLNamesTheFileAndLine() {
        let message = error("name: t\nnetwork: {input: 1, layers: [ {size: 8}\n")
        #expect(message.hasPrefix("spec.yaml:"))
        #expect(message.contains("malformed YAML"))
        #expect(!message.contains("\n"))
    }

    @Test func unknownFieldSuggestsTheNearestName() {
        let message = error(Self.valid.replacingOccurrences(of: "learning_rate: 0.5", with: "learning_rat: 0.5"))
        #expect(message == "spec.yaml:13: methods[0].learning_rat: unknown field (did you mean 'learning_rate'?); allowed: name, rule, learning_rate, loss, sigma, variant, distribution, baseline, baseline_rate")
    }

    @Test func negativeSizeIsRejected() {
        let message = error(Self.valid.replacingOccurrences(of: "size: 4", with: "size: -3"))
        #expect(message == "spec.yaml:9: network.layers[0].size: expected a positive integer, got -3")
    }

    @Test func wrongTypesAreRejected() {
        #expect(error(Self.valid.replacingOccurrences(of: "runs: 2", with: "runs: two"))
                == "spec.yaml:3: runs: expected an integer, got 'two'")
        #expect(error(Self.valid.replacingOccurrences(of: "epochs: 2", with: "epochs: [2]"))
                == "spec.yaml:11: training.epochs: expected an integer, got a list")
        #expect(error(Self.valid.replacingOccurrences(of: "activation: sigmoid", with: "activation: sigmod"))
            .contains("network.layers[0].activation: unknown activation 'sigmod'"))
        #expect(error(Self.valid.replacingOccurrences(of: "rule: backprop", with: "rule: backpro"))
            .contains("methods[0].rule: unknown value 'backpro' (did you mean 'backprop'?)"))
    }

    @Test func missingRequiredFieldIsNamed() {
        #expect(error(Self.valid.replacingOccurrences(of: "seed: 3\n", with: "")) == "spec.yaml: seed: required field is missing")
    }

    @Test func missingDataFileIsNamed() {
        let text = Self.valid.replacingOccurrences(
            of: "{kind: sinusoid, low: -3, high: 3, samples: 64, noise: 0.1}",
            with: "{kind: table, path: nowhere/data.csv, targets: [y]}")
        #expect(error(text) == "spec.yaml:5: task.path: data file not found: nowhere/data.csv")
    }

    @Test func impossibleSinusoidIsRejected() {
        let message = error(Self.valid.replacingOccurrences(of: "low: -3, high: 3", with: "low: 3, high: -3"))
        #expect(message.hasPrefix("spec.yaml:5: task: "))
    }

    @Test func duplicateMethodNamesAreRejected() {
        let text = Self.valid + "\n  - {name: BP, rule: backprop, learning_rate: 0.1}\n"
        #expect(error(text).contains("method name 'BP' is used twice"))
    }

    /// `distribution:` chooses WP's and 3F-WP's probe; anything else is refused in one line.
    @Test func probeDistributionOfTheWeightPerturbationPresets() throws {
        func spec(_ method: String) -> String {
            Self.valid.replacingOccurrences(of: "{name: BP, rule: backprop, learning_rate: 0.5}", with: method)
        }
        let wp = try ExperimentSpec.parse(spec("{name: W, rule: weight-perturbation, learning_rate: 0.5, sigma: 0.1, distribution: rademacher}"),
                                          file: "spec.yaml")
        #expect(wp.methods[0].rule == .local(.weightPerturbation(learningRate: 0.5, sigma: 0.1, distribution: .rademacher)))
        let tf = try ExperimentSpec.parse(spec("{name: T, rule: three-factor-wp, variant: abs-post, learning_rate: 0.5, sigma: 0.1, distribution: rademacher}"),
                                          file: "spec.yaml")
        #expect(tf.methods[0].rule == .local(.threeFactorWeightPerturbation(.absolutePost, learningRate: 0.5, sigma: 0.1, distribution: .rademacher)))
        let gaussian = try ExperimentSpec.parse(spec("{name: W, rule: weight-perturbation, learning_rate: 0.5, sigma: 0.1, distribution: gaussian}"),
                                                file: "spec.yaml")
        #expect(gaussian.methods[0].rule == .local(.weightPerturbation(learningRate: 0.5, sigma: 0.1)))

        #expect(error(spec("{name: W, rule: weight-perturbation, learning_rate: 0.5, sigma: 0.1, distribution: uniform}"))
            == "spec.yaml:13: methods[0].distribution: unknown value 'uniform'; expected one of: gaussian, rademacher")
        #expect(error(spec("{name: S, rule: spsa, learning_rate: 0.5, sigma: 0.1, distribution: gaussian}"))
            == "spec.yaml:13: methods[0].distribution: 'distribution' applies only to weight-perturbation, three-factor-wp")
        #expect(error(spec("{name: B, rule: backprop, learning_rate: 0.5, distribution: rademacher}"))
            == "spec.yaml:13: methods[0].distribution: 'distribution' does not apply to backprop")
        #expect(error(spec("{name: D, rule: {probe: {kind: synapses, sigma: 0.1}, local: eps / sigma, optimizer: {kind: sgd, learning_rate: 0.1}}, distribution: rademacher}"))
            == "spec.yaml:13: methods[0].distribution: a declared rule takes 'distribution' inside 'rule' (learning_rate in rule.optimizer, sigma and distribution in rule.probe, baseline in rule.modulator)")
    }

    @Test func everyShippedModelParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let models = root.appendingPathComponent("Models")
        let files = FileManager.default.enumerator(atPath: models.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 2)
        // The fixtures have the layout of the data folder, so `$DATA/mnist` resolves everywhere.
        let data = TestData.fixtures
        for file in files {
            let path = models.appendingPathComponent(file).path
            let spec = try StudyRegistry.load(path: path, dataDirectory: data)
            if let task = spec as? ExperimentSpec { _ = try Runner(spec: task) }
        }
    }
}
