import Foundation

/// A supervised study (`task:`): learning curves, compute, wall time, per-epoch losses, variance
/// across runs and final losses — each figure with the cell that redraws it from the data files.
struct TaskStudyExport {
    let folder: String
    let name: String

    /// `curves.csv`: per method and update, the mean over runs, the variance across runs and the best run.
    private struct Curves {
        let methods: [String]
        let steps, compute, mean, variance, best: [Double]

        init(_ folder: String) throws {
            let csv = try NotebookExporter.csv(folder, "curves.csv")
            methods = try csv.column("method")
            steps = try csv.numbers("step"); compute = try csv.numbers("compute"); mean = try csv.numbers("mean_loss")
            variance = try csv.numbers("variance_across_runs"); best = try csv.numbers("best_run_loss")
        }

        /// The rows of `method` a figure can draw (a diverged run leaves non-finite or astronomically
        /// large means and variances), in file order; the cells' `drawable` keeps the same rows.
        func drawable(_ method: String) -> [Int] {
            methods.indices.filter { i in
                methods[i] == method && mean[i] > 0 && mean[i] < 1e12 && variance[i].isFinite && variance[i] < 1e24 && best[i].isFinite
            }
        }
    }

    /// The setup cell's helper that keeps the rows `Curves.drawable` keeps.
    private static let drawableHelper = """
        def drawable(c):
            \"\"\"The rows a figure can draw: a diverged run leaves non-finite or astronomically large values.\"\"\"
            return c[(c.mean_loss > 0) & (c.mean_loss < 1e12) & np.isfinite(c.variance_across_runs)
                     & (c.variance_across_runs < 1e24) & np.isfinite(c.best_run_loss)]
        """

