import Foundation

/// Turns a folder written by `neuromod run` into a notebook: the study's title and description,
/// the spec it ran, its summary as Markdown tables, its figures as SVG outputs, and Python cells
/// that reload the data beside the notebook to continue the analysis.
///
/// The notebook refers to its data by a path relative to itself (`<name>/…`); ``Export/dataFiles``
/// are the files to write there: the run's small files (`summary.json`, `spec.yaml`, `curves.csv`,
/// `epochs.csv`, `grid.csv`, a readout study's `curves.csv`, an evolution study's `generations.csv`),
/// `timing.csv` reduced to the mean over runs per update, and, for environment studies, `episode-curves.csv` — mean and SD over runs of the return in windows of
/// episodes (the full `episodes.csv` and `metrics.csv` can be tens of MB).
public enum NotebookExporter {
    /// A notebook and the data files it reads, by name relative to `<name>/`.
    public struct Export: Sendable {
        public var notebook: Notebook
        public var dataFiles: [String: Data]
    }

    /// Most points a figure draws per series; longer series are thinned evenly (the data files keep all).
    static let maxPoints = 800

    public static func export(runFolder: String, name: String) throws -> Export {
        let path = { (file: String) in (runFolder as NSString).appendingPathComponent(file) }
        let exists = { (file: String) in FileManager.default.fileExists(atPath: path(file)) }
        guard exists("summary.json") else { throw ExportError.notARunFolder(runFolder) }
        if exists("generations.csv") { return try EvolutionStudyExport(folder: runFolder, name: name).build() }
        if exists("curves.csv") {
            // A readout study's curves are per epoch and carry accuracies; a task study's per update.
            let header = String(decoding: try read(runFolder, "curves.csv").prefix(80), as: UTF8.self)
            if header.hasPrefix("method,run,epoch,train_loss,train_accuracy") {
                return try ReadoutStudyExport(folder: runFolder, name: name).build()
            }
            return try TaskStudyExport(folder: runFolder, name: name).build()
        }
        if exists("episodes.csv") { return try EnvironmentStudyExport(folder: runFolder, name: name).build() }
        throw ExportError.notARunFolder(runFolder)
    }

    /// Indices of at most `maxPoints` evenly spaced elements of `count` (first and last included).
    static func thinned(_ count: Int) -> [Int] {
        guard count > maxPoints else { return Array(0..<count) }
        return (0..<maxPoints).map { $0 * (count - 1) / (maxPoints - 1) }
    }

    /// Summaries store non-finite numbers as strings (JSON has none).
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The run's `summary.json`, decoded as `T`, and its bytes (copied beside the notebook).
    static func summary<T: Decodable>(_ folder: String, as type: T.Type) throws -> (T, Data) {
        let data = try read(folder, "summary.json")
        do { return (try decoder().decode(T.self, from: data), data) } catch {
            throw ExportError.badFile((folder as NSString).appendingPathComponent("summary.json"), "\(error)")
        }
    }

    static func read(_ folder: String, _ file: String) throws -> Data {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else { throw ExportError.missingFile(path) }
        return data
    }

    /// The spec's `name` and `description` lines (plain YAML scalars), for the title.
    static func titleAndDescription(specText: String, fallback: String) -> (String, String) {
        func value(_ key: String) -> String? {
            specText.split(separator: "\n").first { $0.hasPrefix("\(key):") }
                .map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        return (value("name") ?? fallback, value("description") ?? "")
    }

    static func markdownTable(header: [String], rows: [[String]]) -> String {
        let escape = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
        return ([header, header.map { _ in "---" }] + rows).map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
            .joined(separator: "\n")
    }

    static func meanSD(_ values: [Double]) -> (mean: Double, sd: Double) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return (.nan, .nan) }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let sd = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot() : 0
        return (mean, sd)
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }

    static func figure(_ svg: String, _ alt: String) -> Notebook.StoredFigure { Notebook.StoredFigure(svg: svg, altText: alt) }
}

/// A supervised study (`task:`): learning curves, compute, wall time, variance across runs.
private struct TaskStudyExport {
    let folder: String
    let name: String

