import Foundation
import Testing
import Neuromod
import NeuromodTestSupport
@testable import NeuromodLab

/// Short runs of every study kind against numbers kept in `Tests/Fixtures/golden/`: every preset
/// (and a declared rule) on a supervised task, the three policy rules on environments with traces
/// and dopamine, the readout rules and an evolution study.
///
/// The files were written by the engine when its numbers were shown identical, byte for byte, to
/// main before it (62574ae, `scripts/same-numbers.sh`). They are compared at a relative tolerance
/// of 1e-9: a different CPU's BLAS kernel may round a sum differently (1e-16 per operation), and a
/// short run amplifies that by far less than 10⁷. Rewrite them with `NEUROMOD_UPDATE_GOLDEN=1 swift
/// test --filter GoldenRunTests` — and say why in the commit.
@Suite struct GoldenRunTests {
    static let folder = TestData.packageRoot.appendingPathComponent("Tests/Fixtures/golden").path
    static let updating = ProcessInfo.processInfo.environment["NEUROMOD_UPDATE_GOLDEN"] == "1"
    static let tolerance = 1e-9
    /// The readout studies' tolerance: their features are cached in single precision
    /// (`FeatureCache`), so a last-bit change of the double GEMM before the cache (another OpenBLAS
    /// kernel's summation order) can flip a feature's float32 rounding, a relative change of up to
    /// 6e-8. Measured over OpenBLAS 0.3.21's Prescott, Haswell, Zen, SkylakeX and Cooperlake kernels
    /// (Benchmarks/README.md, "Which BLAS"): `DNN 2`'s train loss moves by up to 1.5e-8 relative
    /// (5.509654210443896 under Prescott, 5.50965435386488 under SkylakeX and Cooperlake, the
    /// golden 5.509654290494987 under Haswell and Zen), every other value by less than 1e-9.
    static let singlePrecisionTolerance = 1e-7

    /// Compares `rows` (a key, then values) with the golden file `name`, at relative `tolerance`.
    func check(_ name: String, _ rows: [(String, [Double])], tolerance: Double = tolerance) throws {
        let path = Self.folder + "/" + name
        if Self.updating {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            let text = rows.map { key, values in ([key] + values.map { "\($0)" }).joined(separator: ";") }.joined(separator: "\n")
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rows.count, "\(name): \(rows.count) rows, golden has \(lines.count)")
        for (line, (key, values)) in zip(lines, rows) {
            let fields = line.split(separator: ";").map(String.init)
            #expect(fields[0] == key, "\(name): row \(key) where the golden file has \(fields[0])")
            let golden = fields.dropFirst().map { Double($0)! }
            #expect(golden.count == values.count, "\(name) \(key): \(values.count) values, golden \(golden.count)")
            for (a, b) in zip(values, golden) where !(a.isNaN && b.isNaN) {
                #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(name) \(key): \(a) vs golden \(b)")
            }
        }
    }

    static let task = """
    name: golden-task
    seed: 5
    runs: 1
    output: out
    task: {kind: sinusoid, low: -3.141592653589793, high: 3.141592653589793, samples: 256, noise: 0.1}
    network:
      input: 1
      layers:
        - {size: 8, activation: sigmoid}
        - {size: 4, activation: sigmoid, connection_probability: 0.6}
        - {size: 1, activation: linear}
    training: {batch_size: 64, epochs: 2}
    methods:
      - {name: BP, rule: backprop, learning_rate: 0.5}
      - {name: WP, rule: weight-perturbation, learning_rate: 0.7, sigma: 0.2}
      - {name: 3F-WP literal, rule: three-factor-wp, variant: literal, learning_rate: 0.5, sigma: 0.1}
      - {name: 3F-WP output-unit, rule: three-factor-wp, learning_rate: 0.9, sigma: 0.1}
      - {name: 3F-WP sigmoid-post, rule: three-factor-wp, variant: sigmoid-post, learning_rate: 0.9, sigma: 0.1}
      - {name: 3F-WP abs-post, rule: three-factor-wp, variant: abs-post, learning_rate: 0.9, sigma: 0.1}
      - {name: 3F-NP, rule: three-factor-np, learning_rate: 0.2, sigma: 0.1}
      - {name: 3F-NP running, rule: three-factor-np, learning_rate: 0.2, sigma: 0.1, baseline: running-average, baseline_rate: 0.2}
      - {name: SPSA, rule: spsa, learning_rate: 0.2, sigma: 0.05}
      - {name: ES, rule: evolution-strategies, learning_rate: 0.1, sigma: 0.1}
      - {name: ANP, rule: activity-difference-np, learning_rate: 0.2, sigma: 0.1}
      - name: NP noisy declared
        rule:
          probe: {kind: nodes, sigma: 0.1}
          local: pre * post_deriv * post_noise / sigma^2
          optimizer: {kind: adam, learning_rate: 0.01}
      - {name: WP rademacher, rule: weight-perturbation, distribution: rademacher, learning_rate: 0.7, sigma: 0.2}
      - {name: 3F-WP rademacher, rule: three-factor-wp, distribution: rademacher, learning_rate: 0.9, sigma: 0.1}
    """

