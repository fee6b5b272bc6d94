import Foundation

/// A plasticity-rules study (`kcap:`, seed 002; docs/plasticity-rules.md): accuracy per epoch,
/// accuracy against samples seen (Fig. 2), final accuracy per dataset and method (Figs. 3 and 6),
/// robust accuracy against ε (Fig. 5) and the meta-learning loss — each figure with the cell that
/// redraws it from the data files (`accuracy.csv`, and when the run wrote them `robustness.csv` and
/// `rules.json`).
///
/// Accuracies are shares in [0, 1] in the files and percentages in the tables and figures; every
/// mean is over runs, every band and error bar ± one sample SD (n − 1) over runs, drawn when the
/// study has more than one run.
struct PlasticityRulesStudyExport {
    let folder: String
    let name: String

    /// The three accuracies `accuracy.csv` records per epoch: column, and what it measures.
    static let accuracies = [
        ("test_accuracy", "test-set accuracy"), ("train_accuracy", "training-set accuracy"),
        ("online_accuracy", "online accuracy (before each example's update)"),
    ]

    /// Seed 002's Table 2, by method name: accuracy % on MNIST and Fashion-MNIST, robust accuracy %
    /// on MNIST at ε = 2 and ε = 4 (`../shared/seeds/002-SPEC.md`).
    static let seedTable2: [String: (mnist: Double, fashionMNIST: Double, robust2: Double, robust4: Double)] = [
        "T=1": (85, 70, 0, 0), "T=1*": (93, 81, 12, 0), "T=3": (87, 77, 60, 36),
    ]

    /// `accuracy.csv`, every accuracy checked to lie in [0, 1].
    private struct Epochs {
        let datasets, methods: [String]
        let epochs: [Double]
        let values: [String: [Double]]

        init(_ folder: String) throws {
            let csv = try NotebookExporter.csv(folder, "accuracy.csv")
            datasets = try csv.column("dataset"); methods = try csv.column("method"); epochs = try csv.numbers("epoch")
            _ = try csv.numbers("run")
            var values: [String: [Double]] = [:]
            for (column, _) in PlasticityRulesStudyExport.accuracies {
                values[column] = try PlasticityRulesStudyExport.shares(csv, column)
            }
            self.values = values
        }

        /// Mean and SD over runs of `column` per epoch for one dataset and method, epochs ascending.
        func perEpoch(_ column: String, dataset: String, method: String) -> (x: [Double], mean: [Double], sd: [Double]) {
            var byEpoch: [Double: [Double]] = [:]
            for i in datasets.indices where datasets[i] == dataset && methods[i] == method {
                byEpoch[epochs[i], default: []].append(values[column]![i])
            }
            let xs = byEpoch.keys.sorted(), stats = xs.map { NotebookExporter.meanSD(byEpoch[$0]!) }
            return (xs, stats.map(\.mean), stats.map(\.sd))
        }
    }

    /// `robustness.csv`, every robust accuracy checked to lie in [0, 1].
    private struct Robustness {
        let datasets, methods, attacks: [String]
        let epsilons, accuracies: [Double]

        init(_ folder: String) throws {
            let csv = try NotebookExporter.csv(folder, "robustness.csv")
            datasets = try csv.column("dataset"); methods = try csv.column("method"); attacks = try csv.column("attack")
            epsilons = try csv.numbers("epsilon"); accuracies = try PlasticityRulesStudyExport.shares(csv, "robust_accuracy")
            _ = try csv.numbers("run")
        }

        /// Mean and SD over runs of the robust accuracy per ε (ascending) for one dataset, attack and method.
        func curve(dataset: String, attack: String, method: String) -> (x: [Double], mean: [Double], sd: [Double]) {
            var byEpsilon: [Double: [Double]] = [:]
            for i in datasets.indices where datasets[i] == dataset && attacks[i] == attack && methods[i] == method {
                byEpsilon[epsilons[i], default: []].append(accuracies[i])
            }
            let xs = byEpsilon.keys.sorted(), stats = xs.map { NotebookExporter.meanSD(byEpsilon[$0]!) }
            return (xs, stats.map(\.mean), stats.map(\.sd))
        }
    }

