import ArgumentParser
import Foundation
import Neuromod
import NeuromodLab

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train every configuration of a spec's hyperparameter grids and rank them.",
        discussion: """
        The spec's 'sweep' section lists, per method, the learning rates and noise scales to try; every \\
        combination is trained for the spec's runs (diverged runs are counted, not fatal). Within each \\
        method, configurations are ranked by fewest diverged runs, then lowest mean final training loss, \\
        then lowest variance across runs (the thesis's stability measure). Writes sweep.csv and the usual \\
        run files (one method per configuration) into the output folder.

        Example:
          neuromod sweep Models/thesis/sinusoid-sweep.yaml --runs 3
        """)

    @OptionGroup var options: SpecOptions

    @Option(help: "Runs per configuration (default: the spec's 'runs').")
    var runs: Int?

    @Option(help: "Output folder (default: the spec's 'output').")
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let runs, runs <= 0 { throw ValidationError("--runs must be a positive integer, got \(runs)") }
    }

    func run() throws {
        try reportingErrors {
            var experiment = try options.load()
            if let runs { experiment.runs = runs }
            if let out { experiment.output = out }
            let folder = try options.resultFolder(experiment.output)
            let sweep = try Sweep(spec: experiment)
            BLASThreads.set(1)
            let reporter = ProgressReporter(enabled: !quiet)
            let (rows, result) = try sweep.run(jobs: options.jobCount, progress: { reporter.report($0) })
            reporter.finish()
            let files = try ResultWriter.files(of: result, specText: "# neuromod sweep \(options.spec)\n" + options.text)
                + [("sweep.csv", Data(Sweep.csv(rows).utf8))]
            try folder.write(files)
            print(render(rows, title: "\(experiment.name): \(sweep.configurations.count) configurations × \(experiment.runs) runs"))
            print("wrote \(ResultFolder.shownNames(files).joined(separator: ", ")) to \(experiment.output)")
        }
    }

    func render(_ rows: [SweepRow], title: String) -> String {
        TextTable.render(
            title: title,
            header: ["method", "rank", "η", "σ", "diverged", "final train loss", "mean var across runs"],
            rows: rows.map { r in
                [r.method, "\(r.rank)", "\(r.learningRate)", r.sigma.map { "\($0)" } ?? "–", "\(r.diverged)/\(r.runs)",
                 r.meanFinalLoss.isNaN ? "–" : String(format: "%.4g ± %.2g", r.meanFinalLoss, r.sdFinalLoss),
                 String(format: "%.3g", r.meanVarianceAcrossRuns)]
            })
    }
}
