import Foundation
import Neuromod
import Testing
@testable import NeuromodLab

/// `neuromod run --save-weights` on every kind of spec it applies to, a spec starting from the saved
/// weights by a path relative to itself, and the one-line refusal for evolution studies.
@Suite struct WeightsCommandTests {
    /// `result` failed with `status` and one line on stderr holding `fragment`.
    func expectOneLineError(_ result: CLIRunResult, status: Int32, containing fragment: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1 && result.errorLines.first?.contains(fragment) == true, "\(result)", sourceLocation: sourceLocation)
    }

    @Test func aTaskRunSavesWeightsThatASpecCanStartFrom() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let first = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet", "--save-weights"], in: scratch.cwd)
        try #require(first.status == 0, "\(first)")
        #expect(first.stdout.contains("spec.yaml, weights/, provenance.json to "), "\(first.stdout)")
        #expect(try scratch.contents("out/weights") == ["bp-run-0.npz", "bp-run-1.npz", "index.csv"])
        let saved = try SavedNetwork.load(path: scratch.path("out/weights/bp-run-1.npz"), sizes: [1, 8, 4, 1],
                                          activations: [.sigmoid, .sigmoid, .linear])
        #expect(saved.parameters.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) })

        // The path is relative to the spec's folder, like data paths.
        let restart = try scratch.write("restart.yaml", editedSpec("  init: uniform", "  init: uniform\n  initial_weights: out/weights/bp-run-1.npz"))
        let second = try NeuromodCLI.run(["run", restart, "--out", scratch.path("again"), "--quiet"], in: scratch.cwd)
        #expect(second.status == 0, "\(second)")
        #expect(try scratch.contents("again").contains("weights") == false, "weights only with --save-weights")

        let wrong = try scratch.write("wrong.yaml", editedSpec("  init: uniform", "  init: uniform\n  initial_weights: tiny.yaml"))
        expectOneLineError(try NeuromodCLI.run(["run", wrong, "--out", scratch.path("x")], in: scratch.cwd), status: 1,
                           containing: "tiny.yaml: not a zip archive")
    }

    @Test func episodicAndReadoutRunsSaveWeights() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let episodic = try scratch.write("cartpole.yaml", editedSpec("{name: NRL,", "{name: \"NRL, fast\",", in: tinyCartPoleSpec))
        let result = try NeuromodCLI.run(["run", episodic, "--out", scratch.path("out"), "--quiet", "--save-weights", "--runs", "1", "--episodes", "3"],
                                         in: scratch.cwd)
        try #require(result.status == 0, "\(result)")
        #expect(try String(contentsOfFile: scratch.path("out/weights/index.csv"), encoding: .utf8)
            == "method,cell,run,file\n\"NRL, fast\",,0,nrl-fast-run-0.npz\nREINFORCE-BP,,0,reinforce-bp-run-0.npz\n")
        let policy = try SavedNetwork.load(path: scratch.path("out/weights/nrl-fast-run-0.npz"), sizes: [4, 8, 2],
                                           activations: [.leakyReLU(slope: 0.1), .softmax])
        // An episodic spec starts from a saved policy too; its layers must match.
        let restart = try scratch.write("restart.yaml", editedSpec("network: {hidden: [8]}",
            "network: {hidden: [8], initial_weights: out/weights/nrl-fast-run-0.npz}", in: tinyCartPoleSpec))
        #expect(try EpisodicRunner(spec: EpisodicSpec.load(path: restart)).initialWeights() == policy)
        let again = try NeuromodCLI.run(["run", restart, "--out", scratch.path("again"), "--quiet", "--episodes", "2"], in: scratch.cwd)
        #expect(again.status == 0, "\(again)")
        let wider = try scratch.write("wider.yaml", editedSpec("network: {hidden: [8]}",
            "network: {hidden: [16], initial_weights: out/weights/nrl-fast-run-0.npz}", in: tinyCartPoleSpec))
        expectOneLineError(try NeuromodCLI.run(["run", wider, "--out", scratch.path("w"), "--quiet"], in: scratch.cwd), status: 1,
                           containing: "nrl-fast-run-0.npz: sizes.npy: layer sizes [4, 8, 2], the spec's network has [4, 16, 2]")

        let data = (SeedThreeStudyTests.digitsFixture as NSString).deletingLastPathComponent
        let readout = try scratch.write("readout.yaml", tinyReadoutSpec)
        let read = try NeuromodCLI.run(["run", readout, "--data-dir", data, "--out", scratch.path("ro"), "--quiet", "--save-weights", "--epochs", "1"],
                                       in: scratch.cwd)
        try #require(read.status == 0, "\(read)")
        _ = try SavedNetwork.load(path: scratch.path("ro/weights/dnn-run-0.npz"), sizes: [64, 50, 10], activations: [.relu, .softmax])

        let evolution = try scratch.write("evolution.yaml", editedSpec("readout: {hidden: 50, epochs: 9}",
            "evolution: {hidden: 8, input_density: 0.5, genes: [50], gene_density: 0.05, population: 6, generations: 5, selection: 1}",
            in: tinyReadoutSpec).replacingOccurrences(of: "methods:\n  - {name: DNN, rule: dopaminergic, rate: 1}", with: ""))
        expectOneLineError(try NeuromodCLI.run(["run", evolution, "--data-dir", data, "--save-weights"], in: scratch.cwd), status: 2,
                           containing: "--save-weights applies to task studies ('task:'), episodic studies ('environment:') or readout studies ('readout:'), not to this evolution study")
    }
}
