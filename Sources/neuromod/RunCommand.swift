import ArgumentParser
import Foundation
import Neuromod
import NeuromodLab

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train every method of a spec for its runs and write metrics and a summary.",
        discussion: """
        Progress goes to stderr (a bar on a terminal, one line per run otherwise); the summary table \
        goes to stdout. Files are written only when every run has finished; each is complete or absent. \
        A loss that becomes NaN or infinite stops the experiment with exit code 1 and writes nothing.

        Example:
          neuromod run Models/thesis/sinusoid.yaml
          neuromod run Models/thesis/california-housing.yaml --runs 5 --out runs/housing
        """)

    @Argument(help: "Path to the experiment spec (YAML).")
    var spec: String

    @Option(help: "Number of independent runs (default: the spec's 'runs').")
    var runs: Int?

    @Option(help: "Master seed (default: the spec's 'seed'). Same spec + seed gives the same metrics.")
    var seed: UInt64?

    @Option(help: "Output folder (default: the spec's 'output', relative to the working directory).")
    var out: String?

    @Option(help: "Minibatch order: 'shared' (all runs see one order) or 'per-run' (each run shuffles its own); default: the spec's 'training.data_order'.")
    var dataOrder: String?

    @Option(help: "Folder that '$DATA/' paths in specs refer to (default: $NEUROMOD_DATA or ../shared/data).")
    var dataDir: String?

    @Option(help: "Runs trained at the same time, one per thread (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Option(help: "Threads OpenBLAS may use inside each run (default 1: the matrices here are too small to gain from more).")
    var blasThreads: Int = 1

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let runs, runs <= 0 { throw ValidationError("--runs must be a positive integer, got \(runs)") }
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
        if let dataOrder, DataOrder(rawValue: dataOrder) == nil {
            throw ValidationError("--data-order must be 'shared' or 'per-run', got '\(dataOrder)'")
        }
        if blasThreads <= 0 { throw ValidationError("--blas-threads must be a positive integer, got \(blasThreads)") }
    }

    func run() throws {
        let dataDirectory = dataDir ?? ProcessInfo.processInfo.environment["NEUROMOD_DATA"] ?? "../shared/data"
        do {
            var experiment = try ExperimentSpec.load(path: spec, dataDirectory: dataDirectory)
            var overrides: [String] = []
            if let runs { experiment.runs = runs; overrides.append("--runs \(runs)") }
            if let seed { experiment.seed = seed; overrides.append("--seed \(seed)") }
            if let out { experiment.output = out; overrides.append("--out \(out)") }
            if let dataOrder { experiment.training.dataOrder = DataOrder(rawValue: dataOrder)!; overrides.append("--data-order \(dataOrder)") }
            let runner = try Runner(spec: experiment)
            let reporter = ProgressReporter(enabled: !quiet, totalEpochs: experiment.methods.count * experiment.runs * experiment.training.epochs)
            BLASThreads.set(blasThreads)
            let result = try runner.run(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                        progress: { reporter.report($0) })
            reporter.finish()
            let header = "# neuromod run \(spec)\(overrides.isEmpty ? "" : " " + overrides.joined(separator: " "))\n"
            let text = (try? String(contentsOfFile: spec, encoding: .utf8)) ?? ""
            try ResultWriter.write(result, specText: header + text, to: experiment.output)
            print(SummaryTable.render(result))
            print("wrote \(ResultWriter.files.joined(separator: ", ")) to \(experiment.output)")
        } catch let error as SpecError {
            throw CLIError(message: error.description)
        } catch let error as RunError {
            throw CLIError(message: error.description)
        } catch let error as CustomStringConvertible & Error {
            throw CLIError(message: error.description)
        }
    }
}

/// An error printed as one line "error: …" with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
