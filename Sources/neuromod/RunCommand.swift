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
        goes to stdout. Files are written only when every run has finished, into a temporary folder renamed \
        into place, so the output folder is whole or absent; an existing one is refused unless --force. \
        A loss that becomes NaN or infinite stops the experiment with exit code 1 and writes nothing.

        Example:
          neuromod run Models/thesis/sinusoid.yaml
          neuromod run Models/thesis/california-housing.yaml --runs 5 --out runs/housing
        """)

    @OptionGroup var options: SpecOptions

    /// --runs, --methods, --episodes, --epochs, --generations (shared with `neuromod check`).
    @OptionGroup var overrides: StudyOverrides
    private var runs: Int? { overrides.runs }
    private var methods: String? { overrides.methods }
    private var episodes: Int? { overrides.episodes }
    private var epochs: Int? { overrides.epochs }
    private var generations: Int? { overrides.generations }

    @Option(help: "Output folder (default: the spec's 'output', relative to the working directory).")
    var out: String?

    @Option(help: "Minibatch order: 'shared' (all runs see one order) or 'per-run' (each run shuffles its own); default: the spec's 'training.data_order'.")
    var dataOrder: String?

    @Option(help: "Threads OpenBLAS may use inside each run (default 1: the matrices here are too small to gain from more).")
    var blasThreads: Int = 1

    @Flag(help: "Also write each run's final network (weights, biases, layer sizes, activations) as weights/METHOD-run-R.npz, with weights/index.csv; NumPy reads them (docs/weights.md). Task, episodic and readout specs.")
    var saveWeights = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let dataOrder, DataOrder(rawValue: dataOrder) == nil {
            throw ValidationError("--data-order must be 'shared' or 'per-run', got '\(dataOrder)'")
        }
        if blasThreads <= 0 { throw ValidationError("--blas-threads must be a positive integer, got \(blasThreads)") }
    }

    func run() throws {
        try reportingErrors {
            if EvolutionSpec.describes(text: options.text) {
                if saveWeights { throw CLIError.usage("--save-weights applies to task, episodic and readout specs, not to evolution studies") }
                if dataOrder != nil || episodes != nil || methods != nil || epochs != nil {
                    throw CLIError.usage("--data-order, --episodes, --methods and --epochs do not apply to evolution studies")
                }
                BLASThreads.set(blasThreads)
                return try EvolutionRun.run(options: options, runs: runs, out: out, generations: generations, quiet: quiet)
            }
            if generations != nil { throw CLIError.usage("--generations applies to evolution studies (specs with an 'evolution:' section)") }
            if ReadoutSpec.describes(text: options.text) {
                if dataOrder != nil || episodes != nil {
                    throw CLIError.usage("--data-order and --episodes do not apply to readout studies")
                }
                BLASThreads.set(blasThreads)
                return try ReadoutRun.run(options: options, runs: runs, out: out, methods: methods, epochs: epochs, quiet: quiet, saveWeights: saveWeights)
            }
            if epochs != nil { throw CLIError.usage("--epochs applies to readout studies (specs with a 'readout:' section)") }
            if EpisodicSpec.isEpisodic(text: options.text) {
                if dataOrder != nil { throw CLIError.usage("--data-order applies to specs with a task, not an environment") }
                BLASThreads.set(blasThreads)
                return try EpisodicRun.run(options: options, runs: runs, out: out, methods: methods, episodes: episodes, quiet: quiet, saveWeights: saveWeights)
            }
            if episodes != nil { throw CLIError.usage("--episodes applies to specs with an environment, not a task") }
            var experiment = try options.load()
            var overrides: [String] = []
            if let runs { experiment.runs = runs; overrides.append("--runs \(runs)") }
            if let seed = options.seed { overrides.append("--seed \(seed)") }
            if let out { experiment.output = out; overrides.append("--out \(out)") }
            if let methods {
                let wanted = try selectedMethods(methods, known: experiment.methods.map(\.name), spec: options.spec)
                experiment.methods = experiment.methods.filter { wanted.contains($0.name) }
                overrides.append("--methods \(methods)")
            }
            if let dataOrder { experiment.training.dataOrder = DataOrder(rawValue: dataOrder)!; overrides.append("--data-order \(dataOrder)") }
            // The command-line overrides change sizes: check them again, with --jobs.
            try experiment.memoryEstimate(jobs: options.jobCount).check(file: options.spec)
            let folder = try options.resultFolder(experiment.output)
            var runner = try Runner(spec: experiment)
            runner.keepsFinalNetworks = saveWeights
            let reporter = ProgressReporter(enabled: !quiet, totalEpochs: experiment.methods.count * experiment.runs * experiment.training.epochs)
            BLASThreads.set(blasThreads)
            let result = try runner.run(jobs: options.jobCount, progress: { reporter.report($0) })
            reporter.finish()
            let header = "# neuromod run \(options.spec)\(overrides.isEmpty ? "" : " " + overrides.joined(separator: " "))\n"
            try ResultWriter.write(result, specText: header + options.text, to: folder)
            print(SummaryTable.render(result))
            print("wrote \((ResultWriter.files + (saveWeights ? ["\(WeightFiles.folder)/"] : [])).joined(separator: ", ")) to \(experiment.output)")
        }
    }
}
