import Foundation
import Testing
@testable import NeuromodLab

/// `GradientCheck`, the estimator-validation API behind `neuromod gradcheck`: each perturbation
/// method's mean update over K probe draws against the exact gradient, for the network of run 0.
///
/// The spec is the thesis's 1-8-4-1 sinusoid network (P = 57) on 64 samples with a batch of 16 and
/// σ = 0.01, so the O(σ²) bias (≈ 1e-4 relative) is far below what K = 2 700 draws resolve. The
/// statistical checks use the same-sample batch (one training row repeated), which leaves only the
/// estimator's own noise (see ``GradientCheck``).
@Suite struct GradientCheckTests {
    static let specText = """
    name: gradcheck-test
    seed: 3
    runs: 1
    output: runs/gradcheck-test
    task: {kind: sinusoid, low: -3.141592653589793, high: 3.141592653589793, samples: 64, noise: 0.1}
    network:
      input: 1
      layers:
        - {size: 8, activation: sigmoid}
        - {size: 4, activation: sigmoid}
        - {size: 1, activation: linear}
    training: {batch_size: 16, epochs: 1}
    methods:
      - {name: BP, rule: backprop, learning_rate: 0.5}
      - {name: WP, rule: weight-perturbation, learning_rate: 0.7, sigma: 0.01}
      - {name: 3F-WP, rule: three-factor-wp, variant: output-unit, learning_rate: 0.9, sigma: 0.01}
      - {name: 3F-NP, rule: three-factor-np, learning_rate: 0.2, sigma: 0.01}
      - {name: SPSA, rule: spsa, learning_rate: 0.2, sigma: 0.01}
      - {name: ES, rule: evolution-strategies, learning_rate: 0.2, sigma: 0.01, baseline: running-average, baseline_rate: 0.1}

    """

    static func spec(_ text: String = specText) throws -> ExperimentSpec {
        try ExperimentSpec.parse(text, file: "gradcheck-test.yaml")
    }

    static let fewSamples = 300, manySamples = 2700

    /// The measurement most tests read: every method × K ∈ {300, 2700} × width ∈ {1, 2}, same-sample
    /// batch. Made once (≈ 30 000 batched draws) and shared.
    static let shared: Result<GradientCheckReport, any Error> = Result {
        try GradientCheck.measure(spec: try spec(),
                                  options: .init(samples: [fewSamples, manySamples], widthFactors: [1, 2], sameSample: true),
                                  jobs: 4)
    }

    static func row(_ report: GradientCheckReport, _ method: String, width: Double = 1, samples: Int = manySamples) throws -> GradientCheckRow {
        try #require(report.rows.first { $0.method == method && $0.widthFactor == width && $0.samples == samples })
    }