    @Test func everyPresetOnASupervisedTask() throws {
        let result = try Runner(spec: try ExperimentSpec.parse(Self.task, file: "golden-task.yaml")).run(jobs: 2)
        try check("task-steps.txt", result.steps.map { ("\($0.method) \($0.step)", [$0.loss, $0.ruleLoss]) })
        try check("task-epochs.txt", result.epochs.map { ("\($0.method) \($0.epoch)", [$0.trainLoss]) })
    }

    static let episodic = """
    name: golden-episodic
    seed: 3
    runs: 1
    output: out
    environment: {name: cue-delay-reward, dt: 0.05, delay: 0.3, distractors: 2}
    network: {hidden: [12], activation: leaky-relu(0.1), init: xavier-normal}
    training: {episodes: 12, reward: episode, score_episodes: 4, instances: 2}
    methods:
      - {name: NRL, rule: nrl, learning_rate: 0.5, sigma: 0.05, trace: {kernel: exponential, tau: 0.2}, dopamine: {delay: 0.1, decay: 0.2}}
      - {name: NRL fan-out, rule: nrl, learning_rate: 0.1, sigma: 0.05, fan_out_scaling: true, trace: {kernel: rise-decay, rise: 0.05, decay: 0.3}}
      - {name: RMHL, rule: rmhl, learning_rate: 0.1, sigma: 0.05, trace: {kernel: window, start: 0.1, end: 0.4}}
      - {name: REINFORCE, rule: reinforce, learning_rate: 0.1, normalize: none}
    """

    @Test func policyRulesWithTracesAndDopamine() throws {
        let result = try EpisodicRunner(spec: try EpisodicSpec.parse(Self.episodic, file: "golden-episodic.yaml")).run(jobs: 2)
        try check("episodic.txt", result.episodes.map { ("\($0.method) \($0.episode)", [$0.episodeReturn, Double($0.steps)]) })
    }

    static let readout = """
    name: golden-readout
    seed: 4
    runs: 1
    output: out
    data: {file: \(TestData.fixture("digits.csv.gz")), max_pixel: 16, test_fraction: 0.2, scaling: unit}
    readout: {hidden: 40, epochs: 2}
    methods:
      - {name: DNN, rule: dopaminergic, reading: graded, output_firing: winner, rate: 1, batch: 1}
      - {name: DNN printed every, rule: dopaminergic, reading: printed, output_firing: every, rate: 0.5, batch: 3}
      - {name: SignSGD, rule: sign-sgd, rate: 1.0e-3, batch: 10}
      - {name: Adam, rule: adam, rate: 1.0e-2, batch: 10}
    """

    @Test func readoutRules() throws {
        let result = try ReadoutRunner(spec: try ReadoutSpec.parse(Self.readout, file: "golden-readout.yaml", resolveData: { $0 })).run(jobs: 2)
        try check("readout.txt", result.epochs.map { ("\($0.method) \($0.epoch)", [$0.trainLoss, $0.trainAccuracy, $0.testAccuracy]) },
                  tolerance: Self.singlePrecisionTolerance)
    }

    static let evolution = """
    name: golden-evolution
    seed: 2
    runs: 1
    output: out
    data: {file: \(TestData.fixture("digits.csv.gz")), max_pixel: 16, classes: [0, 1, 2], train_per_class: 15, scaling: unit}
    evolution: {hidden: 16, input_density: 0.5, genes: [120], gene_density: 0.05, population: 12,
                generations: 10, selection: 5, evaluate_every: 5}
    sign_sgd: {rate: 1.0e-2, batch: 10, iterations: 20}
    """

    @Test func evolutionWithItsSignSGDPhase() throws {
        let result = try EvolutionRunner(spec: try EvolutionSpec.parse(Self.evolution, file: "golden-evolution.yaml", resolveData: { $0 })).run(jobs: 2)
        try check("evolution.txt", result.checkpoints.map {
            ("\($0.genes) \($0.generation)", [$0.meanFitness, $0.consensusAccuracy, $0.expectedAccuracy, $0.fixedFraction])
        } + result.summaries.map { ("\($0.genes) summary", [$0.signSGDAccuracy ?? Double.nan]) })
    }
}
