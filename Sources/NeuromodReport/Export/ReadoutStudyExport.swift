import Foundation

/// A readout study (`readout:`): test accuracy and training loss per epoch, final accuracies —
/// each figure with the cell that redraws it from the data files.
struct ReadoutStudyExport {
    let folder: String
    let name: String

    func build() throws -> NotebookExporter.Export {
        let basics = try NotebookExporter.RunBasics<StudySummaries.Readout>(folder)
        let (specText, summary) = (basics.specText, basics.summary)
        let curves = try NotebookExporter.csv(folder, "curves.csv")
        let methods = try curves.column("method"), epochs = try curves.numbers("epoch")
        let loss = try curves.numbers("train_loss"), accuracy = try curves.numbers("test_accuracy")
        // Mean over runs (finite values) per epoch, per method: the cells' groupby("epoch").mean().
        func meanCurve(_ values: [Double], _ method: String) -> (x: [Double], y: [Double]) {
            var byEpoch: [Double: [Double]] = [:]
            for i in methods.indices where methods[i] == method && values[i].isFinite { byEpoch[epochs[i], default: []].append(values[i]) }
            let xs = byEpoch.keys.sorted()
            return (xs, xs.map { NotebookExporter.meanSD(byEpoch[$0]!).mean })
        }
        let order = summary.methods.map(\.method)
        let accuracySeries = order.map { m in
            let c = meanCurve(accuracy, m)
            return NotebookExporter.series(m, rows: Array(c.x.indices), x: c.x, y: c.y.map { 100 * $0 })
        }
        let lossSeries = order.compactMap { m -> Series? in
            let c = meanCurve(loss, m), rows = c.y.indices.filter { c.y[$0] > 0 }
            return rows.isEmpty ? nil : NotebookExporter.series(m, rows: rows, x: c.x, y: c.y)
        }
        var notebook = NotebookExporter.opening(specText: specText, name: name, about: """
            a readout study: hidden layer \(summary.hidden), \(summary.epochs) epochs, seed \(summary.seed), \(summary.runs) runs
            """)
        notebook.markdown("## Summary\n\nTest accuracy after the last epoch.\n\n" + NotebookExporter.markdownTable(
            header: ["method", "test accuracy % (mean)", "per run", "wall s"],
            rows: summary.methods.map { s in
                [s.method, String(format: "%.2f", 100 * s.meanTestAccuracy),
                 s.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "), String(format: "%.1f", s.wallSeconds)]
            }))
        notebook.code(PythonCells.setup(name: name, reads: [
            ("curves", PythonCells.readCSV("curves.csv")), ("summary", PythonCells.readSummary)]))
        notebook.markdown("## Learning curves")
        let accuracyPlot = LinePlot(title: "Test accuracy per epoch (mean over runs)", xLabel: "epoch", yLabel: "test accuracy (%)",
                                    series: accuracySeries)
        notebook.code("""
            \(PythonCells.newFigure)
            for method, c in curves.groupby("method", sort=False):
                m = c.groupby("epoch").test_accuracy.mean()
                ax.plot(m.index, 100 * m.values, label=label(method))
            \(PythonCells.show(accuracyPlot.title, accuracyPlot.xLabel, accuracyPlot.yLabel))
            """, figures: [try NotebookExporter.figure(accuracyPlot, "test accuracy per epoch, per method")])
        if !lossSeries.isEmpty {
            let lossPlot = LinePlot(title: "Training cross-entropy per epoch (mean over runs)", xLabel: "epoch", yLabel: "loss",
                                    yScale: .log10, series: lossSeries)
            notebook.code("""
                \(PythonCells.newFigure)
                for method, c in curves.groupby("method", sort=False):
                    m = c.groupby("epoch").train_loss.mean()
                    m = m[m > 0]
                    if not m.empty:
                        ax.plot(m.index, m.values, label=label(method))
                ax.set_yscale("log")
                \(PythonCells.show(lossPlot.title, lossPlot.xLabel, lossPlot.yLabel))
                """, figures: [try NotebookExporter.figure(lossPlot, "training loss per epoch, per method")])
        }
        var files = basics.files
        files["curves.csv"] = try NotebookExporter.read(folder, "curves.csv")
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }
}