    @Test func rowsCoverEveryPerturbationMethodWidthAndSampleCount() throws {
        let report = try Self.shared.get()
        #expect(report.batchSize == 16 && report.sameSample)
        let keys = report.rows.map { "\($0.method) \($0.widthFactor) \($0.samples)" }
        var expected: [String] = []
        for method in ["WP", "3F-WP", "3F-NP", "SPSA", "ES"] {
            for width in [1.0, 2.0] { for k in [Self.fewSamples, Self.manySamples] { expected.append("\(method) \(width) \(k)") } }
        }
        #expect(keys == expected, "backprop is the reference and gets no row")
        #expect(report.rows.map(\.rule).contains("three-factor-wp(output-unit)"))
        for r in report.rows { #expect(r.layerCosine.count == 3, "\(r.method): one cosine per layer") }
    }

    /// With one repeated sample and σ = 0.01, weight and node perturbation are unbiased to within the
    /// interval: the relative bias's standard error at K = 2 700, B = 16 is ≈ √(P/(K·B)) ≈ 0.04, the
    /// O(σ²) bias ≈ 1e-4. Cosine > 0.99 allows a noise-to-signal ratio |ū − e|/|e| up to ≈ 0.14.
    @Test func weightAndNodePerturbationFollowTheGradient() throws {
        let report = try Self.shared.get()
        for method in ["WP", "3F-NP"] {
            let r = try Self.row(report, method)
            #expect(r.cosine > 0.99, "\(method): cosine \(r.cosine)")
            #expect(r.biasIntervalContainsZero, "\(method): relative bias \(r.relativeBias) ± \(r.biasHalfWidth)")
            #expect(r.biasHalfWidth < 0.1, "\(method): interval ± \(r.biasHalfWidth)")
        }
        for method in ["SPSA", "ES"] {
            let r = try Self.row(report, method)
            #expect(r.cosine > 0.99, "\(method): cosine \(r.cosine)")
        }
    }

    /// The half-width is 1.96·s/√K with s the sample SD of the K projections, so 9× the draws should
    /// shrink it 3×. s is itself estimated: its relative standard error is ≈ √((κ − 1)/(4K)), which for
    /// the heavy-tailed projections (kurtosis κ up to ≈ 10, products of Gaussians) is ≤ 0.09 at K = 300
    /// and ≤ 0.03 at 2 700. The band 2.3…3.9 (±30 %) is about three of those standard errors.
    @Test func intervalShrinksLikeOneOverRootK() throws {
        let report = try Self.shared.get()
        for method in ["WP", "3F-NP", "SPSA", "ES"] {
            let ratio = try Self.row(report, method, samples: Self.fewSamples).biasHalfWidth
                / Self.row(report, method, samples: Self.manySamples).biasHalfWidth
            #expect(ratio > 2.3 && ratio < 3.9, "\(method): expected ≈ 3, got \(ratio)")
        }
    }

    @Test func widthFactorScalesEveryHiddenLayerButNotTheOutput() throws {
        let report = try Self.shared.get()
        #expect(try Self.row(report, "WP", width: 1).hiddenSizes == [8, 4])
        #expect(try Self.row(report, "WP", width: 2).hiddenSizes == [16, 8])
        // P = (1·16 + 16) + (16·8 + 8) + (8·1 + 1) = 177.
        #expect(try Self.row(report, "WP", width: 2).parameterCount == 177)
        let network = try Self.spec().network
        #expect(GradientCheck.scaledPopulations(network, widthFactor: 0.5).map(\.size) == [4, 2, 1])
        #expect(GradientCheck.scaledPopulations(network, widthFactor: 0.01).map(\.size) == [1, 1, 1],
                "a hidden layer keeps at least one neuron")
    }

    /// Every measurement starts from fresh streams: rows depend neither on the thread count nor on
    /// which other K were asked for, nor on their order.
    @Test func sameInputsGiveIdenticalRows() throws {
        let spec = try Self.spec()
        let options = GradientCheck.Options(samples: [40, 20], widthFactors: [1, 0.5])
        let first = try GradientCheck.measure(spec: spec, options: options, jobs: 1)
        let again = try GradientCheck.measure(spec: spec, options: options, jobs: 3)
        #expect(first == again)
        let alone = try GradientCheck.measure(spec: spec, options: .init(samples: [20], widthFactors: [0.5]))
        #expect(alone.rows == first.rows.filter { $0.samples == 20 && $0.widthFactor == 0.5 })
        #expect(!first.sameSample && first.batchSize == 16)
    }

    /// A running-average baseline cannot be checked as is (the draws would not be identically
    /// distributed): it is measured as batch-mean, and the row says so.
    @Test func runningAverageBaselineIsMeasuredAsBatchMeanWithANote() throws {
        let report = try Self.shared.get()
        let es = try Self.row(report, "ES")
        #expect(es.note.contains("running-average") && es.note.contains("batch-mean"), "note: \(es.note)")
        #expect(abs(es.expectedScale - 15.0 / 16) < 1e-12, "batch-mean expectation (B − 1)/B")
        #expect(try Self.row(report, "WP").note.isEmpty)
        #expect(try Self.row(report, "3F-WP").note.contains("σ∇L"))
    }