    /// The column `column` of `csv` as shares in [0, 1].
    /// - Throws: `ExportError.badFile` naming the line and column of the first value outside [0, 1].
    static func shares(_ csv: RunFolderCSV, _ column: String) throws -> [Double] {
        let values = try csv.numbers(column)
        if let i = values.firstIndex(where: { !(0...1).contains($0) }) {
            throw ExportError.badFile(csv.file, "line \(i + 2), column '\(column)': \(values[i]) is not an accuracy in [0, 1]")
        }
        return values
    }

    func build() throws -> NotebookExporter.Export {
        let basics = try NotebookExporter.RunBasics<StudySummaries.PlasticityRules>(folder)
        let (specText, summary) = (basics.specText, basics.summary)
        try Self.validate(summary, file: (folder as NSString).appendingPathComponent("summary.json"))
        let epochs = try Epochs(folder)
        let datasets = Self.firstSeen(summary.results.map(\.dataset))
        let accuracyFile = (folder as NSString).appendingPathComponent("accuracy.csv")
        let ran = Set(epochs.datasets.indices.map { "\(epochs.datasets[$0])\u{1}\(epochs.methods[$0])" })
        for r in summary.results where !ran.contains("\(r.dataset)\u{1}\(r.method)") {
            throw ExportError.badFile(accuracyFile, "no rows for dataset '\(r.dataset)', method '\(r.method)' (summary.json lists it)")
        }
        if let last = epochs.epochs.max(), last != Double(summary.epochs) {
            throw ExportError.badFile(accuracyFile, "its last epoch is \(NotebookExporter.format(last)); summary.json says \(summary.epochs) epochs")
        }
        let rules = try learnedRules()
        var files = basics.files
        files["accuracy.csv"] = try NotebookExporter.read(folder, "accuracy.csv")
        var reads: [(variable: String, load: String)] = [("accuracy", PythonCells.readCSV("accuracy.csv")), ("summary", PythonCells.readSummary)]
        let robust = summary.robustness.isEmpty ? nil : try Robustness(folder)
        if robust != nil {
            files["robustness.csv"] = try NotebookExporter.read(folder, "robustness.csv")
            reads.append(("robustness", PythonCells.readCSV("robustness.csv")))
        }
        if rules != nil {
            files["rules.json"] = try NotebookExporter.read(folder, "rules.json")
            reads.append(("rules", "json.load(open(\"{dir}/rules.json\"))"))
        }

        var notebook = NotebookExporter.opening(specText: specText, name: name, about: """
            a plasticity-rules study (seed 002): n \(summary.nodes), k \(summary.cap), \(summary.epochs) epoch\(summary.epochs == 1 ? "" : "s"), \
            seed \(summary.seed), \(summary.runs) run\(summary.runs == 1 ? "" : "s")
            """)
        notebook.markdown("## Summary\n\n" + Self.summaryTable(summary))
        if !summary.robustness.isEmpty { notebook.markdown(Self.robustnessTable(summary)) }
        if let rules { notebook.markdown(Self.rulesTable(rules)) }
        notebook.code(PythonCells.setup(name: name, reads: reads))
        let bands = summary.runs > 1
        if summary.epochs > 1 {
            notebook.markdown("## Accuracy per epoch\n\nMean over runs\(bands ? " with ± one SD across runs (the band)" : "").")
            for dataset in datasets { try addEpochs(&notebook, epochs, dataset, methods: methods(of: dataset, summary), bands: bands) }
        }
        if let samples = Self.samplesSeen(specText: specText, datasets: datasets) {
            try addSamplesSeen(&notebook, summary, epochs, samples, bands: bands)
        }
        try addFinalBars(&notebook, summary, datasets)
        if let robust { try addRobustness(&notebook, robust, bands: bands) }
        if let rules, rules.contains(where: { $0.losses.contains(where: \.isFinite) }) { try addMetaLosses(&notebook, rules) }
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }

