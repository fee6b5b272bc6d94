import Foundation
import Testing
@testable import NeuromodLab

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `neuromod export`: a run folder becomes an nbformat-4.5 notebook that the reference validator
/// (Python `nbformat`, installed by scripts/setup.sh) accepts, whose SVG figures parse as XML and
/// hold the expected series, with its data beside it.
@Suite("neuromod export")
struct NotebookExportTests {
    /// Runs `neuromod run` on `spec` and `neuromod export` on the result; returns the notebook's JSON.
    func runAndExport(_ spec: String, in scratch: CLIScratchDirectory) throws -> [String: Any] {
        let specPath = try scratch.write("study.yaml", spec)
        let run = try NeuromodCLI.run(["run", specPath, "--out", scratch.path("run"), "--quiet"], in: scratch.cwd)
        #expect(run.status == 0, "\(run)")
        let export = try NeuromodCLI.run(["export", scratch.path("run"), "--out", scratch.path("nb/study.ipynb")], in: scratch.cwd)
        #expect(export.status == 0, "\(export)")
        let data = try scratch.data("nb/study.ipynb")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The reference validator accepts the notebook (exit status 0 of `nbformat.validate`).
    func expectValidNotebook(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0 && output.contains("valid"), "nbformat: \(output)", sourceLocation: sourceLocation)
    }

    /// The copied summary.json names the study's kind: the exporter chose its exporter by it.
    func expectKind(_ kind: String, in scratch: CLIScratchDirectory, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let summary = try JSONSerialization.jsonObject(with: try scratch.data("nb/study/summary.json")) as? [String: Any]
        #expect(summary?["kind"] as? String == kind, sourceLocation: sourceLocation)
    }

    /// The SVG outputs of the notebook, each checked to parse as XML.
    func svgFigures(_ notebook: [String: Any]) throws -> [String] {
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        var figures: [String] = []
        for cell in cells {
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                let data = try #require(output["data"] as? [String: Any])
                let svg = try #require(data["image/svg+xml"] as? [String]).joined()
                let parser = XMLParser(data: Data(svg.utf8))
                #expect(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
                figures.append(svg)
            }
        }
        return figures
    }

    @Test func taskStudyNotebookIsValidWithItsFiguresAndData() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let notebook = try runAndExport(tinySinusoidSpec, in: scratch)
        try expectValidNotebook(scratch.path("nb/study.ipynb"))
        #expect(notebook["nbformat"] as? Int == 4 && notebook["nbformat_minor"] as? Int == 5)
        let figures = try svgFigures(notebook)
        #expect(figures.count >= 5, "loss, compute, wall time, per epoch, final losses (and variance when runs differ)")
        #expect(figures[0].contains("data-series=\"BP mean ± SD\""), "the loss figure holds BP's mean curve")
        #expect(figures[0].contains("data-series=\"BP best run\""), "and its best run")
        #expect(try scratch.contents("nb/study").sorted() == ["curves.csv", "epochs.csv", "spec.yaml", "summary.json", "timing.csv"])
        let text = String(decoding: try scratch.data("nb/study.ipynb"), as: UTF8.self)
        #expect(text.contains("pd.read_csv(\\\"study/curves.csv\\\")"), "code cells read the copied data by a relative path")
        #expect(text.contains("# cli-sinusoid"))
        try expectKind("task", in: scratch)
    }

    /// A run that diverged (recorded, not stopped) leaves astronomically large or infinite losses: the
    /// notebook still exports, drawing only the points a figure can show.
    @Test func divergedRunsDoNotBreakTheExport() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = tinySinusoidSpec.replacingOccurrences(of: "  threshold: 0.1\n", with: "  threshold: 0.1\n  on_divergence: record\n")
            + "  - {name: HOT, rule: backprop, learning_rate: 1.0e+6}\n"
        let notebook = try runAndExport(spec, in: scratch)
        try expectValidNotebook(scratch.path("nb/study.ipynb"))
        #expect(try svgFigures(notebook).count >= 4)
    }

    @Test func environmentStudyWithAGridHasAHeatmap() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let notebook = try runAndExport("""
            name: cli-timing
            description: tiny delay sweep
            seed: 3
            runs: 2
            output: out
            environment: {name: cue-delay-reward, dt: 0.05, distractors: 1}
            network: {hidden: [4]}
            training: {episodes: 20, score_episodes: 5}
            methods:
              - {name: NRL, rule: nrl, learning_rate: 1, sigma: 0.01, normalize: none}
            grid:
              delays: [0, 0.5]
              traces: [{kernel: exponential, tau: 0.2}, {kernel: rise-decay, rise: 0.05, decay: 0.2}]
            """, in: scratch)
        try expectValidNotebook(scratch.path("nb/study.ipynb"))
        let figures = try svgFigures(notebook)
        #expect(figures.contains { $0.contains("NRL: score by reward delay and trace") })
        try expectKind("episodic", in: scratch)
        #expect(try scratch.contents("nb/study").sorted() == ["episode-curves.csv", "grid.csv", "spec.yaml", "summary.json"])
    }

    /// Readout and evolution studies (seed 003) export their own figures; a method name with a comma
    /// stays one CSV field. Data: the digits fixture.
    @Test func seedThreeStudiesExportTheirFigures() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let readout = try runAndExport("""
            name: cli-readout
            seed: 1
            runs: 2
            output: out
            data: {file: \(SeedThreeStudyTests.digitsFixture), max_pixel: 16}
            readout: {hidden: 30, epochs: 3}
            methods:
              - {name: DNN, rule: dopaminergic, rate: 1}
              - {name: "SignSGD, batch 5", rule: sign-sgd, rate: 1.0e-3, batch: 5}
            """, in: scratch)
        try expectValidNotebook(scratch.path("nb/study.ipynb"))
        let figures = try svgFigures(readout)
        #expect(figures.count == 2 && figures[0].contains("data-series=\"SignSGD, batch 5\""))
        let curves = try String(contentsOfFile: scratch.path("nb/study/curves.csv"), encoding: .utf8)
        #expect(curves.contains("\n\"SignSGD, batch 5\",1,3,"))
        try expectKind("readout", in: scratch)

        let second = try CLIScratchDirectory()
        defer { second.remove() }
        let evolution = try runAndExport("""
            name: cli-evolution
            seed: 1
            runs: 1
            output: out
            data: {file: \(SeedThreeStudyTests.digitsFixture), max_pixel: 16, classes: [0, 1]}
            evolution: {hidden: 8, input_density: 0.5, genes: [20, 40], gene_density: 0.05, population: 6,
                        generations: 4, selection: 1, evaluate_every: 2}
            sign_sgd: {rate: 1.0e-2, batch: 5, iterations: 3}
            """, in: second)
        try expectValidNotebook(second.path("nb/study.ipynb"))
        let evolutionFigures = try svgFigures(evolution)
        #expect(evolutionFigures.count == 3, "accuracy and fixation per generation, accuracy against genes")
        #expect(evolutionFigures[2].contains("data-series=\"NNE + SignSGD\""))
        try expectKind("evolution", in: second)
        #expect(try second.contents("nb/study").sorted() == ["generations.csv", "spec.yaml", "summary.json"])
    }

    @Test func aFolderThatIsNotARunIsOneLineError() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let result = try NeuromodCLI.run(["export", scratch.path("cwd"), "--out", scratch.path("x.ipynb")], in: scratch.cwd)
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1 && result.stderr.contains("not a run folder"), "\(result.stderr)")
        #expect(!scratch.exists("x.ipynb"))
    }
}
