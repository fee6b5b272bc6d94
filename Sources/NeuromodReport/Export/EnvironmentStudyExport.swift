import Foundation

/// An environment study (`environment:`): returns per episode, scores, and the delay × trace grid —
/// each figure with the cell that redraws it from the data files.
struct EnvironmentStudyExport {
    let folder: String
    let name: String
    /// Episodes per point of the return curves.
    static let window = 10

    /// Return curves per series (a method, or a method and grid cell): mean and SD over runs of
    /// each run's mean return in windows of ``EnvironmentStudyExport/window`` episodes, at the
    /// window's last episode. The rows of `episode-curves.csv`.
    struct EpisodeCurves {
        var keys: [String] = []
        var episode: [String: [Double]] = [:], mean: [String: [Double]] = [:], sd: [String: [Double]] = [:]
        /// Runs behind each point.
        var runs: [String: [Int]] = [:]

        /// From `episodes.csv` (a folder written by `neuromod run`), else from `episode-curves.csv`
        /// (a notebook's data folder, exported before).
        init(folder: String) throws {
            if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("episodes.csv")) {
                try reduce(try NotebookExporter.csv(folder, "episodes.csv"))
            } else {
                let csv = try NotebookExporter.csv(folder, "episode-curves.csv")
                let series = try csv.column("series"), episodes = try csv.numbers("episode")
                let means = try csv.numbers("mean_return"), sds = try csv.numbers("sd_return"), counts = try csv.numbers("runs")
                for i in series.indices { append(series[i], episodes[i], means[i], sds[i], Int(counts[i])) }
            }
        }

        private mutating func append(_ key: String, _ x: Double, _ m: Double, _ s: Double, _ n: Int) {
            if episode[key] == nil { keys.append(key) }
            episode[key, default: []].append(x); mean[key, default: []].append(m); sd[key, default: []].append(s)
            runs[key, default: []].append(n)
        }

        private mutating func reduce(_ episodes: RunFolderCSV) throws {
            let methods = try episodes.column("method"), cells = try episodes.column("cell")
            let runs = try episodes.numbers("run").map(Int.init), index = try episodes.numbers("episode").map(Int.init)
            let returns = try episodes.numbers("return")
            let window = EnvironmentStudyExport.window
            var sums: [String: [Int: [Int: (Double, Int)]]] = [:]
            var order: [String] = []
            for i in returns.indices {
                let key = cells[i].isEmpty ? methods[i] : "\(methods[i]) \(cells[i])"
                if sums[key] == nil { order.append(key); sums[key] = [:] }
                let w = (index[i] - 1) / window
                let old = sums[key]![w, default: [:]][runs[i]] ?? (0, 0)
                sums[key]![w, default: [:]][runs[i]] = (old.0 + returns[i], old.1 + 1)
            }
            for key in order {
                for w in sums[key]!.keys.sorted() {
                    let perRun = sums[key]![w]!.values.map { $0.0 / Double($0.1) }
                    let (m, s) = NotebookExporter.meanSD(perRun)
                    append(key, Double(w * window + window), m, s, perRun.count)
                }
            }
        }