    /// Checks what the tables and figures read from `summary.json`: at least one result, every
    /// accuracy of every run a share in [0, 1], one value per run.
    /// - Throws: `ExportError.badFile` naming `file` and the entry at fault.
    static func validate(_ summary: StudySummaries.PlasticityRules, file: String) throws {
        guard !summary.results.isEmpty else { throw ExportError.badFile(file, "'results' is empty") }
        func check(_ values: [Double], _ field: String) throws {
            guard values.count == summary.runs else {
                throw ExportError.badFile(file, "\(field) has \(values.count) values for \(summary.runs) runs")
            }
            if let v = values.first(where: { !(0...1).contains($0) }) {
                throw ExportError.badFile(file, "\(field): \(v) is not an accuracy in [0, 1]")
            }
        }
        for (i, r) in summary.results.enumerated() {
            try check(r.testAccuracy, "results[\(i)].testAccuracy")
            try check(r.trainAccuracy, "results[\(i)].trainAccuracy")
        }
        for (i, p) in summary.robustness.enumerated() { try check(p.robustAccuracy, "robustness[\(i)].robustAccuracy") }
    }

    /// `rules.json` (the rules the `meta-learned` methods learned), nil when the run wrote none.
    private func learnedRules() throws -> [StudySummaries.LearnedRule]? {
        let path = (folder as NSString).appendingPathComponent("rules.json")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try NotebookExporter.read(folder, "rules.json")
        do { return try NotebookExporter.decoder().decode([StudySummaries.LearnedRule].self, from: data) } catch {
            throw ExportError.badFile(path, "\(error)")
        }
    }

