import Foundation
import Testing

/// Values the command line refuses instead of silently adjusting, and the exit status of each kind of
/// error: 1 for a spec, data, run or I/O error, 2 for a usage error (a bad option).
extension CommandLineTests {
    /// Runs `neuromod` on `spec` (written to a scratch folder) with `arguments`; checks that nothing
    /// was written and returns the result.
    func runRefused(_ spec: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (result: CLIRunResult, spec: String) {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let path = try scratch.write("spec.yaml", spec)
        let result = try NeuromodCLI.run(["run", path, "--out", scratch.path("out"), "--quiet"] + arguments, in: scratch.cwd)
        try expectNoOutput(scratch, sourceLocation: sourceLocation)
        return (result, path)
    }

    @Test func unknownOptionIsAUsageError() throws {
        let (result, _) = try runRefused(tinySinusoidSpec, ["--bogus", "3"])
        expectOneLineError(result, status: 2, containing: ["--bogus"])
    }

    @Test func malformedOptionValueIsAUsageError() throws {
        let (result, _) = try runRefused(tinySinusoidSpec, ["--runs", "three"])
        expectOneLineError(result, status: 2, containing: ["three"])
    }

    /// `--methods ''` (or only commas) selects nothing: refused, not an empty table.
    @Test func emptyMethodListIsAUsageError() throws {
        for list in ["", ",", " , "] {
            let (result, _) = try runRefused(tinySinusoidSpec, ["--methods", list])
            expectOneLineError(result, status: 2, containing: ["--methods: list at least one method", "(methods: BP)"])
        }
    }

    /// A minibatch larger than the training set is refused (it used to shrink to the set silently).
    @Test func batchLargerThanTheTrainingSetIsRefused() throws {
        let (result, spec) = try runRefused(editedSpec("batch_size: 16", "batch_size: 65"), [])
        expectOneLineError(result, containing: ["\(spec): training.batch_size: 65 is larger than the training set (64 samples)"])
        let (whole, _) = try runRefused(editedSpec("batch_size: 16", "batch_size: 64"), ["--methods", "Nope"])
        expectOneLineError(whole, status: 2, containing: ["'Nope' is not a method"])
    }

    /// Losses are never negative, so a threshold ≤ 0 could never be reached.
    @Test func nonPositiveThresholdIsRefused() throws {
        for value in ["-0.1", "0"] {
            let (result, spec) = try runRefused(editedSpec("threshold: 0.1", "threshold: \(value)"), [])
            expectOneLineError(result, containing: ["\(spec):", "training.threshold: expected a positive number"])
        }
    }
}