    func build() throws -> NotebookExporter.Export {
        let specText = String(decoding: try NotebookExporter.read(folder, "spec.yaml"), as: UTF8.self)
        let (summary, summaryData) = try NotebookExporter.summary(folder, as: StudySummaries.Task.self)
        let curves = try RunFolderCSV(path: (folder as NSString).appendingPathComponent("curves.csv"))
        let methods = try curves.column("method"), steps = try curves.numbers("step")
        let compute = try curves.numbers("compute"), mean = try curves.numbers("mean_loss")
        let variance = try curves.numbers("variance_across_runs"), best = try curves.numbers("best_run_loss")
        let order = summary.methods.map(\.method)
        func rows(of method: String) -> [Int] { methods.indices.filter { methods[$0] == method } }
        // A diverged run leaves non-finite (or astronomically large) means and variances: not drawn.
        func drawable(_ i: Int) -> Bool {
            mean[i] > 0 && mean[i] < 1e12 && variance[i].isFinite && variance[i] < 1e24 && best[i].isFinite
        }

        var lossSeries: [Series] = [], computeSeries: [Series] = [], varianceSeries: [Series] = []
        for method in order {
            let all = rows(of: method)
            let picked = NotebookExporter.thinned(all.count).map { all[$0] }.filter(drawable)
            guard !picked.isEmpty else { continue }
            let sd = picked.map { variance[$0].squareRoot() }
            let lower = zip(picked, sd).map { max(mean[$0] - $1, mean[$0] * 0.05) }
            let upper = zip(picked, sd).map { mean[$0] + $1 }
            lossSeries.append(Series(name: "\(method) mean ± SD", x: picked.map { steps[$0] }, y: picked.map { mean[$0] },
                                     band: (lower: lower, upper: upper)))
            lossSeries.append(Series(name: "\(method) best run", x: picked.map { steps[$0] },
                                     y: picked.map { best[$0] }, style: .thinLine))
            computeSeries.append(Series(name: method, x: picked.map { compute[$0] }, y: picked.map { mean[$0] }))
            let positive = picked.filter { variance[$0] > 0 && variance[$0].isFinite }
            if !positive.isEmpty {
                varianceSeries.append(Series(name: method, x: positive.map { steps[$0] }, y: positive.map { variance[$0] }))
            }
        }
        // Per epoch: every run's clean training loss (thin traces) and the mean ± SD over runs.
        let epochs = try RunFolderCSV(path: (folder as NSString).appendingPathComponent("epochs.csv"))
        let epochMethods = try epochs.column("method"), epochRuns = try epochs.column("run")
        let epochIndex = try epochs.numbers("epoch"), epochTrain = try epochs.numbers("train_loss")
        var epochSeries: [Series] = []
        for method in order {
            let rowsOfMethod = epochMethods.indices.filter { epochMethods[$0] == method && epochTrain[$0] > 0 && epochTrain[$0] < 1e12 }
            var byEpoch: [Double: [Double]] = [:]
            for run in Set(rowsOfMethod.map { epochRuns[$0] }).sorted() {
                let r = rowsOfMethod.filter { epochRuns[$0] == run }
                epochSeries.append(Series(name: method, x: r.map { epochIndex[$0] }, y: r.map { epochTrain[$0] }, style: .thinLine))
                for i in r { byEpoch[epochIndex[i], default: []].append(epochTrain[i]) }
            }
            let xs = byEpoch.keys.sorted()
            guard !xs.isEmpty else { continue }
            let stats = xs.map { NotebookExporter.meanSD(byEpoch[$0]!) }
            epochSeries.append(Series(name: method, x: xs, y: stats.map(\.mean),
                                      band: (lower: stats.map { max($0.mean - $0.sd, $0.mean * 0.05) }, upper: stats.map { $0.mean + $0.sd })))
        }
        // Against wall time: the mean loss at each update, placed at the mean time the runs reached it.
        var wallSeries: [Series] = []
        let timingPath = (folder as NSString).appendingPathComponent("timing.csv")
        let hasTiming = FileManager.default.fileExists(atPath: timingPath)
        var seconds: [String: [Double: (Double, Int)]] = [:]
        func wallSeconds(_ method: String, _ step: Double) -> Double? {
            seconds[method]?[step].map { $0.0 / Double($0.1) }
        }
        if hasTiming {
            let timing = try RunFolderCSV(path: timingPath)
            let tMethods = try timing.column("method"), tSteps = try timing.numbers("step"), tSeconds = try timing.numbers("seconds")
            for i in tMethods.indices {
                let old = seconds[tMethods[i], default: [:]][tSteps[i]] ?? (0, 0)
                seconds[tMethods[i], default: [:]][tSteps[i]] = (old.0 + tSeconds[i], old.1 + 1)
            }
            for method in order {
                let all = rows(of: method)
                let picked = NotebookExporter.thinned(all.count).map { all[$0] }
                    .filter { drawable($0) && wallSeconds(method, steps[$0]) != nil }
                guard !picked.isEmpty else { continue }
                wallSeries.append(Series(name: method, x: picked.map { wallSeconds(method, steps[$0])! }, y: picked.map { mean[$0] }))
            }
        }
        let (title, description) = NotebookExporter.titleAndDescription(specText: specText, fallback: name)
        var notebook = Notebook()
        notebook.markdown("""
            # \(title)

            \(description)

            Exported by `neuromod export` from a run folder written by `neuromod run` (seed \(summary.seed), \(summary.runs) runs). \
            The data behind every figure is in `\(name)/`; the code cells reload it with pandas.
            """)
        notebook.markdown("## Spec\n\n```yaml\n\(specText.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        notebook.markdown("## Summary\n\n" + NotebookExporter.markdownTable(
            header: ["method", "rule", "runs", "diverged", "final train loss", "final test loss", "updates to threshold (per run)",
                     "mean variance across runs", "wall s"],
            rows: summary.methods.map { s in
                let train = NotebookExporter.meanSD(s.finalTrainLoss), test = NotebookExporter.meanSD(s.finalTestLoss)
                return [s.method, s.rule, "\(s.runs)", "\(s.diverged.filter { $0 }.count)",
                        "\(NotebookExporter.format(train.mean)) ± \(NotebookExporter.format(train.sd))",
                        s.finalTestLoss.isEmpty ? "–" : "\(NotebookExporter.format(test.mean)) ± \(NotebookExporter.format(test.sd))",
                        s.updatesToThreshold.map { $0.map(String.init) ?? "–" }.joined(separator: " "),
                        NotebookExporter.format(s.meanVarianceAcrossRuns), String(format: "%.1f", s.wallSeconds)]
            }))
        let load = """
            import json
            import pandas as pd
            import matplotlib.pyplot as plt

            curves = pd.read_csv("\(name)/curves.csv")
            epochs = pd.read_csv("\(name)/epochs.csv")
            summary = json.load(open("\(name)/summary.json"))
            """
        notebook.code(load)
        let lossPlot = LinePlot(title: "Minibatch loss (clean) per update", xLabel: "update", yLabel: "loss",
                                xScale: .linear, yScale: .log10, series: lossSeries)
        notebook.markdown("## Learning curves\n\nMean over runs with ± one SD across runs (the band), and the best run.")
        notebook.code("""
            for method, c in curves.groupby("method", sort=False):
                plt.semilogy(c.step, c.mean_loss, label=method)
            plt.xlabel("update"); plt.ylabel("loss"); plt.legend(); plt.show()
            """, figures: [NotebookExporter.figure(try lossPlot.svg(), "loss per update, per method")])
        let computePlot = LinePlot(title: "Loss against compute", xLabel: "forward-pass equivalents per instance",
                                   yLabel: "mean loss", xScale: .linear, yScale: .log10, series: computeSeries)
        notebook.code("""
            for method, c in curves.groupby("method", sort=False):
                plt.semilogy(c.compute, c.mean_loss, label=method)
            plt.xlabel("forward-pass equivalents"); plt.ylabel("mean loss"); plt.legend(); plt.show()
            """, figures: [NotebookExporter.figure(try computePlot.svg(), "mean loss against compute")])
        if !wallSeries.isEmpty {
            let wallPlot = LinePlot(title: "Loss against wall time", xLabel: "seconds since the run started (mean over runs)",
                                    yLabel: "mean loss", xScale: .linear, yScale: .log10, series: wallSeries)
            notebook.code("""
                timing = pd.read_csv("\(name)/timing.csv").groupby(["method", "step"]).seconds.mean().reset_index()
                for method, c in curves.merge(timing, on=["method", "step"]).groupby("method", sort=False):
                    plt.semilogy(c.seconds, c.mean_loss, label=method)
                plt.xlabel("seconds"); plt.ylabel("mean loss"); plt.legend(); plt.show()
                """, figures: [NotebookExporter.figure(try wallPlot.svg(), "mean loss against wall time")])
        }
        if !epochSeries.isEmpty {
            let epochPlot = LinePlot(title: "Clean training loss per epoch: every run, and mean ± SD", xLabel: "epoch",
                                     yLabel: "training loss", xScale: .linear, yScale: .log10, series: epochSeries)
            notebook.code("""
                for (method, run), e in epochs.groupby(["method", "run"], sort=False):
                    plt.semilogy(e.epoch, e.train_loss, lw=0.7, label=f"{method} run {run}")
                plt.xlabel("epoch"); plt.ylabel("training loss"); plt.show()
                """, figures: [NotebookExporter.figure(try epochPlot.svg(), "training loss per epoch, every run")])
        }
        if !varianceSeries.isEmpty {
            let variancePlot = LinePlot(title: "Variance of the minibatch loss across runs", xLabel: "update",
                                        yLabel: "variance across runs", xScale: .linear, yScale: .log10, series: varianceSeries)
            notebook.markdown("## Variance across runs\n\nThe thesis's Tables 1–2 average this curve over training.")
            notebook.code("""
                for method, c in curves.groupby("method", sort=False):
                    plt.semilogy(c.step, c.variance_across_runs, label=method)
                plt.xlabel("update"); plt.ylabel("variance across runs"); plt.legend(); plt.show()
                """, figures: [NotebookExporter.figure(try variancePlot.svg(), "variance across runs per update")])
        }
        let finals = summary.methods.map { s -> Bar in
            let m = NotebookExporter.meanSD(s.finalTrainLoss)
            return Bar(label: s.method, value: m.mean, error: m.sd)
        }
        if finals.allSatisfy({ $0.value.isFinite }) {
            let bars = BarChart(title: "Final training loss (mean ± SD over runs)", yLabel: "loss", bars: finals)
            notebook.markdown("## Final losses")
            notebook.code("""
                final = {m["method"]: m["finalTrainLoss"] for m in summary["methods"]}
                pd.DataFrame(final).describe()
                """, figures: [NotebookExporter.figure(try bars.svg(), "final training loss per method")])
        }
        var files: [String: Data] = ["summary.json": summaryData, "spec.yaml": Data(specText.utf8),
                                     "curves.csv": try NotebookExporter.read(folder, "curves.csv")]
        files["epochs.csv"] = try NotebookExporter.read(folder, "epochs.csv")
        if hasTiming {
            // timing.csv has a row per update and run; the notebook keeps the per-update mean over runs.
            var csv = "method,step,seconds\n"
            for method in order {
                let all = rows(of: method)
                for i in all { if let t = wallSeconds(method, steps[i]) { csv += "\(method),\(Int(steps[i])),\(t)\n" } }
            }
            files["timing.csv"] = Data(csv.utf8)
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }
}