    static func firstSeen(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    private func methods(of dataset: String, _ summary: StudySummaries.PlasticityRules) -> [String] {
        Self.firstSeen(summary.results.filter { $0.dataset == dataset }.map(\.method))
    }

    /// "mean ± SD" of `shares` in percent (the mean alone for one run).
    static func percent(_ shares: [Double]) -> String {
        let s = NotebookExporter.meanSD(shares)
        return shares.count > 1 ? String(format: "%.2f ± %.2f", 100 * s.mean, 100 * s.sd) : String(format: "%.2f", 100 * s.mean)
    }

    /// The seed's Table 2 entry for `method` on `dataset` (`mnist` or `fashion-mnist`), when the study is
    /// Table 2 (a spec named `seed002-table2…`).
    static func seedAccuracy(_ summary: StudySummaries.PlasticityRules, dataset: String, method: String) -> Double? {
        guard summary.name.hasPrefix("seed002-table2"), let seed = seedTable2[method] else { return nil }
        return dataset == "mnist" ? seed.mnist : dataset == "fashion-mnist" ? seed.fashionMNIST : nil
    }

    /// Per dataset and method: final test and training-set accuracy (mean ± SD over runs), each run's
    /// test accuracy, the seed's Table 2 value when the study is Table 2, the wall time.
    static func summaryTable(_ summary: StudySummaries.PlasticityRules) -> String {
        let table2 = summary.name.hasPrefix("seed002-table2")
        let header = ["dataset", "method", "test accuracy %", "per run", "training-set accuracy %"]
            + (table2 ? ["seed (Table 2) %"] : []) + ["wall s"]
        let rows = summary.results.map { r in
            [r.dataset, r.method, percent(r.testAccuracy), r.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "),
             percent(r.trainAccuracy)]
                + (table2 ? [seedAccuracy(summary, dataset: r.dataset, method: r.method).map { String(format: "%.0f", $0) } ?? "–"] : [])
                + [String(format: "%.1f", r.wallSeconds)]
        }
        return "Accuracy after the last epoch (\(summary.epochs)), \(summary.runs == 1 ? "one run" : "mean ± SD over \(summary.runs) runs").\n\n"
            + NotebookExporter.markdownTable(header: header, rows: rows)
    }

    /// Per dataset, method and attack: the mean robust accuracy % at each ε, and the seed's Table 2
    /// values at ε = 2 / 4 when the study is Table 2.
    static func robustnessTable(_ summary: StudySummaries.PlasticityRules) -> String {
        let epsilons = firstSeen(summary.robustness.map { String(format: "%g", $0.epsilon) })
        let table2 = summary.name.hasPrefix("seed002-table2")
        var keys: [String] = [], cells: [String: [String: String]] = [:], labels: [String: [String]] = [:]
        for p in summary.robustness {
            let key = "\(p.dataset)\u{1}\(p.method)\u{1}\(p.attack)"
            if cells[key] == nil {
                keys.append(key)
                let seed = seedTable2[p.method].map { String(format: "%.0f / %.0f", $0.robust2, $0.robust4) }
                labels[key] = [p.dataset, p.method, p.attack] + (table2 ? [p.dataset == "mnist" ? seed ?? "–" : "–"] : [])
            }
            cells[key, default: [:]][String(format: "%g", p.epsilon)] = String(format: "%.1f", 100 * NotebookExporter.meanSD(p.robustAccuracy).mean)
        }
        let header = ["dataset", "method", "attack"] + (table2 ? ["seed ε = 2 / 4"] : []) + epsilons.map { "ε \($0)" }
        return "Robust accuracy % (\(summary.runs == 1 ? "one run" : "mean over \(summary.runs) runs")): the share of the attacked test "
            + "images classified correctly that no targeted attack misleads.\n\n"
            + NotebookExporter.markdownTable(header: header, rows: keys.map { k in labels[k]! + epsilons.map { cells[k]![$0] ?? "–" } })
    }

    /// The learned rules: where each was learned, its loss, r_o and the range of r.
    static func rulesTable(_ rules: [StudySummaries.LearnedRule]) -> String {
        let rows = rules.map { r in
            [r.method, r.source, "\(r.losses.count)",
             "\(NotebookExporter.format(r.losses.first ?? .nan)) → \(NotebookExporter.format(r.losses.last ?? .nan))",
             r.output.map { "[" + $0.map { String(format: "%+.2f", $0) }.joined(separator: ", ") + "]" }.joined(separator: " "),
             r.recurrent.map { t in
                 let all = t.flatMap { $0 }
                 return all.isEmpty ? "–" : String(format: "%+.2f … %+.2f", all.min()!, all.max()!)
             } ?? "–",
             String(format: "%.1f", r.seconds)]
        }
        return "Rules learned by the `meta-learned` methods (`rules.json`): r_o has a row per presynaptic history "
            + "(columns: the label's node, the predicted node).\n\n"
            + NotebookExporter.markdownTable(header: ["method", "learned on", "outer epochs", "loss first → last", "r_o", "r (min … max)", "s"],
                                             rows: rows)
    }

    /// One line per method of the mean ± SD over runs at each x, as series, with the band when `bands`.
    static func meanSeries(_ name: String, x: [Double], mean: [Double], sd: [Double], bands: Bool) -> Series {
        let band = (lower: mean.indices.map { 100 * (mean[$0] - sd[$0]) }, upper: mean.indices.map { 100 * (mean[$0] + sd[$0]) })
        return NotebookExporter.series(name, rows: Array(x.indices), x: x, y: mean.map { 100 * $0 }, band: bands ? band : nil)
    }

    /// The Python lines that draw the mean ± SD over runs of `frame[column]` grouped by `by` (in
    /// percent) in colour `i`, labelled `method`; `column` is a Python expression (a literal or a variable).
    static func meanLines(_ frame: String, by: String, column: String, bands: Bool, indent: String) -> String {
        var lines = ["s = \(frame).groupby(\"\(by)\")[\(column)].agg([\"mean\", \"std\"])"]
        if bands {
            lines.append("ax.fill_between(s.index, 100 * (s[\"mean\"] - s[\"std\"]), 100 * (s[\"mean\"] + s[\"std\"]), "
                         + "color=f\"C{i % 10}\", alpha=0.2)")
        }
        lines.append("ax.plot(s.index, 100 * s[\"mean\"], color=f\"C{i % 10}\", label=label(method))")
        return lines.map { indent + $0 }.joined(separator: "\n")
    }

    /// Per dataset: the test, training-set and online accuracy per epoch, a figure each, a line per method.
    private func addEpochs(_ notebook: inout Notebook, _ epochs: Epochs, _ dataset: String, methods: [String], bands: Bool) throws {
        var figures: [Notebook.StoredFigure] = [], titles: [String] = []
        for (column, what) in Self.accuracies {
            let series = methods.map { m in
                let c = epochs.perEpoch(column, dataset: dataset, method: m)
                return Self.meanSeries(m, x: c.x, mean: c.mean, sd: c.sd, bands: bands)
            }
            let plot = LinePlot(title: "\(dataset): \(what) per epoch", xLabel: "epoch", yLabel: "accuracy (%)", series: series)
            titles.append(plot.title)
            figures.append(try NotebookExporter.figure(plot, "\(dataset): \(what) per epoch, per method"))
        }
        let pairs = zip(Self.accuracies.map(\.0), titles).map { "(\"\($0)\", \(PythonCells.literal($1)))" }.joined(separator: ", ")
        notebook.code("""
            a = accuracy[accuracy.dataset == \(PythonCells.literal(dataset))]
            for column, title in [\(pairs)]:
                \(PythonCells.newFigure)
                for i, (method, m) in enumerate(a.groupby("method", sort=False)):
            \(Self.meanLines("m", by: "epoch", column: "column", bands: bands, indent: "        "))
                show(fig, ax, title, "epoch", "accuracy (%)")
            """, figures: figures)
    }

    /// The training examples of each dataset, from its `train:` in the spec, when every dataset has
    /// one, they are all different and there are at least two: a Fig. 2-like study, whose datasets are
    /// subsets of growing size seen `epochs` times. Reads flow mappings of one line,
    /// `- {name: NAME, …, train: N}`, as fig2.yaml writes them; nil otherwise.
    static func samplesSeen(specText: String, datasets: [String]) -> [String: Int]? {
        var samples: [String: Int] = [:]
        for line in specText.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("- {"), text.hasSuffix("}") else { continue }
            var fields: [String: String] = [:]
            for pair in text.dropFirst(3).dropLast().split(separator: ",") {
                let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            if let name = fields["name"], datasets.contains(name), let train = fields["train"].flatMap({ Int($0) }), train > 0 {
                samples[name] = train
            }
        }
        guard datasets.count > 1, samples.count == datasets.count, Set(samples.values).count == datasets.count else { return nil }
        return samples
    }

    /// Fig. 2: the final test accuracy against the training samples seen (`train` × epochs), a line per method.
    private func addSamplesSeen(
        _ notebook: inout Notebook, _ summary: StudySummaries.PlasticityRules, _ epochs: Epochs, _ samples: [String: Int], bands: Bool
    ) throws {
        let methods = Self.firstSeen(summary.results.map(\.method))
        let series = methods.map { m in
            // The last epoch's test accuracy (mean, SD over runs) of each dataset the method ran on.
            let points = summary.results.filter { $0.method == m }.map { r in
                let c = epochs.perEpoch("test_accuracy", dataset: r.dataset, method: m)
                return (x: Double(samples[r.dataset]! * summary.epochs), mean: c.mean.last!, sd: c.sd.last!)
            }.sorted { $0.x < $1.x }
            return Self.meanSeries(m, x: points.map(\.x), mean: points.map(\.mean), sd: points.map(\.sd), bands: bands)
        }
        let plot = LinePlot(title: "Test accuracy against training samples seen (seed 002, Fig. 2)", xLabel: "training samples seen",
                            yLabel: "test accuracy (%)", xScale: .log10, series: series)
        let table = samples.sorted { $0.value < $1.value }.map { "\(PythonCells.literal($0.key)): \($0.value)" }.joined(separator: ", ")
        notebook.markdown("## Accuracy against samples seen\n\nEach dataset is a random subset of the training set (its `train:` in the spec) "
                          + "seen \(summary.epochs == 1 ? "once" : "\(summary.epochs) times"); its final test accuracy is the accuracy "
                          + "after that many samples.")
        notebook.code("""
            samples = {\(table)}  # each dataset's `train:` in spec.yaml
            final = accuracy[accuracy.epoch == accuracy.epoch.max()]
            final = final.assign(seen=final.dataset.map(samples) * final.epoch)
            \(PythonCells.newFigure)
            for i, (method, m) in enumerate(final.groupby("method", sort=False)):
            \(Self.meanLines("m", by: "seen", column: "\"test_accuracy\"", bands: bands, indent: "    "))
            ax.set_xscale("log")
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "test accuracy against samples seen, per method")])
    }

    /// Figs. 3 and 6: per dataset, the final test accuracy of each method as bars (mean ± SD over runs).
    private func addFinalBars(_ notebook: inout Notebook, _ summary: StudySummaries.PlasticityRules, _ datasets: [String]) throws {
        let figures = try datasets.map { dataset in
            let bars = summary.results.filter { $0.dataset == dataset }.map { r in
                let s = NotebookExporter.meanSD(r.testAccuracy)
                return Bar(label: r.method, value: 100 * s.mean, error: 100 * s.sd)
            }
            let chart = BarChart(title: "\(dataset): final test accuracy (mean ± SD over runs)", yLabel: "test accuracy (%)", bars: bars)
            return try NotebookExporter.figure(chart, "\(dataset): final test accuracy per method")
        }
        notebook.markdown("## Final accuracy per dataset and method\n\nSeed 002's Fig. 3 (rules reused across datasets) and Fig. 6 (updates on all "
                          + "examples or on misclassified ones) compare these.")
        notebook.code("""
            results = pd.DataFrame(summary["results"])
            for dataset, d in results.groupby("dataset", sort=False):
                means = [100 * np.mean(v) for v in d.testAccuracy]
                sds = [100 * np.std(v, ddof=1) if len(v) > 1 else 0 for v in d.testAccuracy]
                \(PythonCells.newFigure)
                bar_chart(ax, list(d.method), means, sds)
                show(fig, ax, dataset + ": final test accuracy (mean ± SD over runs)", "", "test accuracy (%)", legend=False)
            """, figures: figures)
    }

    /// Fig. 5: per dataset and attack, the robust accuracy against ε, a line per method (from `robustness.csv`).
    private func addRobustness(_ notebook: inout Notebook, _ robust: Robustness, bands: Bool) throws {
        guard Set(robust.epsilons).count > 1 else { return }
        notebook.markdown("## Robust accuracy against ε\n\nSeed 002's Fig. 5: the share of the attacked test images that are classified "
                          + "correctly and that no targeted attack within the ℓ2 radius ε misleads.")
        for dataset in Self.firstSeen(robust.datasets) {
            let rows = robust.datasets.indices.filter { robust.datasets[$0] == dataset }
            let figures = try Self.firstSeen(rows.map { robust.attacks[$0] }).map { attack in
                let methods = Self.firstSeen(rows.filter { robust.attacks[$0] == attack }.map { robust.methods[$0] })
                let series = methods.map { m in
                    let c = robust.curve(dataset: dataset, attack: attack, method: m)
                    return Self.meanSeries(m, x: c.x, mean: c.mean, sd: c.sd, bands: bands)
                }
                let plot = LinePlot(title: "\(dataset), attack \(attack): robust accuracy against ε", xLabel: "ε (ℓ2 radius)",
                                    yLabel: "robust accuracy (%)", series: series)
                return try NotebookExporter.figure(plot, "\(dataset), attack \(attack): robust accuracy against ε, per method")
            }
            notebook.code("""
                r = robustness[robustness.dataset == \(PythonCells.literal(dataset))]
                for attack, g in r.groupby("attack", sort=False):
                    \(PythonCells.newFigure)
                    for i, (method, m) in enumerate(g.groupby("method", sort=False)):
                \(Self.meanLines("m", by: "epsilon", column: "\"robust_accuracy\"", bands: bands, indent: "        "))
                    show(fig, ax, \(PythonCells.literal("\(dataset), attack ")) + attack + ": robust accuracy against ε", "ε (ℓ2 radius)", "robust accuracy (%)")
                """, figures: figures)
        }
    }

    /// The meta-learning loss (mean batch loss per outer epoch) of each learned rule.
    private func addMetaLosses(_ notebook: inout Notebook, _ rules: [StudySummaries.LearnedRule]) throws {
        let series = rules.compactMap { r -> Series? in
            let rows = r.losses.indices.filter { r.losses[$0].isFinite }
            return rows.isEmpty ? nil : NotebookExporter.series("\(r.method) (on \(r.source))", rows: rows,
                                                                x: r.losses.indices.map { Double($0 + 1) }, y: r.losses)
        }
        let plot = LinePlot(title: "Meta-learning: mean batch loss per outer epoch", xLabel: "outer epoch", yLabel: "loss", series: series)
        notebook.markdown("## Meta-learning the rules\n\nEach `meta-learned` method's rule is learned once (A.1): per batch the network is "
                          + "reset, rule-trained over the batch and scored by the cross-entropy on it.")
        notebook.code("""
            \(PythonCells.newFigure)
            for rule in rules:
                loss = np.array(rule["losses"], dtype=float)
                epoch = np.arange(1, len(loss) + 1)
                keep = np.isfinite(loss)
                if keep.any():
                    ax.plot(epoch[keep], loss[keep], label=label(f"{rule['method']} (on {rule['source']})"))
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "meta-learning loss per outer epoch, per learned rule")])
    }
}
