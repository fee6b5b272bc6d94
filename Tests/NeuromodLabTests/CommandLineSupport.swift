import Foundation
import Testing

// Helpers for CommandLineTests: find the built `neuromod` executable, run it as a subprocess and
// give every test its own scratch folder. Names are prefixed (`CLI…`) so they cannot clash with
// other helpers of this test target.

/// What a finished `neuromod` process left behind.
struct CLIRunResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The non-empty lines of stderr.
    var stderrLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The lines of stderr that carry an error, as swift-argument-parser prints them (`Error: …`).
    var errorLines: [String] { stderrLines.filter { $0.hasPrefix("Error: ") } }

    var description: String {
        "exit status \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

enum CLILocatorError: Error, CustomStringConvertible {
    case executableNotFound(tried: [String])

    var description: String {
        switch self {
        case .executableNotFound(let tried):
            return "the 'neuromod' executable was not found; build it first (swift build / swift test builds it). "
                + "Looked in: \(tried.joined(separator: ", "))"
        }
    }
}

enum NeuromodCLI {
    /// The package root, from this file's path (Tests/NeuromodLabTests/CommandLineSupport.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Folders the test process itself runs from. Under `swift test` on Linux the test product is the
    /// executable file `.build/<triple>/<config>/NeuromodPackageTests.xctest`, so its folder also holds
    /// the `neuromod` executable of the same configuration. On macOS the product is a bundle
    /// (`….xctest/Contents/MacOS/…`): the folder holding the `.xctest` is the build folder.
    static func testProductFolders() -> [URL] {
        var starts: [URL] = []
        if let first = CommandLine.arguments.first, !first.isEmpty {
            starts.append(URL(fileURLWithPath: first).resolvingSymlinksInPath())
        }
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath()) }
        starts.append(Bundle.main.bundleURL.resolvingSymlinksInPath())
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            starts.append(bundle.bundleURL.resolvingSymlinksInPath())
        }
        var folders: [URL] = []
        for start in starts {
            // The folder holding an enclosing `.xctest` (bundle or file), else the file's own folder.
            var url = start
            var found: URL?
            while url.pathComponents.count > 1 {
                if url.pathExtension == "xctest" { found = url.deletingLastPathComponent(); break }
                url = url.deletingLastPathComponent()
            }
            let folder = found ?? (start.hasDirectoryPath ? start : start.deletingLastPathComponent())
            if !folders.contains(folder) { folders.append(folder) }
        }
        return folders
    }

    /// The `neuromod` executable next to the test product; failing that, the newest
    /// `<package root>/.build/*/neuromod` or `<package root>/.build/*/*/neuromod`.
    static func executable() throws -> URL {
        let fm = FileManager.default
        var tried: [String] = []
        for folder in testProductFolders() {
            let candidate = folder.appendingPathComponent("neuromod")
            tried.append(candidate.path)
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let build = packageRoot.appendingPathComponent(".build")
        var fallback: [URL] = []
        if let level1 = try? fm.contentsOfDirectory(atPath: build.path) {
            for a in level1 {
                let folder = build.appendingPathComponent(a)
                fallback.append(folder.appendingPathComponent("neuromod"))
                for b in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
                    fallback.append(folder.appendingPathComponent(b).appendingPathComponent("neuromod"))
                }
            }
        }
        tried.append(build.path + "/*/neuromod, " + build.path + "/*/*/neuromod")
        func modified(_ url: URL) -> Date {
            ((try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        let existing = fallback.filter { url in
            var isFolder: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isFolder) && !isFolder.boolValue
                && fm.isExecutableFile(atPath: url.path)
        }
        if let newest = existing.max(by: { modified($0) < modified($1) }) { return newest }
        throw CLILocatorError.executableNotFound(tried: tried)
    }

    /// Runs `neuromod` with `arguments` in `workingDirectory`, stdin closed, and waits for it.
    /// Both pipes are drained while the process runs, so a chatty process cannot block on a full pipe.
    /// `setting` adds to (or, with nil, removes from) the inherited environment.
    static func run(_ arguments: [String], in workingDirectory: URL, setting: [String: String?] = [:]) throws -> CLIRunResult {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NEUROMOD_DATA")
        for (name, value) in setting { environment[name] = value }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()

        let outBox = CLIDataBox()
        let outReader = outPipe.fileHandleForReading
        let readingDone = DispatchSemaphore(value: 0)
        let thread = Thread {
            outBox.set(outReader.readDataToEndOfFile())
            readingDone.signal()
        }
        thread.start()
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        readingDone.wait()
        process.waitUntilExit()
        return CLIRunResult(status: process.terminationStatus,
                            stdout: String(decoding: outBox.get(), as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Data handed from the stdout reader thread back to the caller.
final class CLIDataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh folder under the system temporary directory for one test; remove it with ``remove()``.
/// It holds the test's spec and data files and a `cwd` folder the process runs in, so a spec's
/// default `output` (relative to the working directory) lands inside it too.
struct CLIScratchDirectory {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("neuromod-cli-\(UUID().uuidString)")

    /// The working directory of processes started by the test (empty unless something is written).
    var cwd: URL { url.appendingPathComponent("cwd") }

    init() throws {
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (which may contain subfolders) and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The names in the folder `name`, hidden files included, sorted.
    func contents(_ name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(name)).sorted()
    }

    func data(_ name: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(name))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A spec shaped like Models/thesis/sinusoid.yaml but tiny: 2 runs × 2 epochs of 64 samples in
/// batches of 16, i.e. 4 updates per epoch. Tests derive faulty specs with ``editedSpec(_:_:)``.
let tinySinusoidSpec = """
# A tiny version of Models/thesis/sinusoid.yaml for command-line tests.
name: cli-sinusoid
description: tiny noisy sinusoid
seed: 1
runs: 2
output: default-output
task:
  kind: sinusoid
  low: -3.141592653589793
  high: 3.141592653589793
  samples: 64
  noise: 0.1
network:
  input: 1
  layers:
    - {size: 8, activation: sigmoid}
    - {size: 4, activation: sigmoid}
    - {size: 1, activation: linear}
  init: uniform
training:
  batch_size: 16
  epochs: 2
  data_order: per-run
  threshold: 0.1
methods:
  - name: BP
    rule: backprop
    learning_rate: 0.5
    loss: mse

"""

/// `spec` with the single occurrence of `old` replaced by `new`; records an issue (so the test
/// fails instead of silently testing the unedited spec) when `old` does not occur exactly once.
func editedSpec(_ old: String, _ new: String, in spec: String = tinySinusoidSpec,
                sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let occurrences = spec.components(separatedBy: old).count - 1
    #expect(occurrences == 1, "expected '\(old)' exactly once in the spec", sourceLocation: sourceLocation)
    return spec.replacingOccurrences(of: old, with: new)
}

/// A small CartPole spec (2 runs, NRL and REINFORCE-BP) for command-line tests; `--episodes` shortens it.
let tinyCartPoleSpec = """
name: cli-cartpole
seed: 2
runs: 2
output: out
environment: {name: cartpole}
network: {hidden: [8]}
training: {episodes: 50, score_episodes: 5}
methods:
  - {name: NRL, rule: nrl, learning_rate: 0.05, sigma: 0.001}
  - {name: REINFORCE-BP, rule: reinforce, learning_rate: 0.01}
"""

/// A readout study on the digits fixture (`--data-dir` its folder) for command-line tests.
let tinyReadoutSpec = """
name: cli-readout
seed: 1
runs: 1
output: out
data: {file: $DATA/digits.csv.gz, max_pixel: 16}
readout: {hidden: 50, epochs: 9}
methods:
  - {name: DNN, rule: dopaminergic, rate: 1}
"""
