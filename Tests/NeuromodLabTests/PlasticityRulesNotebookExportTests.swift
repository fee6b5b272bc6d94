import Foundation
import NeuromodTestSupport
import Testing
@testable import NeuromodLab

/// `neuromod export` of a plasticity-rules study (seed 002): a tiny study on the MNIST fixture with
/// every part the exporter draws — two epochs, datasets of two sizes (Fig. 2), a meta-learned rule
/// (`rules.json`), a robustness evaluation (Fig. 5) — exported to a valid notebook with its tables,
/// figures and cells; a broken folder is refused in one line, writing nothing.
@Suite("neuromod export: plasticity-rules")
struct PlasticityRulesNotebookExportTests {
    static let spec = """
        name: cli-rules
        description: tiny plasticity-rules study
        seed: 2
        runs: 2
        output: out
        kcap:
          nodes: 40
          cap: 20
          epochs: 2
          datasets:
            - {name: digits-100, folder: \(TestData.fixture("mnist")), train: 100}
            - {name: digits-200, folder: \(TestData.fixture("mnist")), train: 200}
          robustness:
            images: 5
            epsilons: [0, 1, 2]
            attacks:
              - {name: l2, steps: 3, step_size: 0.5}
        methods:
          - {name: T=1, rounds: 1, rule: perceptron}
          - {name: learned, rounds: 1, rule: meta-learned, meta: {source: digits-200, nodes: 20, cap: 10, epochs: 3, batch: 50}}
          - {name: GD, rounds: 1, rule: gd-output, batch: 50}
        """

    /// The markdown and code cells' text, joined.
    func text(_ notebook: [String: Any], _ type: String) -> [String] {
        (notebook["cells"] as? [[String: Any]] ?? []).filter { $0["cell_type"] as? String == type }
            .map { ($0["source"] as? [String] ?? []).joined() }
    }

    @Test func notebookHoldsTheTablesFiguresAndCells() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let exports = NotebookExportTests()
        let notebook = try exports.runAndExport(Self.spec, in: scratch)
        try exports.expectValidNotebook(scratch.path("nb/study.ipynb"))
        try exports.expectKind("plasticity-rules", in: scratch)
        #expect(try scratch.contents("nb/study").sorted() == ["accuracy.csv", "robustness.csv", "rules.json", "spec.yaml", "summary.json"])

        let markdown = text(notebook, "markdown")
        #expect(markdown[0].hasPrefix("# cli-rules\n\ntiny plasticity-rules study"))
        #expect(markdown.contains { $0.contains("a plasticity-rules study (seed 002): n 40, k 20, 2 epochs, seed 2, 2 runs") })
        // The summary: a row per dataset and method, mean ± SD over the two runs and each run.
        let summary = try #require(markdown.first { $0.hasPrefix("## Summary") })
        #expect(summary.contains("| dataset | method | test accuracy % | per run | training-set accuracy % | wall s |"))
        #expect(!summary.contains("seed (Table 2)"), "not Table 2: no seed column")
        let json = try #require(try JSONSerialization.jsonObject(with: try scratch.data("nb/study/summary.json")) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 6)
        for r in results {
            let test = try #require(r["testAccuracy"] as? [Double])
            let mean = (test[0] + test[1]) / 2, sd = abs(test[0] - test[1]) / 2.squareRoot()
            let row = "| \(r["dataset"]!) | \(r["method"]!) | \(String(format: "%.2f ± %.2f", 100 * mean, 100 * sd)) | "
                + "\(String(format: "%.2f %.2f", 100 * test[0], 100 * test[1])) |"
            #expect(summary.contains(row), "\(row)")
        }
        #expect(markdown.contains { $0.contains("| digits-100 | T=1 | l2 | ") && $0.contains("| ε 0 | ε 1 | ε 2 |") })
        #expect(markdown.contains { $0.contains("| learned | digits-200 | 3 |") }, "the learned rule's table")