/// An environment study (`environment:`): returns per episode, scores, and the delay × trace grid.
private struct EnvironmentStudyExport {
    let folder: String
    let name: String
    /// Episodes per point of the return curves.
    let window = 10

    func build() throws -> NotebookExporter.Export {
        let specText = String(decoding: try NotebookExporter.read(folder, "spec.yaml"), as: UTF8.self)
        let (summary, summaryData) = try NotebookExporter.summary(folder, as: StudySummaries.Episodic.self)
        let episodes = try RunFolderCSV(path: (folder as NSString).appendingPathComponent("episodes.csv"))
        let methods = try episodes.column("method"), cells = try episodes.column("cell")
        let runs = try episodes.numbers("run").map(Int.init), index = try episodes.numbers("episode").map(Int.init)
        let returns = try episodes.numbers("return")
        // Mean return per run in windows of episodes, then mean and SD over runs, per method and cell.
        var sums: [String: [Int: [Int: (Double, Int)]]] = [:]
        var keys: [String] = []
        for i in returns.indices {
            let key = cells[i].isEmpty ? methods[i] : "\(methods[i]) \(cells[i])"
            if sums[key] == nil { keys.append(key); sums[key] = [:] }
            let w = (index[i] - 1) / window
            let old = sums[key]![w, default: [:]][runs[i]] ?? (0, 0)
            sums[key]![w, default: [:]][runs[i]] = (old.0 + returns[i], old.1 + 1)
        }
        var curveCSV = "series,episode,mean_return,sd_return,runs\n"
        var series: [Series] = []
        for key in keys {
            let windows = sums[key]!.keys.sorted()
            var x: [Double] = [], y: [Double] = [], lower: [Double] = [], upper: [Double] = []
            for w in windows {
                let perRun = sums[key]![w]!.values.map { $0.0 / Double($0.1) }
                let (m, sd) = NotebookExporter.meanSD(perRun)
                let episode = Double(w * window + window)
                curveCSV += "\"\(key)\",\(Int(episode)),\(m),\(sd),\(perRun.count)\n"
                x.append(episode); y.append(m); lower.append(m - sd); upper.append(m + sd)
            }
            let picked = NotebookExporter.thinned(x.count)
            series.append(Series(name: key, x: picked.map { x[$0] }, y: picked.map { y[$0] },
                                 band: summary.methods.count <= 6 ? (lower: picked.map { lower[$0] }, upper: picked.map { upper[$0] }) : nil))
        }
        let (title, description) = NotebookExporter.titleAndDescription(specText: specText, fallback: name)
        var notebook = Notebook()
        notebook.markdown("""
            # \(title)

            \(description)

            Exported by `neuromod export` from a run folder written by `neuromod run` (environment `\(summary.environment)`, \
            seed \(summary.seed), \(summary.runs) runs). The data behind every figure is in `\(name)/`; the code cells reload it with pandas.
            """)
        notebook.markdown("## Spec\n\n```yaml\n\(specText.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        notebook.markdown("## Summary\n\nScore: mean return over each run's last episodes.\n\n" + NotebookExporter.markdownTable(
            header: ["method", "cell", "runs", "score (mean ± SD)", "per run", "solved at episode", "steps", "wall s"],
            rows: summary.methods.map { s in
                [s.method, s.cell.isEmpty ? "–" : s.cell, "\(s.scores.count)",
                 "\(NotebookExporter.format(s.meanScore)) ± \(NotebookExporter.format(s.scoreStandardDeviation))",
                 s.scores.map(NotebookExporter.format).joined(separator: " "),
                 s.solvedAtEpisode.map { $0.map(String.init) ?? "–" }.joined(separator: " "),
                 "\(s.totalSteps)", String(format: "%.1f", s.wallSeconds)]
            }))
        notebook.code("""
            import json
            import pandas as pd
            import matplotlib.pyplot as plt

            curves = pd.read_csv("\(name)/episode-curves.csv")
            summary = json.load(open("\(name)/summary.json"))
            """)
        var files: [String: Data] = ["summary.json": summaryData, "spec.yaml": Data(specText.utf8),
                                     "episode-curves.csv": Data(curveCSV.utf8)]
        if keys.count <= 8 {
            let plot = LinePlot(title: "Return per episode (mean over runs in windows of \(window), ± SD)", xLabel: "episode",
                                yLabel: "return", xScale: .linear, yScale: .linear, series: series)
            notebook.markdown("## Learning curves")
            notebook.code("""
                for name, c in curves.groupby("series", sort=False):
                    plt.plot(c.episode, c.mean_return, label=name)
                plt.xlabel("episode"); plt.ylabel("return"); plt.legend(); plt.show()
                """, figures: [NotebookExporter.figure(try plot.svg(), "return per episode, per method")])
        }
        let scores = BarChart(title: "Score (mean ± SD over runs)", yLabel: "mean return, last episodes",
                              bars: summary.methods.map { Bar(label: $0.cell.isEmpty ? $0.method : "\($0.method) \($0.cell)",
                                                              value: $0.meanScore, error: $0.scoreStandardDeviation) })
        if summary.methods.count <= 8 {
            notebook.code("""
                pd.DataFrame({m["method"]: m["scores"] for m in summary["methods"]}).describe()
                """, figures: [NotebookExporter.figure(try scores.svg(), "score per method")])
        }
        if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("grid.csv")) {
            files["grid.csv"] = try NotebookExporter.read(folder, "grid.csv")
            notebook.markdown("## Delay × trace\n\nEach cell: the score averaged over runs (`grid.csv`).")
            for method in Set(summary.methods.map(\.method)).sorted() {
                let entries = summary.methods.filter { $0.method == method }
                var delays: [Double] = [], traces: [String] = []
                for e in entries {
                    if let d = e.delay, !delays.contains(d) { delays.append(d) }
                    if !traces.contains(e.trace) { traces.append(e.trace) }
                }
                let values = traces.map { trace in
                    delays.map { d in entries.first { $0.trace == trace && $0.delay == d }?.meanScore ?? .nan }
                }
                let heatmap = Heatmap(title: "\(method): score by reward delay and trace", xLabel: "reward delay (s)",
                                      yLabel: "trace", colorLabel: "score", xTicks: delays.map { String(format: "%g", $0) },
                                      yTicks: traces, values: values)
                notebook.code("""
                    grid = pd.read_csv("\(name)/grid.csv")
                    grid[grid.method == "\(method)"].pivot(index="trace", columns="delay", values="mean_score")
                    """, figures: [NotebookExporter.figure(try heatmap.svg(), "\(method) score heatmap, delay by trace")])
            }
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }
}