        /// The curves as CSV: `series,episode,mean_return,sd_return,runs`.
        var csv: String {
            var text = "series,episode,mean_return,sd_return,runs\n"
            for key in keys {
                for i in episode[key]!.indices {
                    text += "\"\(key)\",\(Int(episode[key]![i])),\(mean[key]![i]),\(sd[key]![i]),\(runs[key]![i])\n"
                }
            }
            return text
        }
    }

    func build() throws -> NotebookExporter.Export {
        let basics = try NotebookExporter.RunBasics<StudySummaries.Episodic>(folder)
        let (specText, summary) = (basics.specText, basics.summary)
        let curves = try EpisodeCurves(folder: folder)
        var notebook = NotebookExporter.opening(
            specText: specText, name: name, about: "environment `\(summary.environment)`, seed \(summary.seed), \(summary.runs) runs")
        notebook.markdown("## Summary\n\nScore: mean return over each run's last episodes.\n\n" + NotebookExporter.markdownTable(
            header: ["method", "cell", "runs", "score (mean ± SD)", "per run", "solved at episode", "steps", "wall s"],
            rows: summary.methods.map { s in
                [s.method, s.cell.isEmpty ? "–" : s.cell, "\(s.scores.count)",
                 "\(NotebookExporter.format(s.meanScore)) ± \(NotebookExporter.format(s.scoreStandardDeviation))",
                 s.scores.map(NotebookExporter.format).joined(separator: " "),
                 s.solvedAtEpisode.map { $0.map(String.init) ?? "–" }.joined(separator: " "),
                 "\(s.totalSteps)", String(format: "%.1f", s.wallSeconds)]
            }))
        notebook.code(PythonCells.setup(name: name, reads: [
            ("curves", PythonCells.readCSV("episode-curves.csv")), ("summary", PythonCells.readSummary)]))
        var files = basics.files
        files["episode-curves.csv"] = Data(curves.csv.utf8)
        if curves.keys.count <= 8 { try addCurves(&notebook, curves, bands: summary.methods.count <= 6) }
        if summary.methods.count <= 8 { try addScores(&notebook, summary) }
        if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("grid.csv")) {
            files["grid.csv"] = try NotebookExporter.read(folder, "grid.csv")
            try addGrid(&notebook)
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }

    /// Return per episode, per series, with ± SD bands when `bands`.
    private func addCurves(_ notebook: inout Notebook, _ curves: EpisodeCurves, bands: Bool) throws {
        let series = curves.keys.map { key -> Series in
            let m = curves.mean[key]!, s = curves.sd[key]!
            return NotebookExporter.series(key, rows: Array(m.indices), x: curves.episode[key]!, y: m,
                                           band: bands ? (lower: zip(m, s).map { $0 - $1 }, upper: zip(m, s).map { $0 + $1 }) : nil)
        }
        let plot = LinePlot(title: "Return per episode (mean over runs in windows of \(Self.window)\(bands ? ", ± SD" : ""))",
                            xLabel: "episode", yLabel: "return", series: series)
        let band = "    ax.fill_between(c.episode, c.mean_return - c.sd_return, c.mean_return + c.sd_return, color=f\"C{i % 10}\", alpha=0.2)\n"
        notebook.markdown("## Learning curves")
        notebook.code("""
            \(PythonCells.newFigure)
            for i, (series, c) in enumerate(curves.groupby("series", sort=False)):
            \(bands ? band : "")    ax.plot(c.episode, c.mean_return, color=f"C{i % 10}", label=label(series))
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "return per episode, per method")])
    }

    /// The score of every method (and grid cell) as bars, mean ± SD over runs.
    private func addScores(_ notebook: inout Notebook, _ summary: StudySummaries.Episodic) throws {
        let chart = BarChart(title: "Score (mean ± SD over runs)", yLabel: "mean return, last episodes",
                             bars: summary.methods.map { Bar(label: $0.cell.isEmpty ? $0.method : "\($0.method) \($0.cell)",
                                                             value: $0.meanScore, error: $0.scoreStandardDeviation) })
        notebook.code("""
            scores = summary["methods"]
            \(PythonCells.newFigure)
            bar_chart(ax, [m["method"] + (" " + m["cell"] if m["cell"] else "") for m in scores],
                      [float(m["meanScore"]) for m in scores], [float(m["scoreStandardDeviation"]) for m in scores])
            \(PythonCells.show(chart.title, "", chart.yLabel, legend: false))
            """, figures: [try NotebookExporter.figure(chart, "score per method")])
    }

    /// One heatmap per method: the mean score of every reward delay (columns) and trace (rows), in
    /// the order `grid.csv` first names them.
    private func addGrid(_ notebook: inout Notebook) throws {
        let grid = try NotebookExporter.csv(folder, "grid.csv")
        let methods = try grid.column("method"), delays = try grid.numbers("delay")
        let traces = try grid.column("trace"), scores = try grid.numbers("mean_score")
        notebook.markdown("## Delay × trace\n\nEach cell: the score averaged over runs (`grid.csv`).")
        notebook.code("grid = pd.read_csv(\"\(name)/grid.csv\")")
        for method in Set(methods).sorted() {
            let rows = methods.indices.filter { methods[$0] == method }
            var columns: [Double] = [], lines: [String] = []
            for i in rows {
                if !columns.contains(delays[i]) { columns.append(delays[i]) }
                if !lines.contains(traces[i]) { lines.append(traces[i]) }
            }
            let values = lines.map { trace in
                columns.map { d in rows.first { traces[$0] == trace && delays[$0] == d }.map { scores[$0] } ?? .nan }
            }
            let map = Heatmap(title: "\(method): score by reward delay and trace", xLabel: "reward delay (s)", yLabel: "trace",
                              colorLabel: "score", xTicks: columns.map { String(format: "%g", $0) }, yTicks: lines, values: values)
            notebook.code("""
                g = grid[grid.method == \(PythonCells.literal(method))]
                table = g.pivot(index="trace", columns="delay", values="mean_score").reindex(index=g.trace.unique(), columns=g.delay.unique())
                \(PythonCells.newFigure)
                image = ax.imshow(table.values, aspect="auto", cmap="viridis")
                ax.set_xticks(range(table.shape[1]), [f"{d:g}" for d in table.columns])
                ax.set_yticks(range(table.shape[0]), [label(t, 24) for t in table.index])
                fig.colorbar(image, ax=ax, label=\(PythonCells.literal(map.colorLabel)))
                \(PythonCells.show(map.title, map.xLabel, map.yLabel, legend: false))
                """, figures: [try NotebookExporter.figure(map, "\(method) score heatmap, delay by trace")])
        }
    }
}