        // Figures: 3 per dataset per epoch (test, train, online), Fig. 2, a bar chart per dataset,
        // robust accuracy per dataset and attack, the meta-learning loss.
        let figures = try exports.svgFigures(notebook)
        #expect(figures.count == 6 + 1 + 2 + 2 + 1, "\(figures.count) figures")
        for (i, what) in ["test-set", "training-set", "online"].enumerated() {
            #expect(figures[i].contains("digits-100: \(what) accuracy"), "figure \(i)")
            #expect(["T=1", "learned", "GD"].allSatisfy { figures[i].contains("data-series=\"\($0)\"") })
        }
        #expect(figures[6].contains("Test accuracy against training samples seen"))
        #expect(figures[7].contains("digits-100: final test accuracy") && figures[8].contains("digits-200: final test accuracy"))
        #expect(figures[9].contains("digits-100, attack l2: robust accuracy against ε"))
        #expect(figures[11].contains("data-series=\"learned (on digits-200)\""))
        let code = text(notebook, "code").joined(separator: "\n")
        #expect(code.contains("accuracy = pd.read_csv(\"study/accuracy.csv\")"))
        #expect(code.contains("robustness = pd.read_csv(\"study/robustness.csv\")"))
        #expect(code.contains("rules = json.load(open(\"study/rules.json\"))"))
        #expect(code.contains("samples = {\"digits-100\": 100, \"digits-200\": 200}"))
    }

    /// Each broken folder is refused with its one-line message, and no notebook is written.
    @Test func aBrokenFolderIsOneLineError() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let specPath = try scratch.write("study.yaml", Self.spec)
        let run = try NeuromodCLI.run(["run", specPath, "--out", scratch.path("run"), "--quiet"], in: scratch.cwd)
        try #require(run.status == 0, "\(run)")
        let files = ["accuracy.csv", "robustness.csv", "rules.json", "spec.yaml", "summary.json"]
        let original = try Dictionary(uniqueKeysWithValues: files.map { ($0, String(decoding: try scratch.data("run/\($0)"), as: UTF8.self)) })
        let accuracy = original["accuracy.csv"]!, summary = original["summary.json"]!
        let firstRow = try #require(accuracy.split(separator: "\n").dropFirst().first.map(String.init))
        var fields = firstRow.split(separator: ",").map(String.init)
        fields[6] = "1.5"
        let outOfRange = accuracy.replacingOccurrences(of: firstRow + "\n", with: fields.joined(separator: ",") + "\n")
        let folder = scratch.path("run")
        // (file, its new text or nil to delete it, the message)
        let cases: [(String, String?, String)] = [
            ("accuracy.csv", nil, "\(folder)/accuracy.csv: file not found (is this a folder written by `neuromod run`?)"),
            ("accuracy.csv", outOfRange, "\(folder)/accuracy.csv: line 2, column 'test_accuracy': 1.5 is not an accuracy in [0, 1]"),
            ("accuracy.csv", accuracy.replacingOccurrences(of: "online_accuracy", with: "online"),
             "\(folder)/accuracy.csv: no column 'online_accuracy' (columns: dataset, method, run, epoch, online, train_accuracy, test_accuracy, seconds)"),
            ("accuracy.csv", accuracy.split(separator: "\n").filter { !$0.contains(",GD,") }.joined(separator: "\n") + "\n",
             "\(folder)/accuracy.csv: no rows for dataset 'digits-100', method 'GD' (summary.json lists it)"),
            ("accuracy.csv", accuracy.split(separator: "\n").filter { !$0.contains(",2,0.") }.joined(separator: "\n") + "\n",
             "\(folder)/accuracy.csv: its last epoch is 1; summary.json says 2 epochs"),
            ("robustness.csv", nil, "\(folder)/robustness.csv: file not found (is this a folder written by `neuromod run`?)"),
            ("rules.json", "[{}]", "\(folder)/rules.json: DecodingError.keyNotFound: Key 'method' not found"),
            ("summary.json", summary.replacingOccurrences(of: "\"results\"", with: "\"result\""), "\(folder)/summary.json: DecodingError.keyNotFound: Key 'results' not found"),
            ("summary.json", summary.replacingOccurrences(of: "\"runs\" : 2", with: "\"runs\" : 3"),
             "\(folder)/summary.json: results[0].testAccuracy has 2 values for 3 runs"),
            ("spec.yaml", nil, "\(folder)/spec.yaml: file not found (is this a folder written by `neuromod run`?)"),
        ]
        for (file, text, message) in cases {
            let path = scratch.path("run/\(file)")
            if let text { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } else { try FileManager.default.removeItem(atPath: path) }
            let result = try NeuromodCLI.run(["export", folder, "--out", scratch.path("x.ipynb")], in: scratch.cwd)
            #expect(result.status == 1, "\(file): \(result)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(message), "\(file): \(result.stderr)")
            #expect(!scratch.exists("x.ipynb") && !scratch.exists("x"), "\(file): nothing written")
            try Data(original[file]!.utf8).write(to: URL(fileURLWithPath: path))
        }
        let repaired = try NeuromodCLI.run(["export", folder, "--out", scratch.path("x.ipynb")], in: scratch.cwd)
        #expect(repaired.status == 0, "the restored folder exports: \(repaired)")
    }
}