    func build() throws -> NotebookExporter.Export {
        let basics = try NotebookExporter.RunBasics<StudySummaries.Task>(folder)
        let (specText, summary) = (basics.specText, basics.summary)
        let curves = try Curves(folder)
        let order = summary.methods.map(\.method)
        var notebook = NotebookExporter.opening(specText: specText, name: name, about: "seed \(summary.seed), \(summary.runs) runs")
        notebook.markdown("## Summary\n\n" + Self.summaryTable(summary))
        notebook.code(PythonCells.setup(name: name, reads: [
            ("curves", PythonCells.readCSV("curves.csv")), ("epochs", PythonCells.readCSV("epochs.csv")),
            ("summary", PythonCells.readSummary),
        ], extra: Self.drawableHelper))
        notebook.markdown("## Learning curves\n\nMean over runs with ± one SD across runs (the band), and the best run.")
        try addUpdateFigures(&notebook, curves, order)
        let timing = try wallSeconds()
        if let timing { try addWallTime(&notebook, curves, order, timing) }
        try addEpochs(&notebook, order)
        try addVariance(&notebook, curves, order)
        try addFinalLosses(&notebook, summary)
        var files = basics.files
        for file in ["curves.csv", "epochs.csv"] { files[file] = try NotebookExporter.read(folder, file) }
        if let timing {
            // timing.csv has a row per update and run; the notebook keeps the per-update mean over runs.
            var csv = "method,step,seconds\n"
            for method in order {
                for i in curves.methods.indices where curves.methods[i] == method {
                    if let t = timing[method]?[curves.steps[i]] { csv += "\(method),\(Int(curves.steps[i])),\(t)\n" }
                }
            }
            files["timing.csv"] = Data(csv.utf8)
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }

    static func summaryTable(_ summary: StudySummaries.Task) -> String {
        NotebookExporter.markdownTable(
            header: ["method", "rule", "runs", "diverged", "final train loss", "final test loss", "updates to threshold (per run)",
                     "mean variance across runs", "wall s"],
            rows: summary.methods.map { s in
                let train = NotebookExporter.meanSD(s.finalTrainLoss), test = NotebookExporter.meanSD(s.finalTestLoss)
                return [s.method, s.rule, "\(s.runs)", "\(s.diverged.filter { $0 }.count)",
                        "\(NotebookExporter.format(train.mean)) ± \(NotebookExporter.format(train.sd))",
                        s.finalTestLoss.isEmpty ? "–" : "\(NotebookExporter.format(test.mean)) ± \(NotebookExporter.format(test.sd))",
                        s.updatesToThreshold.map { $0.map(String.init) ?? "–" }.joined(separator: " "),
                        NotebookExporter.format(s.meanVarianceAcrossRuns), String(format: "%.1f", s.wallSeconds)]
            })
    }

    /// Loss per update (mean ± SD and best run) and loss against compute.
    private func addUpdateFigures(_ notebook: inout Notebook, _ c: Curves, _ order: [String]) throws {
        var lossSeries: [Series] = [], computeSeries: [Series] = []
        for method in order {
            let rows = c.drawable(method)
            guard !rows.isEmpty else { continue }
            let lower = c.mean.indices.map { max(c.mean[$0] - c.variance[$0].squareRoot(), c.mean[$0] * 0.05) }
            let upper = c.mean.indices.map { c.mean[$0] + c.variance[$0].squareRoot() }
            lossSeries.append(NotebookExporter.series("\(method) mean ± SD", rows: rows, x: c.steps, y: c.mean, band: (lower, upper)))
            lossSeries.append(NotebookExporter.series("\(method) best run", rows: rows, x: c.steps, y: c.best, style: .thinLine))
            computeSeries.append(NotebookExporter.series(method, rows: rows, x: c.compute, y: c.mean))
        }
        let lossPlot = LinePlot(title: "Minibatch loss (clean) per update", xLabel: "update", yLabel: "loss",
                                yScale: .log10, series: lossSeries)
        notebook.code("""
            \(PythonCells.newFigure)
            for i, (method, c) in enumerate(curves.groupby("method", sort=False)):
                c = drawable(c)
                if c.empty:
                    continue
                sd = np.sqrt(c.variance_across_runs)
                # The band: ± one SD, its lower edge kept above 5 % of the mean (the axis is logarithmic).
                ax.fill_between(c.step, np.maximum(c.mean_loss - sd, 0.05 * c.mean_loss), c.mean_loss + sd, color=f"C{i % 10}", alpha=0.2)
                ax.plot(c.step, c.mean_loss, color=f"C{i % 10}", label=label(f"{method} mean ± SD"))
                ax.plot(c.step, c.best_run_loss, lw=0.8, alpha=0.6)  # the best run, without a legend entry
            ax.set_yscale("log")
            \(PythonCells.show(lossPlot.title, lossPlot.xLabel, lossPlot.yLabel))
            """, figures: [try NotebookExporter.figure(lossPlot, "loss per update, per method")])
        let computePlot = LinePlot(title: "Loss against compute", xLabel: "forward-pass equivalents per instance",
                                   yLabel: "mean loss", yScale: .log10, series: computeSeries)
        notebook.code("""
            \(PythonCells.newFigure)
            for method, c in curves.groupby("method", sort=False):
                c = drawable(c)
                if not c.empty:
                    ax.plot(c.compute, c.mean_loss, label=label(method))
            ax.set_yscale("log")
            \(PythonCells.show(computePlot.title, computePlot.xLabel, computePlot.yLabel))
            """, figures: [try NotebookExporter.figure(computePlot, "mean loss against compute")])
    }

    /// `timing.csv` as the mean over runs of the seconds at each update, per method; nil without the file.
    private func wallSeconds() throws -> [String: [Double: Double]]? {
        guard FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("timing.csv")) else { return nil }
        let timing = try NotebookExporter.csv(folder, "timing.csv")
        let methods = try timing.column("method"), steps = try timing.numbers("step"), seconds = try timing.numbers("seconds")
        var sums: [String: [Double: (Double, Int)]] = [:]
        for i in methods.indices {
            let old = sums[methods[i], default: [:]][steps[i]] ?? (0, 0)
            sums[methods[i], default: [:]][steps[i]] = (old.0 + seconds[i], old.1 + 1)
        }
        return sums.mapValues { $0.mapValues { $0.0 / Double($0.1) } }
    }

