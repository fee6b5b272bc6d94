import ArgumentParser
import Foundation
import NeuromodLab

/// The options every spec-driven subcommand shares: the spec, the seed, the data folder and the
/// number of concurrent jobs.
struct SpecOptions: ParsableArguments {
    @Argument(help: "Path to the experiment spec (YAML).")
    var spec: String

    @Option(help: "Master seed (default: the spec's 'seed'). Same spec + seed gives the same numbers.")
    var seed: UInt64?

    @Option(help: "Folder that '$DATA/' paths in specs refer to (default: $NEUROMOD_DATA or ../shared/data).")
    var dataDir: String?

    @Option(help: "Runs (or measurements) computed at the same time, one per thread (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Flag(help: "Replace an existing output folder. The old folder is replaced only once the new results are complete; without --force an existing folder is refused before any work.")
    var force = false

    func validate() throws {
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
    }

    /// The output folder at `path`, checked (and cleaned of killed runs' temporaries) before any work.
    func resultFolder(_ path: String) throws -> ResultFolder { try ResultFolder(path, force: force) }

    /// Concurrent jobs to use.
    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Where `$DATA/` paths point: `--data-dir`, else $NEUROMOD_DATA, else ../shared/data.
    var dataDirectory: String { dataDir ?? ProcessInfo.processInfo.environment["NEUROMOD_DATA"] ?? "../shared/data" }

    /// Reads the spec, with `--seed` applied.
    func load() throws -> ExperimentSpec {
        if EpisodicSpec.isEpisodic(text: text) {
            throw CLIError.usage("\(spec): an environment spec; only `neuromod run` trains those (sweep and gradcheck need a task spec)")
        }
        if ReadoutSpec.describes(text: text) || EvolutionSpec.describes(text: text) {
            throw CLIError.usage("\(spec): a readout or evolution study; only `neuromod run` runs those (sweep and gradcheck need a task spec)")
        }
        var experiment = try ExperimentSpec.load(path: spec, dataDirectory: dataDirectory)
        if let seed { experiment.seed = seed }
        return experiment
    }

    /// The spec file's text, for the copy written beside the results.
    var text: String { (try? String(contentsOfFile: spec, encoding: .utf8)) ?? "" }
}

/// The method names `--methods` lists (comma-separated), checked against the spec's `known` names;
/// an empty list is a usage error.
func selectedMethods(_ list: String, known: [String], spec: String) throws -> [String] {
    let wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    if wanted.isEmpty {
        throw CLIError.usage("--methods: list at least one method of \(spec) (methods: \(known.joined(separator: ", ")))")
    }
    if let unknown = wanted.first(where: { !known.contains($0) }) {
        throw CLIError.usage("--methods: '\(unknown)' is not a method of \(spec) (methods: \(known.joined(separator: ", ")))")
    }
    return wanted
}

/// An error printed as one line "Error: …" (see ``ExitStatus``): exit code 2 when it is a usage
/// error (an option that is malformed or does not apply to the spec), 1 otherwise.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var isUsage = false
    var description: String { message }

    /// A usage error (exit code 2).
    static func usage(_ message: String) -> CLIError { CLIError(message: message, isUsage: true) }
}

/// Runs `body`, turning every error the libraries throw (each has a one-line description naming the
/// file, field or run) into a ``CLIError``.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CLIError {
        throw error
    } catch let error as CustomStringConvertible & Error {
        throw CLIError(message: error.description)
    }
}
