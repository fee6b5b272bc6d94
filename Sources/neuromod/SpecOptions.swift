import ArgumentParser
import Foundation
import NeuromodLab
import NeuromodTasks

/// The options every spec-driven subcommand shares: the spec, the seed, the data folder and the
/// number of concurrent jobs.
struct SpecOptions: ParsableArguments {
    @Argument(help: "Path to the experiment spec (YAML).")
    var spec: String

    @Option(help: "Master seed (default: the spec's 'seed'). Same spec + seed gives the same numbers.")
    var seed: UInt64?

    @Option(help: "Folder that '$DATA/' paths in specs refer to (default: $NEUROMOD_DATA, else ../shared/data if present, else the dataset cache ~/.cache/neuromod).")
    var dataDir: String?

    @Option(help: "Runs (or measurements) computed at the same time, one per thread (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Option(help: "Most memory a study may need, e.g. 8G, 512M, 16GiB (default: $NEUROMOD_MEMORY_LIMIT, else half of physical memory). Specs and data files that need more are refused before anything is allocated.")
    var memoryLimit: String?

    /// Checks the options and sets the process-wide ``MemoryLimit`` (before any spec is read).
    func validate() throws {
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
        if let text = memoryLimit ?? ProcessInfo.processInfo.environment["NEUROMOD_MEMORY_LIMIT"] {
            guard let bytes = MemoryLimit.parse(text) else {
                throw ValidationError("--memory-limit must be a size such as 8G, 512M or 16GiB, got '\(text)'")
            }
            MemoryLimit.bytes = bytes
        }
    }

    /// Concurrent jobs to use.
    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Where `$DATA/` paths point: `--data-dir`, else $NEUROMOD_DATA, else ../shared/data if it
    /// exists, else the dataset cache (`neuromod data fetch` fills it; see ``DatasetStore``).
    var dataDirectory: String {
        if let dataDir { return dataDir }
        if let data = ProcessInfo.processInfo.environment["NEUROMOD_DATA"], !data.isEmpty { return data }
        return FileManager.default.fileExists(atPath: "../shared/data") ? "../shared/data" : DatasetStore.defaultFolder()
    }

    /// Reads the spec, with `--seed` applied.
    func load() throws -> ExperimentSpec {
        if EpisodicSpec.isEpisodic(text: text) {
            throw CLIError(message: "\(spec): an environment spec; only `neuromod run` trains those (sweep and gradcheck need a task spec)")
        }
        if ReadoutSpec.describes(text: text) || EvolutionSpec.describes(text: text) {
            throw CLIError(message: "\(spec): a readout or evolution study; only `neuromod run` runs those (sweep and gradcheck need a task spec)")
        }
        var experiment = try ExperimentSpec.load(path: spec, dataDirectory: dataDirectory)
        if let seed { experiment.seed = seed }
        return experiment
    }

    /// The spec file's text, for the copy written beside the results; empty when the file cannot be
    /// read or is too large (loading the spec then reports why).
    var text: String { (try? SpecText.read(path: spec)) ?? "" }
}

/// An error printed as one line "Error: …" with exit code 1.
/// The method names `--methods` lists (comma-separated), checked against the spec's `known` names.
func selectedMethods(_ list: String, known: [String], spec: String) throws -> [String] {
    let wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    if let unknown = wanted.first(where: { !known.contains($0) }) {
        throw CLIError(message: "--methods: '\(unknown)' is not a method of \(spec) (methods: \(known.joined(separator: ", ")))")
    }
    return wanted
}

struct CLIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs `body`, turning every error the libraries throw (each has a one-line description naming the
/// file, field or run) into a ``CLIError``.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CustomStringConvertible & Error {
        throw CLIError(message: error.description)
    }
}