    /// The mean loss at each update, placed at the mean time the runs reached it.
    private func addWallTime(_ notebook: inout Notebook, _ c: Curves, _ order: [String], _ timing: [String: [Double: Double]]) throws {
        var wallSeries: [Series] = []
        for method in order {
            let rows = c.drawable(method).filter { timing[method]?[c.steps[$0]] != nil }
            guard !rows.isEmpty else { continue }
            let seconds = c.steps.indices.map { timing[method]?[c.steps[$0]] ?? .nan }
            wallSeries.append(NotebookExporter.series(method, rows: rows, x: seconds, y: c.mean))
        }
        guard !wallSeries.isEmpty else { return }
        let plot = LinePlot(title: "Loss against wall time", xLabel: "seconds since the run started (mean over runs)",
                            yLabel: "mean loss", yScale: .log10, series: wallSeries)
        notebook.code("""
            timing = pd.read_csv("\(name)/timing.csv").groupby(["method", "step"], sort=False).seconds.mean().reset_index()
            \(PythonCells.newFigure)
            for method, c in drawable(curves).merge(timing, on=["method", "step"]).groupby("method", sort=False):
                ax.plot(c.seconds, c.mean_loss, label=label(method))
            ax.set_yscale("log")
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "mean loss against wall time")])
    }

    /// The variance of the minibatch loss across runs, where it is positive.
    private func addVariance(_ notebook: inout Notebook, _ c: Curves, _ order: [String]) throws {
        let varianceSeries = order.compactMap { method -> Series? in
            let rows = c.drawable(method).filter { c.variance[$0] > 0 }
            return rows.isEmpty ? nil : NotebookExporter.series(method, rows: rows, x: c.steps, y: c.variance)
        }
        guard !varianceSeries.isEmpty else { return }
        let plot = LinePlot(title: "Variance of the minibatch loss across runs", xLabel: "update",
                            yLabel: "variance across runs", yScale: .log10, series: varianceSeries)
        notebook.markdown("## Variance across runs\n\nThe thesis's Tables 1–2 average this curve over training.")
        notebook.code("""
            \(PythonCells.newFigure)
            for method, c in curves.groupby("method", sort=False):
                c = drawable(c)
                c = c[c.variance_across_runs > 0]
                if not c.empty:
                    ax.plot(c.step, c.variance_across_runs, label=label(method))
            ax.set_yscale("log")
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "variance across runs per update")])
    }

    /// Final training loss per method as bars (mean ± SD over runs), when every mean is finite.
    private func addFinalLosses(_ notebook: inout Notebook, _ summary: StudySummaries.Task) throws {
        let finals = summary.methods.map { s -> Bar in
            let m = NotebookExporter.meanSD(s.finalTrainLoss)
            return Bar(label: s.method, value: m.mean, error: m.sd)
        }
        guard finals.allSatisfy({ $0.value.isFinite }) else { return }
        let bars = BarChart(title: "Final training loss (mean ± SD over runs)", yLabel: "loss", bars: finals)
        notebook.markdown("## Final losses")
        notebook.code("""
            final = [(m["method"], np.array([float(v) for v in m["finalTrainLoss"]])) for m in summary["methods"]]
            final = [(method, f[np.isfinite(f)]) for method, f in final]  # a diverged run's loss is NaN
            \(PythonCells.newFigure)
            bar_chart(ax, [method for method, _ in final], [f.mean() for _, f in final],
                      [f.std(ddof=1) if len(f) > 1 else 0 for _, f in final])
            \(PythonCells.show(bars.title, "", bars.yLabel, legend: false))
            """, figures: [try NotebookExporter.figure(bars, "final training loss per method")])
    }
}

extension TaskStudyExport {
    /// Per epoch: every run's clean training loss (thin traces) and the mean ± SD over runs.
    fileprivate func addEpochs(_ notebook: inout Notebook, _ order: [String]) throws {
        let epochs = try NotebookExporter.csv(folder, "epochs.csv")
        let methods = try epochs.column("method"), runs = try epochs.column("run")
        let index = try epochs.numbers("epoch"), train = try epochs.numbers("train_loss")
        var series: [Series] = []
        for method in order {
            let rows = methods.indices.filter { methods[$0] == method && train[$0] > 0 && train[$0] < 1e12 }
            var byEpoch: [Double: [Double]] = [:]
            let runNames = Set(rows.map { runs[$0] }).sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
            for run in runNames {
                let r = rows.filter { runs[$0] == run }
                series.append(NotebookExporter.series(method, rows: r, x: index, y: train, style: .thinLine))
                for i in r { byEpoch[index[i], default: []].append(train[i]) }
            }
            let xs = byEpoch.keys.sorted()
            guard !xs.isEmpty else { continue }
            let stats = xs.map { NotebookExporter.meanSD(byEpoch[$0]!) }
            series.append(NotebookExporter.series(
                method, rows: Array(xs.indices), x: xs, y: stats.map(\.mean),
                band: (lower: stats.map { max($0.mean - $0.sd, $0.mean * 0.05) }, upper: stats.map { $0.mean + $0.sd })))
        }
        guard !series.isEmpty else { return }
        let plot = LinePlot(title: "Clean training loss per epoch: every run, and mean ± SD", xLabel: "epoch", yLabel: "training loss",
                            yScale: .log10, series: series)
        notebook.code("""
            \(PythonCells.newFigure)
            for i, (method, e) in enumerate(epochs.groupby("method", sort=False)):
                e = e[(e.train_loss > 0) & (e.train_loss < 1e12)]
                if e.empty:
                    continue
                for run, r in e.groupby("run"):
                    ax.plot(r.epoch, r.train_loss, color=f"C{i % 10}", lw=0.8, alpha=0.35)
                s = e.groupby("epoch").train_loss.agg(["mean", "std"]).fillna({"std": 0})
                ax.fill_between(s.index, np.maximum(s["mean"] - s["std"], 0.05 * s["mean"]), s["mean"] + s["std"],
                                color=f"C{i % 10}", alpha=0.2)
                ax.plot(s.index, s["mean"], color=f"C{i % 10}", label=label(method))
            ax.set_yscale("log")
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "training loss per epoch, every run and the mean")])
    }
}
