import Foundation
import Neuromod
import NeuromodTasks

/// Where a results folder came from: `provenance.json`, written by ``ResultFolder/write(_:)`` into
/// every results folder (task, episodic, readout and evolution studies, sweeps, gradient checks).
///
/// | field | contents |
/// |---|---|
/// | `neuromod` | `version` (``NeuromodVersion``), `commit` (40 hex digits or `"unknown"`), `dirty` (null when unknown); see ``SourceRevision`` |
/// | `run` | `commandLine` (`CommandLine.arguments`), `specPath` and `specSHA256` of the spec file as read, `generator` (the spec's `random:`), `jobs` (`--jobs` as used), `blasThreads` (OpenBLAS's thread count when the folder is written), `precision` (a task study's `training.precision`, else null), `started` (UTC, ISO 8601) |
/// | `machine` | `cpu` (model name, or `"unknown"`), `cores` (active processors), `os`, `kernel`, `architecture` (from uname) |
/// | `build` | `configuration` (`debug`/`release`), `swiftCompiler` (the compiler's version as far as `#if compiler` tells, e.g. `>= 6.3`) |
/// | `libraries` | `blas` (`OpenBLAS`, `BLIS` or `unknown`), `blasConfig` and `blasCore` (OpenBLAS's `openblas_get_config()` and `openblas_get_corename()`), `blasCoreSource` (who chose the core: `detected`, `environment` or `neuromod`; null for another BLAS) and `blasCoreDetected` (the core OpenBLAS had detected when neuromod selected another, else null; see ``BLASKernelSelection``), `gsl` (`gsl_version`) |
/// | `kernels` | `level` (the elementwise kernels' level that ran: `portable`, `avx2` or `avx512`; see `Kernels`), `available` (the levels this CPU offers, best first), `forced` (whether `NEUROMOD_KERNELS` chose it) |
///
/// Every field is machine- or time-dependent and nothing else in a results folder depends on it:
/// the other files stay byte-identical across machines. Fields the process cannot know (a library
/// call from a program that never described its run) are null.
public struct Provenance: Codable, Sendable, Equatable {
    public var neuromod: Software
    public var run: RunDescription
    public var machine: Machine
    public var build: Build
    public var libraries: Libraries
    public var kernels: KernelChoice

    public struct Software: Codable, Sendable, Equatable {
        public var version: String
        public var commit: String
        public var dirty: Bool?
    }

    public struct Machine: Codable, Sendable, Equatable {
        public var cpu: String
        public var cores: Int
        public var os: String
        public var kernel: String
        public var architecture: String
    }

    public struct Build: Codable, Sendable, Equatable {
        public var configuration: String
        public var swiftCompiler: String
    }

    public struct Libraries: Codable, Sendable, Equatable {
        public var blas: String
        public var blasConfig: String
        public var blasCore: String
        /// `detected`, `environment` or `neuromod` (``BLASKernel/Source``); nil for another BLAS.
        public var blasCoreSource: String? = nil
        /// The core OpenBLAS had detected when ``BLASKernelSelection`` selected ``blasCore``; else nil.
        public var blasCoreDetected: String? = nil
        public var gsl: String
    }

    /// The level of Neuromod's elementwise kernels in this process (``Kernels``).
    public struct KernelChoice: Codable, Sendable, Equatable {
        public var level: String
        public var available: [String]
        public var forced: Bool

        static var current: KernelChoice {
            KernelChoice(level: Kernels.selected.rawValue, available: Kernels.available.map(\.rawValue), forced: Kernels.forced)
        }
    }

    /// The provenance of this process now: the run as described through ``describeRun(specPath:jobs:)``
    /// and ``describeGenerator(_:)``, with the commit looked up once per process.
    public static func current() -> Provenance {
        let revision = cachedRevision
        var run = RunContext.snapshot()
        run.blasThreads = BLASThreads.current
        return Provenance(
            neuromod: Software(version: NeuromodVersion.string, commit: revision.commit, dirty: revision.dirty),
            run: run, machine: .current, build: .current, libraries: .current, kernels: .current)
    }

    /// `provenance.json`'s bytes: sorted keys, pretty-printed, slashes unescaped.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The file name in a results folder.
    public static let fileName = "provenance.json"

    /// Records the spec file (path as given, and the SHA-256 of its bytes now) and the job count of
    /// this process's run, with the command line and the start time. Call once, before any work.
    public static func describeRun(specPath: String?, jobs: Int?) {
        RunContext.update { run in
            run.commandLine = CommandLine.arguments
            run.specPath = specPath
            run.specSHA256 = specPath.flatMap { SHA256.hex(fileAt: $0) }
            run.jobs = jobs
            run.started = RunContext.timestamp(Date())
        }
    }

    /// Records the random generator the loaded spec uses (its `random:` name).
    public static func describeGenerator(_ generator: RandomAlgorithm) {
        RunContext.update { $0.generator = generator.rawValue }
    }

    private static let cachedRevision = SourceRevision.lookUp()
}

/// What the program said about its run (see ``Provenance/describeRun(specPath:jobs:)``).
public struct RunDescription: Codable, Sendable, Equatable {
    public var commandLine: [String]
    public var specPath: String?
    public var specSHA256: String?
    public var generator: String?
    public var jobs: Int?
    public var blasThreads: Int?
    /// A task study's minibatch precision (`float64` or `float32`); null for other studies.
    public var precision: String? = nil
    /// UTC, ISO 8601 (e.g. `2026-11-30T06:10:18Z`); the process's first use of provenance when the
    /// run was never described.
    public var started: String
}

/// The process-wide ``RunDescription``, behind a lock.
enum RunContext {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = RunDescription(
        commandLine: CommandLine.arguments, specPath: nil, specSHA256: nil, generator: nil, jobs: nil,
        blasThreads: nil, started: timestamp(Date()))

    static func update(_ change: (inout RunDescription) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&current)
    }

    static func snapshot() -> RunDescription {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

extension Provenance {
    /// `files` followed by `provenance.json` of ``current()``; `files` unchanged when it already
    /// holds that name.
    static func adding(to files: ResultFiles) throws -> ResultFiles {
        guard !files.contains(where: { $0.name == fileName }) else { return files }
        return files + [(fileName, try current().encoded())]
    }
}
