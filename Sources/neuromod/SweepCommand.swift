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

    @Argument(help: "Path to the experiment spec (YAML) with a 'sweep' section.")
    var spec: String

    @Option(help: "Runs per configuration (default: the spec's 'runs').")
    var runs: Int?

    @Option(help: "Master seed (default: the spec's 'seed').")
    var seed: UInt64?

    @Option(help: "Output folder (default: the spec's 'output').")
    var out: String?

    @Option(help: "Folder that '$DATA/' paths in specs refer to (default: $NEUROMOD_DATA or ../shared/data).")
    var dataDir: String?

    @Option(help: "Runs trained at the same time (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let runs, runs <= 0 { throw ValidationError("--runs must be a positive integer, got \(runs)") }
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
    }

    func run() throws {
        let dataDirectory = dataDir ?? ProcessInfo.processInfo.environment["NEUROMOD_DATA"] ?? "../shared/data"
        do {
            var experiment = try ExperimentSpec.load(path: spec, dataDirectory: dataDirectory)
            if let runs { experiment.runs = runs }
            if let seed { experiment.seed = seed }
            if let out { experiment.output = out }
            let sweep = try Sweep(spec: experiment)
            BLASThreads.set(1)
            let reporter = ProgressReporter(enabled: !quiet, totalEpochs: sweep.configurations.count * experiment.runs * experiment.training.epochs)
            let (rows, result) = try sweep.run(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                               progress: { reporter.report($0) })
            reporter.finish()
            let text = (try? String(contentsOfFile: spec, encoding: .utf8)) ?? ""
            try ResultWriter.write(result, specText: "# neuromod sweep \(spec)\n" + text, to: experiment.output)
            try ResultWriter.atomicWrite(Data(Sweep.csv(rows).utf8), to: experiment.output, name: "sweep.csv")
            print(render(rows, title: "\(experiment.name): \(sweep.configurations.count) configurations × \(experiment.runs) runs"))
            print("wrote sweep.csv and \(ResultWriter.files.joined(separator: ", ")) to \(experiment.output)")
        } catch let error as CustomStringConvertible & Error {
            throw CLIError(message: error.description)
        }
    }

    func render(_ rows: [SweepRow], title: String) -> String {
        let header = ["method", "rank", "η", "σ", "diverged", "final train loss", "mean var across runs"]
        let cells = rows.map { r in
            [r.method, "\(r.rank)", "\(r.learningRate)", r.sigma.map { "\($0)" } ?? "–", "\(r.diverged)/\(r.runs)",
             r.meanFinalLoss.isNaN ? "–" : String(format: "%.4g ± %.2g", r.meanFinalLoss, r.sdFinalLoss),
             String(format: "%.3g", r.meanVarianceAcrossRuns)]
        }
        let widths = header.indices.map { c in ([header] + cells).map { $0[c].count }.max()! }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([title, line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + cells.map(line)).joined(separator: "\n")
    }
}
