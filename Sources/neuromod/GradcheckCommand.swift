import ArgumentParser
import Foundation
import Neuromod
import NeuromodLab

struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Compare each perturbation method's mean update with the exact backprop gradient.",
        discussion: """
        For every method of the spec except backprop (the reference), the network of run 0 is built \
        (same initial weights as 'neuromod run'), a fixed batch is taken, and K updates are drawn from \
        independent probe noise. Their mean is compared with the update the rule should make in \
        expectation (−η·c·∇L; c = σ for weight perturbation, 1 for node perturbation, SPSA and ES, \
        times (B − 1)/B for a batch-mean baseline): cosine, relative bias with its 95 % interval, \
        per-parameter variance of one update (divided by |mean signal|²/P) and per-layer cosines. \
        An unbiased rule shows cosine → 1 and an interval that contains 0 and narrows like 1/√K.

        Every local rule is checked, preset or declared in the spec. A running-average baseline is measured \
        as batch-mean, and intrinsic noise is off unless --intrinsic-noise; the note column says so. The table goes to stdout; gradcheck.csv (written atomically) to --out.

        Examples:
          neuromod gradcheck Models/validation/gradcheck-sinusoid.yaml --same-sample
          neuromod gradcheck spec.yaml --samples 10,100,1000,10000 --widths 0.5,1,2
        """)

    @OptionGroup var options: SpecOptions

    @Option(help: "Comma-separated numbers of noise draws K per measurement, each ≥ 2.")
    var samples: String = "10,100,1000"

    @Option(help: "Comma-separated factors for every hidden layer's size (rounded to whole neurons, at least 1; the output layer keeps its size).")
    var widths: String = "1"

    @Option(help: "Instances in the fixed batch, ≥ 2 (default: the spec's 'batch_size', at most the training-set size).")
    var batch: Int?

    @Flag(help: """
        Fill the batch with copies of the first training row (default: off, the first rows of the training \
        set). With distinct rows the batch-mean baseline leaves each instance's modulator with the spread of \
        the clean losses over the batch; times the probe's local term this is noise whose variance, relative \
        to the squared mean update, is ∝ Var(L⁽ⁿ⁾)/σ² and has nothing to do with the estimator. One repeated \
        row isolates the estimator's own noise.
        """)
    var sameSample = false

    @Flag(help: """
        Keep the populations' intrinsic noise on in the rule's passes (default: off). The reference stays the \
        noiseless network's exact gradient, so the bias column shows what a noisy device does to the rule.
        """)
    var intrinsicNoise = false

    @Option(help: "Output folder for gradcheck.csv (default: the spec's 'output' + /gradcheck, relative to the working directory).")
    var out: String?

    func validate() throws {
        _ = try sampleCounts()
        _ = try widthFactors()
        if let batch, batch < 2 { throw ValidationError("--batch must be at least 2 (batch-mean baseline), got \(batch)") }
    }

    func sampleCounts() throws -> [Int] {
        try Self.list(samples, option: "--samples") { Int($0).flatMap { $0 >= 2 ? $0 : nil } }
    }

    func widthFactors() throws -> [Double] {
        try Self.list(widths, option: "--widths") { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
    }

    static func list<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [T] = []
        for item in items {
            guard let value = parse(item) else {
                let expected = option == "--samples" ? "integers ≥ 2" : "positive numbers"
                throw ValidationError("\(option) expects comma-separated \(expected), got '\(item)' in '\(text)'")
            }
            values.append(value)
        }
        return values
    }

    func run() throws {
        try reportingErrors {
            let experiment = try options.load()
            let path = out ?? (experiment.output as NSString).appendingPathComponent("gradcheck")
            let folder = try options.resultFolder(path)
            let settings = GradientCheck.Options(samples: try sampleCounts(), widthFactors: try widthFactors(),
                                                 batchSize: batch, sameSample: sameSample,
                                                 intrinsicNoise: intrinsicNoise)
            // The matrices are tiny; parallelism comes from running measurements side by side.
            BLASThreads.set(1)
            let report = try GradientCheck.measure(spec: experiment, options: settings, jobs: options.jobCount)
            try report.writeCSV(to: folder)
            print(GradcheckTable.render(report))
            print("wrote \(GradientCheckReport.csvFile), \(Provenance.fileName) to \(path)")
        }
    }
}

/// The table printed on stdout.
enum GradcheckTable {
    static func render(_ report: GradientCheckReport) -> String {
        let header = ["method", "rule", "width", "hidden", "P", "K", "cosine", "rel. bias ± 95% CI", "0 in CI",
                      "norm. var", "layer cosines", "scale c", "note"]
        let rows = report.rows.map { r -> [String] in
            [r.method, r.rule, String(format: "%g", r.widthFactor), r.hiddenSizes.map(String.init).joined(separator: "-"),
             "\(r.parameterCount)", "\(r.samples)", String(format: "%.4f", r.cosine),
             String(format: "%+.4f ± %.4f", r.relativeBias, r.biasHalfWidth), r.biasIntervalContainsZero ? "yes" : "no",
             String(format: "%.4g", r.normalizedVariance),
             r.layerCosine.map { String(format: "%.3f", $0) }.joined(separator: " "),
             String(format: "%.4g", r.expectedScale), r.note]
        }
        let batch = report.sameSample
            ? "training row 0 repeated \(report.batchSize)×"
            : "the first \(report.batchSize) training rows"
        let title = "\(report.name): mean of K updates vs the exact gradient, seed \(report.seed), batch = \(batch)"
        return TextTable.render(title: title, header: header, rows: rows)
    }
}
