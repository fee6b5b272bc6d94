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

    @Flag(help: "Replace an existing output folder. The old folder is replaced only once the new results are complete; without --force an existing folder is refused before any work.")
    var force = false

    @Option(help: "Most memory a study may need, e.g. 8G, 512M, 16GiB (default: $NEUROMOD_MEMORY_LIMIT, else half of physical memory). Specs and data files that need more are refused before anything is allocated.")
    var memoryLimit: String?

    /// Checks the options and sets the process-wide ``MemoryLimit`` (before any spec is read) and the
    /// run's ``Provenance`` (spec path and hash, jobs, command line, start time).
    func validate() throws {
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
        if let text = memoryLimit ?? ProcessInfo.processInfo.environment["NEUROMOD_MEMORY_LIMIT"] {
            guard let bytes = MemoryLimit.parse(text) else {
                throw ValidationError("--memory-limit must be a size such as 8G, 512M or 16GiB, got '\(text)'")
            }
            MemoryLimit.bytes = bytes
        }
        Provenance.describeRun(specPath: spec, jobs: jobCount)
    }

    /// The output folder at `path`, checked (and cleaned of killed runs' temporaries) before any work.
    func resultFolder(_ path: String) throws -> ResultFolder { try ResultFolder(path, force: force) }

    /// Concurrent jobs to use.
    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Where `$DATA/` paths point: `--data-dir`, else $NEUROMOD_DATA, else ../shared/data if it
    /// exists, else the dataset cache (`neuromod data fetch` fills it; see ``DatasetStore``).
    var dataDirectory: String {
        if let dataDir { return dataDir }
        if let data = ProcessInfo.processInfo.environment["NEUROMOD_DATA"], !data.isEmpty { return data }
        return FileManager.default.fileExists(atPath: "../shared/data") ? "../shared/data" : DatasetStore.defaultFolder()
    }

    /// Reads a task study's spec, with `--seed` applied; a spec of another kind is a usage error.
    func load() throws -> ExperimentSpec {
        let kind = try StudyRegistry.kind(ofText: text, file: spec)
        guard ObjectIdentifier(kind) == ObjectIdentifier(ExperimentSpec.self) else {
            throw CLIError.usage("\(spec): \(kind.kind.titleWithArticle); only `neuromod run` runs those (sweep and gradcheck need a task study)")
        }
        var experiment = try ExperimentSpec.load(path: spec, dataDirectory: dataDirectory)
        if let seed { experiment.seed = seed }
        Provenance.describeGenerator(experiment.random)
        return experiment
    }

    /// The spec file's text, for the copy written beside the results; empty when the file cannot be
    /// read or is too large (loading the spec then reports why).
    var text: String { (try? SpecText.read(path: spec)) ?? "" }
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
    } catch let error as StudyOverrideError {
        throw CLIError.usage(error.description)
    } catch let error as CustomStringConvertible & Error {
        throw CLIError(message: error.description)
    }
}
