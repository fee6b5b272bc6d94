import Foundation
import Testing

/// End-to-end tests of the `neuromod` executable: each runs the built binary as a subprocess (see
/// CommandLineSupport.swift for how it is found) on specs and data written to a scratch folder.
///
/// Bad input must give exit status 1 (2 for a bad option) and exactly one stderr line
/// `Error: <message>` naming the file, the field and the problem, and must leave no output behind (neither the `--out` folder nor the
/// spec's default `output` folder, which would land in the process's working directory).
@Suite("neuromod command line")
struct CommandLineTests {

    // MARK: - Shared checks

    /// The process failed with exit status `status` and printed one line, `Error: …`, containing every
    /// string of `fragments`; returns that line without its `Error: ` prefix.
    @discardableResult
    func expectOneLineError(_ result: CLIRunResult, status: Int32 = 1, containing fragments: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr should be one line:\n\(result.stderr)",
                sourceLocation: sourceLocation)
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix("Error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(line.contains(fragment), "'\(fragment)' missing from: \(line)", sourceLocation: sourceLocation)
        }
        return String(line.dropFirst("Error: ".count))
    }

    /// Nothing was written: no `--out` folder, no default output folder, working directory empty.
    func expectNoOutput(_ scratch: CLIScratchDirectory, out: String = "out",
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!scratch.exists(out), "the output folder '\(out)' must not exist after a failure",
                sourceLocation: sourceLocation)
        #expect(try scratch.contents("cwd") == [], "the working directory must stay empty",
                sourceLocation: sourceLocation)
    }

    // MARK: - Rejected specs and data

    @Test func malformedYAMLIsOneLineNamingTheSpec() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("malformed.yaml", editedSpec("""
              layers:
                - {size: 8, activation: sigmoid}
                - {size: 4, activation: sigmoid}
                - {size: 1, activation: linear}

            """, "  layers: [ {size: 8\n"))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        let message = expectOneLineError(result, containing: [spec, "malformed YAML"])
        #expect(message.hasPrefix("\(spec):"), "the message starts with the spec's path: \(message)")
        try expectNoOutput(scratch)
    }

    @Test func misspelledFieldIsNamedWithASuggestion() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("typo.yaml", editedSpec("learning_rate: 0.5", "learning_rat: 0.5"))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        expectOneLineError(result, containing: [spec, "methods[0].learning_rat", "unknown field",
                                                "did you mean 'learning_rate'"])
        try expectNoOutput(scratch)
    }

    @Test func negativeLayerSizeIsRejected() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("negative.yaml", editedSpec("{size: 4, activation", "{size: -3, activation"))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        expectOneLineError(result, containing: [spec, "network.layers[1].size", "positive integer", "-3"])
        try expectNoOutput(scratch)
    }

    /// A table task; `path` is as written in the spec (relative to the spec's folder).
    func tableSpec(path: String) -> String {
        """
        name: cli-table
        seed: 1
        runs: 2
        output: default-output
        task:
          kind: table
          path: \(path)
          inputs: [x]
          targets: [y]
          test_fraction: 0.25
        network:
          input: 1
          layers:
            - {size: 4, activation: sigmoid}
            - {size: 1, activation: linear}
        training:
          batch_size: 2
          epochs: 2
        methods:
          - name: BP
            rule: backprop
            learning_rate: 0.5

        """
    }

    @Test func missingDataFileIsNamedWithItsResolvedPath() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("table.yaml", tableSpec(path: "data/missing.csv"))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        // Relative to the spec's folder, not to the working directory (scratch/cwd).
        expectOneLineError(result, containing: [spec, "task.path", "data file not found", scratch.path("data/missing.csv")])
        try expectNoOutput(scratch)
    }

    @Test func nonNumericCSVCellIsLocated() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        // Line 1 is the header, so the bad cell is on line 4, column 'y'.
        let csv = try scratch.write("data/bad.csv", "x,y\n0.1,0.2\n0.3,0.4\n0.5,oops\n0.7,0.8\n0.9,1.0\n")
        let spec = try scratch.write("table.yaml", tableSpec(path: "data/bad.csv"))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        let message = expectOneLineError(result, containing: [csv, "line 4", "column 'y'", "non-numeric", "oops"])
        #expect(message.hasPrefix(csv), "the message starts with the CSV's path: \(message)")
        try expectNoOutput(scratch)
    }

    @Test func missingSpecFileIsNamed() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = scratch.path("no-such-spec.yaml")
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        expectOneLineError(result, containing: [spec, "spec file not found"])
        try expectNoOutput(scratch)
    }

    // MARK: - Divergence

    @Test func divergenceStopsWithoutWritingAnything() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        // η = 1e20 overflows the loss to ∞ within the 2 epochs (η = 1e6 stays finite for 2 epochs).
        let spec = try scratch.write("diverge.yaml", editedSpec("learning_rate: 0.5", "learning_rate: 1e20"))
        let result = try NeuromodCLI.run(["run", spec, "--runs", "1", "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        // Runs count from 1 in messages, as in progress lines.
        expectOneLineError(result, containing: ["method 'BP' run 1 diverged", "learning rate"])
        #expect(result.stdout.isEmpty, "no summary table after a divergence: \(result.stdout)")
        try expectNoOutput(scratch)
    }

    /// Losses that stay finite (≈1e160) can overflow the variance across runs to ∞. The run still
    /// succeeds with all four files; the summary stores the overflow as the string "inf".
    @Test func hugeFiniteLossesStillWriteCompleteOutputs() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("overflow.yaml", editedSpec(
            "epochs: 2", "epochs: 5", in: editedSpec("learning_rate: 0.5", "learning_rate: 1e6")))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet"], in: scratch.cwd)
        try #require(result.status == 0, "\(result)")
        #expect(try scratch.contents("out") == ["curves.csv", "epochs.csv", "metrics.csv", "provenance.json", "spec.yaml", "summary.json", "timing.csv"])
        let summary = try String(contentsOfFile: scratch.path("out") + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"meanVarianceAcrossRuns\" : \"inf\""), "\(summary)")
    }

    // MARK: - A successful run

    @Test func tinySinusoidRunWritesCompleteDeterministicOutputs() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let expectedFiles = ["curves.csv", "epochs.csv", "metrics.csv", "provenance.json", "spec.yaml", "summary.json", "timing.csv"]

        let first = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out1")], in: scratch.cwd)
        try #require(first.status == 0, "\(first)")
        #expect(first.stdout.contains("method"), "\(first.stdout)")
        #expect(first.stdout.contains("final train loss"), "\(first.stdout)")
        #expect(first.stdout.contains("cli-sinusoid: 2 runs, seed 1"), "\(first.stdout)")
        #expect(first.stdout.contains("wrote metrics.csv, epochs.csv, curves.csv, timing.csv, summary.json, spec.yaml, provenance.json to \(scratch.path("out1"))"))
        #expect(first.errorLines.isEmpty, "\(first.stderr)")
        // Exactly the four files: no '.name.partial-PID' temporaries left over.
        let files = try scratch.contents("out1")
        #expect(files == expectedFiles)
        #expect(!files.contains { $0.hasPrefix(".") }, "hidden leftovers: \(files)")
        #expect(try scratch.contents("cwd") == [], "--out replaces the spec's output folder")

        // metrics.csv: 2 runs × 2 epochs × (64 / 16 =) 4 updates.
        let metrics = String(decoding: try scratch.data("out1/metrics.csv"), as: UTF8.self)
        let lines = metrics.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "method,run,epoch,step,compute,loss,rule_loss")
        #expect(lines.last == "", "metrics.csv ends with a newline")
        let rows = lines.dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 16)
        var expectedKeys: [String] = []
        for run in 0..<2 { for epoch in 1...2 { for u in 1...4 { expectedKeys.append("BP,\(run),\(epoch),\((epoch - 1) * 4 + u)") } } }
        #expect(rows.map { $0.prefix(4).joined(separator: ",") } == expectedKeys)
        for row in rows {
            let loss = row.count == 7 ? Double(row[5]) : nil
            #expect(loss.map { $0.isFinite && $0 >= 0 } == true, "bad row \(row)")
            // Backprop costs 2 forward-pass equivalents per update; without noise its rule loss is the clean loss.
            #expect(row.count == 7 && Double(row[4]) == 2 * Double(row[3])!, "compute column of \(row)")
            #expect(row.count == 7 && row[6] == row[5], "rule_loss of \(row)")
        }

        let epochs = String(decoding: try scratch.data("out1/epochs.csv"), as: UTF8.self)
        let epochLines = epochs.split(separator: "\n").map(String.init)
        #expect(epochLines.first == "method,run,epoch,train_loss,test_loss")
        #expect(epochLines.count == 1 + 2 * 2)

        let summary = try JSONSerialization.jsonObject(with: try scratch.data("out1/summary.json")) as? [String: Any]
        #expect(summary?["name"] as? String == "cli-sinusoid")
        #expect(summary?["runs"] as? Int == 2)
        let copied = String(decoding: try scratch.data("out1/spec.yaml"), as: UTF8.self)
        #expect(copied.hasPrefix("# neuromod run \(spec) --out \(scratch.path("out1"))\n"), "\(copied.prefix(200))")
        #expect(copied.hasSuffix(tinySinusoidSpec))

        // Same command into another folder: byte-identical metrics.
        let second = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out2"), "--quiet"], in: scratch.cwd)
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.isEmpty, "--quiet prints nothing on stderr: \(second.stderr)")
        #expect(try scratch.contents("out2") == expectedFiles)
        #expect(try scratch.data("out2/metrics.csv") == scratch.data("out1/metrics.csv"))
        #expect(try scratch.data("out2/epochs.csv") == scratch.data("out1/epochs.csv"))

        // Thread counts do not change the numbers.
        let serial = try NeuromodCLI.run(["run", spec, "--out", scratch.path("serial"), "--jobs", "1",
                                          "--blas-threads", "1", "--quiet"], in: scratch.cwd)
        let parallel = try NeuromodCLI.run(["run", spec, "--out", scratch.path("parallel"), "--jobs", "2",
                                            "--blas-threads", "2", "--quiet"], in: scratch.cwd)
        try #require(serial.status == 0, "\(serial)")
        try #require(parallel.status == 0, "\(parallel)")
        for file in ["metrics.csv", "epochs.csv"] {
            #expect(try scratch.data("serial/\(file)") == scratch.data("parallel/\(file)"), "\(file) depends on threads")
            #expect(try scratch.data("serial/\(file)") == scratch.data("out1/\(file)"), "\(file) depends on --jobs")
        }
    }

    // MARK: - Help and options

    /// An environment spec runs through the same `run` command and writes its own files; `--episodes`
    /// overrides the spec; `--data-order` (a task option) and `sweep` are refused.
    @Test func episodicRunWritesEpisodesAndSummary() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("cartpole.yaml", tinyCartPoleSpec)
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--episodes", "7", "--quiet"], in: scratch.cwd)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("cli-cartpole: cartpole, 7 episodes, 2 runs, seed 2"))
        #expect(try scratch.contents("out") == ["episodes.csv", "provenance.json", "spec.yaml", "summary.json"])
        let lines = try String(contentsOfFile: scratch.path("out/episodes.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "method,cell,run,episode,return,steps")
        #expect(lines.count == 1 + 2 * 2 * 7)
        let refused = try NeuromodCLI.run(["run", spec, "--data-order", "shared", "--quiet"], in: scratch.cwd)
        expectOneLineError(refused, status: 2, containing: ["cartpole.yaml: --data-order applies to task studies ('task:'), not to this episodic study"])
        let sweep = try NeuromodCLI.run(["sweep", spec, "--out", scratch.path("sweep")], in: scratch.cwd)
        expectOneLineError(sweep, status: 2, containing: ["an episodic study; only `neuromod run` runs those"])
    }

    /// Readout and evolution studies run through `run` with `$DATA/` resolved by `--data-dir`;
    /// `--epochs` and `--generations` override their specs, `--methods` is checked, and options of
    /// other kinds are refused (usage errors, exit status 2). Data: the digits fixture.
    @Test func readoutAndEvolutionStudiesRun() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let data = (SeedThreeStudyTests.digitsFixture as NSString).deletingLastPathComponent
        let readout = try scratch.write("readout.yaml", tinyReadoutSpec)
        let result = try NeuromodCLI.run(["run", readout, "--data-dir", data, "--out", scratch.path("out"), "--epochs", "2", "--quiet"],
                                         in: scratch.cwd)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("cli-readout: hidden 50, 2 epochs, 1 runs, seed 1"), "\(result.stdout)")
        #expect(try scratch.contents("out") == ["curves.csv", "provenance.json", "spec.yaml", "summary.json"])
        let curves = try String(contentsOfFile: scratch.path("out/curves.csv"), encoding: .utf8).split(separator: "\n")
        #expect(curves.count == 3 && curves[0] == "method,run,epoch,train_loss,train_accuracy,test_accuracy")
        expectOneLineError(try NeuromodCLI.run(["run", readout, "--data-dir", data, "--generations", "3"], in: scratch.cwd), status: 2,
                           containing: ["--generations applies to evolution studies ('evolution:'), not to this readout study"])
        expectOneLineError(try NeuromodCLI.run(["run", readout, "--data-dir", data, "--methods", "Nope"], in: scratch.cwd), status: 2,
                           containing: ["\(readout): --methods: 'Nope' is not a method of this spec (methods: DNN)"])
        expectOneLineError(try NeuromodCLI.run(["sweep", readout, "--data-dir", data], in: scratch.cwd), status: 2,
                           containing: ["a readout study; only `neuromod run` runs those"])

        let evolution = try scratch.write("evolution.yaml", """
            name: cli-evolution
            seed: 1
            runs: 1
            output: out
            data: {file: $DATA/digits.csv.gz, max_pixel: 16, classes: [0, 1]}
            evolution: {hidden: 8, input_density: 0.5, genes: [50], gene_density: 0.05, population: 6,
                        generations: 50, selection: 1}
            """)
        let evolved = try NeuromodCLI.run(["run", evolution, "--data-dir", data, "--out", scratch.path("evo"), "--generations", "4", "--quiet"],
                                          in: scratch.cwd)
        #expect(evolved.status == 0, "\(evolved)")
        #expect(evolved.stdout.contains("cli-evolution: classes 0,1, hidden 8, population 6, 4 generations, seed 1"), "\(evolved.stdout)")
        let generations = try String(contentsOfFile: scratch.path("evo/generations.csv"), encoding: .utf8).split(separator: "\n")
        #expect(generations.count == 2, "evaluated at the last generation: \(generations)")
        expectOneLineError(try NeuromodCLI.run(["run", evolution, "--data-dir", data, "--epochs", "3"], in: scratch.cwd), status: 2,
                           containing: ["--epochs applies to readout studies ('readout:') or plasticity-rules studies ('kcap:'), not to this evolution study"])
        expectOneLineError(try NeuromodCLI.run(["check", evolution, "--data-dir", data, "--methods", "x"], in: scratch.cwd), status: 2,
                           containing: ["--methods applies to task studies ('task:'), episodic studies ('environment:'), readout studies ('readout:') or plasticity-rules studies ('kcap:'), not to this evolution study"])
        let kinds = try [scratch.path("out/summary.json"), scratch.path("evo/summary.json")].map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0))) as! [String: Any]
        }
        #expect(kinds.map { $0["kind"] as? String } == ["readout", "evolution"])
    }

    @Test func helpListsTheRunSubcommandAndItsOptions() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let top = try NeuromodCLI.run(["--help"], in: scratch.cwd)
        #expect(top.status == 0, "\(top)")
        #expect(top.stdout.contains("SUBCOMMANDS:"), "\(top.stdout)")
        #expect(top.stdout.contains("  run "), "\(top.stdout)")

        let run = try NeuromodCLI.run(["run", "--help"], in: scratch.cwd)
        #expect(run.status == 0, "\(run)")
        for option in ["--runs", "--seed", "--out", "--data-dir", "--jobs", "--blas-threads", "--quiet", "--force"] {
            #expect(run.stdout.contains(option), "'\(option)' missing from run --help:\n\(run.stdout)")
        }
    }

    /// An out-of-range option is a usage error: exit status 2, one line without a usage block.
    @Test func zeroRunsIsAUsageError() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let result = try NeuromodCLI.run(["run", spec, "--runs", "0", "--out", scratch.path("out"), "--quiet"],
                                         in: scratch.cwd)
        expectOneLineError(result, status: 2, containing: ["--runs", "positive"])
        try expectNoOutput(scratch)
    }
}
