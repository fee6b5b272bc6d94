import Foundation
import Testing

/// The output folder through the command line: checked before any work, refused when it exists
/// unless `--force`, replaced whole; the same for `run`, `sweep` and `gradcheck`.
extension CommandLineTests {
    /// η = 1e20 diverges during training, so an error about the output path proves it was checked first.
    @Test func anOutputPathThatIsAFileIsRefusedBeforeTraining() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("diverge.yaml", editedSpec("learning_rate: 0.5", "learning_rate: 1e20"))
        let file = try scratch.write("taken", "not a folder\n")
        for command in ["run", "sweep", "gradcheck"] {
            let result = try NeuromodCLI.run([command, spec, "--out", file, "--quiet"].filter { command != "gradcheck" || $0 != "--quiet" },
                                             in: scratch.cwd)
            expectOneLineError(result, containing: ["\(file): is a file, not a folder"])
        }
        let under = try NeuromodCLI.run(["run", spec, "--out", file + "/results", "--quiet"], in: scratch.cwd)
        expectOneLineError(under, containing: ["\(file)/results: cannot create it: \(file) is a file, not a folder"])
    }

    /// A second run into the same folder is refused (exit 1) and leaves the first results alone;
    /// with --force it replaces them by identical numbers and leaves no temporaries.
    @Test func runningTwiceNeedsForce() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let first = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        try #require(first.status == 0, "\(first)")
        let metrics = try scratch.data("out/metrics.csv")
        let again = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        expectOneLineError(again, containing: [scratch.path("out"), "already exists; pass --force"])
        let forced = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet", "--force"], in: scratch.cwd)
        #expect(forced.status == 0, "\(forced)")
        #expect(try scratch.data("out/metrics.csv") == metrics)
        #expect(try scratch.contents("").filter { $0.hasPrefix(".out.") } == [], "no temporaries beside the folder")
    }

    /// A sweep writes its folder whole, with sweep.csv, and refuses to overwrite it without --force.
    @Test func sweepRefusesAnExistingFolderWithoutForce() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("sweep.yaml", tinySinusoidSpec + "sweep:\n  BP: {learning_rate: [0.1, 0.5]}\n")
        let first = try NeuromodCLI.run(["sweep", spec, "--runs", "1", "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        try #require(first.status == 0, "\(first)")
        #expect(try scratch.contents("out") == ["curves.csv", "epochs.csv", "metrics.csv", "provenance.json", "spec.yaml", "summary.json", "sweep.csv", "timing.csv"])
        let again = try NeuromodCLI.run(["sweep", spec, "--runs", "1", "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        expectOneLineError(again, containing: ["already exists; pass --force"])
        let forced = try NeuromodCLI.run(["sweep", spec, "--runs", "1", "--out", scratch.path("out"), "--quiet", "--force"], in: scratch.cwd)
        #expect(forced.status == 0, "\(forced)")
    }
}
