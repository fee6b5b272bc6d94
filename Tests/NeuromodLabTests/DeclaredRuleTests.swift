import Foundation
import Neuromod
import Testing
@testable import NeuromodLab

/// Rules declared in a spec from their parts: the same numbers as the preset they spell out, a bias
/// the gradient check can see when they differ, and one-line errors naming the file and field.
@Suite struct DeclaredRuleTests {
    static let header = """
    name: declared
    seed: 3
    runs: 1
    output: out
    task: {kind: sinusoid, low: -3.141592653589793, high: 3.141592653589793, samples: 64, noise: 0.1}
    network:
      input: 1
      layers:
        - {size: 8, activation: sigmoid}
        - {size: 4, activation: sigmoid}
        - {size: 1, activation: linear}
    training: {batch_size: 16, epochs: 1}
    methods:

    """

    func error(_ methods: String) -> String {
        do {
            _ = try ExperimentSpec.parse(Self.header + methods, file: "spec.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// `Models/rules/declared-node-perturbation.yaml` (2 runs, 3 epochs): the declared method's rows
    /// are the preset's, apart from the method name.
    @Test func declaredNodePerturbationGivesThePresetsRows() throws {
        var spec = try RunnerTests.model("Models/rules/declared-node-perturbation.yaml")
        spec.runs = 2
        spec.training.epochs = 3
        #expect(spec.methods.map(\.name) == ["3F-NP", "3F-NP declared"])
        let result = try Runner(spec: spec).run()
        let preset = result.steps.filter { $0.method == "3F-NP" }, declared = result.steps.filter { $0.method == "3F-NP declared" }
        #expect(preset.count == 2 * 3 * 8)
        #expect(preset.map { [$0.loss, $0.ruleLoss] } == declared.map { [$0.loss, $0.ruleLoss] })
        let epochs = result.epochs.filter { $0.method == "3F-NP" }.map(\.trainLoss)
        #expect(epochs == result.epochs.filter { $0.method == "3F-NP declared" }.map(\.trainLoss))
        #expect(result.summaries.map(\.forwardPassEquivalents) == [1.6, 1.6])
        #expect(result.summaries.map(\.rule) == ["three-factor-np", "node-perturbation-declared"])
    }

    /// Node perturbation whose eligibility reads the noisy instead of the clean pass (no preset has
    /// it) runs, and its bias differs from the preset's by more than both 95 % intervals. σ = 0.3 so
    /// that g(a + σξ) differs from g(a); K = 4 000 same-sample draws give intervals of ±0.016.
    @Test func noisyEligibilityIsBiasedWhereThePresetIsNot() throws {
        let spec = try ExperimentSpec.parse(Self.header + """
              - {name: NP, rule: three-factor-np, learning_rate: 0.2, sigma: 0.3}
              - name: NP noisy
                rule:
                  probe: {kind: nodes, sigma: 0.3}
                  local: pre * post_deriv * post_noise / sigma^2
                  optimizer: {kind: sgd, learning_rate: 0.2}
            """, file: "spec.yaml")
        let report = try GradientCheck.measure(spec: spec, options: .init(samples: [4000], sameSample: true), jobs: 2)
        let preset = report.rows[0], noisy = report.rows[1]
        #expect(noisy.rule == "declared")
        #expect(preset.biasIntervalContainsZero, "preset: \(preset.relativeBias) ± \(preset.biasHalfWidth)")
        #expect(!noisy.biasIntervalContainsZero, "noisy: \(noisy.relativeBias) ± \(noisy.biasHalfWidth)")
        #expect(abs(noisy.relativeBias - preset.relativeBias) > noisy.biasHalfWidth + preset.biasHalfWidth)
        #expect(noisy.layerCosine[0] < preset.layerCosine[0] - 0.5, "first layer: \(noisy.layerCosine) vs \(preset.layerCosine)")
    }

    @Test func everyRulePartIsParsed() throws {
        let spec = try ExperimentSpec.parse(Self.header + """
              - name: M
                loss: mse
                rule:
                  name: mine
                  probe: {kind: synapses, sigma: 0.05, distribution: rademacher, antithetic: true}
                  local: {output: eps / sigma^2, sigmoid: 2 * eps / sigma^2}
                  modulator: {baseline: antithetic, normalization: by-magnitude, gate: all}
                  update: multiplicative
                  optimizer: {kind: adam, learning_rate: 0.01, beta1: 0.8, epsilon: 1e-6}
                  trace: {kernel: immediate}
                  compute: 2.5
            """, file: "spec.yaml")
        guard case .local(let rule) = spec.methods[0].rule else { Issue.record("not a local rule"); return }
        #expect(rule.name == "mine")
        #expect(rule.probe == .synapses(.rademacher, sigma: 0.05, antithetic: true))
        #expect(rule.local.map(\.selector) == [.output, .activation(.sigmoid)])
        #expect(rule.local[1].term.products[0].coefficient == 2)
        #expect(rule.modulator == Modulation(baseline: .antithetic, normalization: .byMagnitude, gate: .all))
        #expect(rule.update == .multiplicative)
        #expect(rule.optimizer == .adam(AdamSettings(rate: 0.01, beta1: 0.8, epsilon: 1e-6)))
        #expect(rule.forwardPassEquivalents == 2.5)
    }

    /// Seed 002's shape end to end: a table over pre and post firing, gated to misclassified
    /// examples, multiplicative, on a classification task (a table of one-hot targets).
    @Test func aGatedMultiplicativeTableRuleRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var csv = "x1,x2,a,b\n"
        for k in 0..<40 { let u = Double(k % 7) / 7 - 0.4, v = Double(k % 5) / 5 - 0.5; csv += "\(u),\(v),\(u > v ? 1 : 0),\(u > v ? 0 : 1)\n" }
        try csv.write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let spec = try ExperimentSpec.parse("""
        name: table
        seed: 2
        runs: 1
        output: out
        task: {kind: table, path: \(folder.appendingPathComponent("t.csv").path), targets: [a, b], test_fraction: 0}
        network:
          input: 2
          layers:
            - {size: 6, activation: relu}
            - {size: 2, activation: softmax}
        training: {batch_size: 8, epochs: 3}
        methods:
          - name: table rule
            loss: cross-entropy
            rule:
              probe: {kind: none}
              local: 0.5 * r[pre_history][post_history]
              tables: {r: [[0, -1], [-1, 1]]}
              modulator: {source: constant, baseline: none, gate: misclassified}
              update: multiplicative
              optimizer: {kind: sgd, learning_rate: 0.05}
        """, file: "spec.yaml")
        guard case .local(let rule) = spec.methods[0].rule else { Issue.record("not a local rule"); return }
        #expect(rule.tables == ["r": RuleTable([[0, -1], [-1, 1]])])
        let result = try Runner(spec: spec).run()
        #expect(result.steps.count == 3 * 5)
        #expect(result.steps.allSatisfy { $0.loss.isFinite })
        #expect(Set(result.steps.map(\.loss)).count > 1, "the weights changed")
    }

    @Test(arguments: [
        ("""
          - rule: {probe: {kind: nodes, sigma: 0.1}, local: pre * post_nosie, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule.local: local term 'pre * post_nosie': unknown factor 'post_nosie'; factors: "),
        ("""
          - rule: {probe: {kind: none}, local: eps, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule: rule 'declared': projection 1 (into layer 1, sigmoid): 'eps' needs a synaptic probe (probe: synapses)"),
        ("""
          - rule: {probe: {kind: nodes, sigma: 0.1}, local: {hidden: pre * post_error}, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule: rule 'declared': projection 1 (into layer 1, sigmoid): 'post_error' exists only on projections into the output"),
        ("""
          - {learning_rate: 0.1, rule: {probe: {kind: none}, local: pre, optimizer: {kind: sgd, learning_rate: 0.1}}}
        """, "spec.yaml:14: methods[0].learning_rate: a declared rule takes 'learning_rate' inside 'rule'"),
        ("""
          - rule: {probe: {kind: nodes}, local: pre, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule.probe: required field 'sigma' is missing for a nodes probe"),
        ("""
          - rule: {probe: {kind: none}, local: {middle: pre}, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule.local.middle: unknown field"),
        ("""
          - rule: {probe: {kind: none}, local: pre, optimizer: {kind: sdg, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule.optimizer.kind: unknown value 'sdg' (did you mean 'sgd'?); expected one of: sgd, sign-sgd, adam"),
        ("""
          - rule: {probe: {kind: none}, local: pre, modulator: {baseline: none, baseline_rate: 0.1}, optimizer: {kind: sgd, learning_rate: 0.1}}
        """, "spec.yaml:14: methods[0].rule.modulator.baseline_rate: 'baseline_rate' needs baseline: running-average"),
    ])
    func badDeclarationsNameTheFileAndField(methods: String, message: String) {
        let got = error(methods)
        #expect(got.hasPrefix(message), "\(got)")
        #expect(!got.contains("\n"))
    }
}

/// Rules declared in episodic specs: NRL spelled out gives the preset's episodes; what an
/// environment cannot give is refused.
@Suite struct DeclaredEpisodicRuleTests {
    static let spec = """
    name: declared-nrl
    seed: 1
    runs: 2
    output: out
    environment: {name: reaching}
    network: {hidden: [16], activation: leaky-relu(0.1), init: xavier-normal}
    training: {episodes: 20, reward: step, score_episodes: 5, instances: 2}
    methods:
      - {name: NRL, rule: nrl, learning_rate: 0.05, sigma: 0.05, trace: {kernel: exponential, tau: 0.05}, dopamine: {delay: 0.02}}
      - name: NRL declared
        rule:
          probe: {kind: intrinsic, sigma: 0.05}
          local: dlogp * post_noise * pre / noise_sq
          trace: {kernel: exponential, tau: 0.05}
          modulator: {normalization: by-magnitude, dopamine: {delay: 0.02}}
          optimizer: {kind: sgd, learning_rate: 0.05}
          acting: clean
          biases: false
    """

    @Test func declaredNRLGivesThePresetsEpisodes() throws {
        let result = try EpisodicRunner(spec: try EpisodicSpec.parse(Self.spec, file: "s.yaml")).run(jobs: 2)
        let preset = result.episodes.filter { $0.method == "NRL" }, declared = result.episodes.filter { $0.method == "NRL declared" }
        #expect(preset.count == 40)
        #expect(preset.map(\.episodeReturn) == declared.map(\.episodeReturn))
        #expect(result.summaries.map(\.rule) == ["nrl", "declared"])
    }

    @Test func whatAnEnvironmentCannotGiveIsRefused() {
        let bad = Self.spec.replacingOccurrences(of: "local: dlogp * post_noise * pre / noise_sq", with: "local: {output: pre * post_error}")
        #expect(throws: SpecError.self) { try EpisodicSpec.parse(bad, file: "s.yaml") }
        do { _ = try EpisodicSpec.parse(bad, file: "s.yaml") } catch {
            #expect("\(error)".contains("methods[1].rule: rule 'declared': projection 2 (into layer 2, softmax): 'post_error' needs targets; environments give rewards"), "\(error)")
        }
        let extra = Self.spec.replacingOccurrences(of: "  - name: NRL declared", with: "  - name: NRL declared\n    sigma: 0.1")
        do { _ = try EpisodicSpec.parse(extra, file: "s.yaml"); Issue.record("accepted") } catch {
            #expect("\(error)".contains("methods[1].sigma: a declared rule takes 'sigma' inside 'rule'"), "\(error)")
        }
    }
}
