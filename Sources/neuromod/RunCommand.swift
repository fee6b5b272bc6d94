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
    @OptionGroup var overrides: StudyOverrideOptions

    @Option(help: "Output folder (default: the spec's 'output', relative to the working directory).")
    var out: String?

    @Option(help: "Minibatch order, for task studies: 'shared' (all runs see one order) or 'per-run' (each run shuffles its own); default: the spec's 'training.data_order'.")
    var dataOrder: String?

    @Option(help: "Threads OpenBLAS may use inside each run (default 1: the matrices here are too small to gain from more).")
    var blasThreads: Int = 1

    @Flag(help: "Also write each run's final network (weights, biases, layer sizes, activations) as weights/METHOD-run-R.npz, with weights/index.csv; NumPy reads them (docs/weights.md). Task, episodic and readout studies.")
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
            var spec = try StudyRegistry.load(path: options.spec, dataDirectory: options.dataDirectory)
            var changes = overrides.changes(seed: options.seed)
            changes.output = out
            changes.dataOrder = dataOrder.flatMap(DataOrder.init(rawValue:))
            changes.saveWeights = saveWeights
            try spec.apply(changes)
            try run(spec, changes: changes)
        }
    }

    /// Runs a study of any kind: the memory check with --jobs, the output folder checked before any
    /// work, progress on stderr, the results folder written whole, the summary table on stdout.
    private func run<S: StudySpec>(_ spec: S, changes: StudyOverrides) throws {
        try spec.memoryEstimate(jobs: options.jobCount).check(file: options.spec)
        let folder = try options.resultFolder(spec.output)
        Provenance.describeGenerator(spec.random)
        let reporter = ProgressReporter(enabled: !quiet)
        BLASThreads.set(blasThreads)
        let outcome = try spec.run(jobs: options.jobCount) { reporter.report($0) }
        reporter.finish()
        let command = "# neuromod run \(options.spec)\(changes.commandLine.isEmpty ? "" : " " + changes.commandLine)\n"
        let files = try ResultWriter.files(of: outcome, specText: command + options.text)
        try folder.write(files)
        print(outcome.table)
        print("wrote \(ResultFolder.shownNames(files).joined(separator: ", ")) to \(spec.output)")
    }
}