    @Test func backpropOnlySpecIsRejectedNamingTheFile() throws {
        let text = """
        name: bp-only
        seed: 1
        runs: 1
        output: runs/bp-only
        task: {kind: sinusoid, low: -3, high: 3, samples: 32, noise: 0.1}
        network: {input: 1, layers: [{size: 4, activation: sigmoid}, {size: 1, activation: linear}]}
        training: {batch_size: 8, epochs: 1}
        methods:
          - {name: BP, rule: backprop, learning_rate: 0.5}

        """
        let spec = try ExperimentSpec.parse(text, file: "bp-only.yaml")
        let error = #expect(throws: GradientCheckError.self) { try GradientCheck.measure(spec: spec) }
        #expect(error == .noPerturbationMethod(file: "bp-only.yaml"))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("bp-only.yaml: methods: no perturbation method"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func impossibleOptionsAreRejected() throws {
        let spec = try Self.spec()
        #expect(throws: GradientCheckError.self) { try GradientCheck.measure(spec: spec, options: .init(samples: [1])) }
        #expect(throws: GradientCheckError.self) { try GradientCheck.measure(spec: spec, options: .init(widthFactors: [0])) }
        #expect(throws: GradientCheckError.self) { try GradientCheck.measure(spec: spec, options: .init(batchSize: 1)) }
        // More instances than training rows only make sense when the rows are copies of one.
        #expect(throws: GradientCheckError.self) { try GradientCheck.measure(spec: spec, options: .init(samples: [2], batchSize: 65)) }
        #expect(try GradientCheck.measure(spec: spec, options: .init(samples: [2], batchSize: 65, sameSample: true)).batchSize == 65)
    }

    @Test func csvHasTheDocumentedColumns() throws {
        let report = try Self.shared.get()
        let lines = report.csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "method,rule,width_factor,hidden_sizes,samples,cosine,relative_bias,bias_ci_halfwidth,"
                + "bias_interval_contains_zero,normalized_variance,layer_cosines,expected_scale,note")
        #expect(lines.count == report.rows.count + 1)
        let wp = try #require(lines.first { $0.hasPrefix("WP,weight-perturbation,2.0,16;8,2700,") })
        let fields = wp.split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 13)
        #expect(fields[10].split(separator: ";").count == 3)
        #expect(fields[8] == "true" || fields[8] == "false")
    }

    // MARK: - Command line

    @Test func commandPrintsATableAndWritesTheCSV() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("spec.yaml", Self.specText)
        let result = try NeuromodCLI.run(["gradcheck", spec, "--samples", "10,20", "--widths", "1,0.5", "--batch", "8",
                                          "--same-sample", "--out", scratch.path("out")], in: scratch.cwd)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("training row 0 repeated 8×"), "\(result.stdout)")
        #expect(result.stdout.contains("rel. bias ± 95% CI"))
        let csv = String(decoding: try scratch.data("out/gradcheck.csv"), as: UTF8.self)
        #expect(csv.split(separator: "\n").count == 1 + 5 * 2 * 2)
        #expect(try scratch.contents("out") == ["gradcheck.csv", "provenance.json"], "no temporary file left behind")
        #expect(try scratch.contents("cwd") == [])
    }

    @Test func commandRejectsABackpropOnlySpecInOneLine() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("bp.yaml", tinySinusoidSpec)
        let result = try NeuromodCLI.run(["gradcheck", spec, "--out", scratch.path("out")], in: scratch.cwd)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.count == 1 && result.errorLines.count == 1, "\(result)")
        #expect(result.stderr.contains("\(spec): methods: no perturbation method"), "\(result)")
        #expect(!scratch.exists("out"))
    }

    @Test func commandRejectsABadSampleList() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("spec.yaml", Self.specText)
        let result = try NeuromodCLI.run(["gradcheck", spec, "--samples", "10,x"], in: scratch.cwd)
        #expect(result.status != 0)
        #expect(result.stderr.contains("--samples expects comma-separated integers ≥ 2"), "\(result)")
        #expect(try scratch.contents("cwd") == [])
    }
}
