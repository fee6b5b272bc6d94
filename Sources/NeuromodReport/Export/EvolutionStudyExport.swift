import Foundation

/// An evolution study (`evolution:`): accuracy and fixation across generations, accuracy against
/// the number of genes (seed 003's Figure 3) — each figure with the cell that redraws it.
struct EvolutionStudyExport {
    let folder: String
    let name: String

    func build() throws -> NotebookExporter.Export {
        let basics = try NotebookExporter.RunBasics<StudySummaries.Evolution>(folder)
        let (specText, summary) = (basics.specText, basics.summary)
        let table = try NotebookExporter.csv(folder, "generations.csv")
        let genes = try table.numbers("genes"), generation = try table.numbers("generation")
        let consensus = try table.numbers("consensus_accuracy"), fixed = try table.numbers("fixed_fraction")
        let geneCounts = Array(Set(genes)).sorted()
        // Mean over runs per generation, per number of genes: the cells' groupby("generation").mean().
        func series(_ values: [Double], scale: Double) -> [Series] {
            geneCounts.map { n in
                var byGeneration: [Double: [Double]] = [:]
                for i in genes.indices where genes[i] == n { byGeneration[generation[i], default: []].append(values[i]) }
                let xs = byGeneration.keys.sorted()
                let ys = xs.map { scale * NotebookExporter.meanSD(byGeneration[$0]!).mean }
                return NotebookExporter.series("\(Int(n)) genes", rows: Array(xs.indices), x: xs, y: ys)
            }
        }
        var notebook = NotebookExporter.opening(specText: specText, name: name, about: """
            an evolution study: hidden layer \(summary.hidden), population \(summary.population), \(summary.generations) \
            generations, β = \(summary.geneDensity), ε = \(summary.selection), seed \(summary.seed), \(summary.runs) runs
            """)
        notebook.markdown("## Summary\n\nTest accuracy after the last generation.\n\n" + NotebookExporter.markdownTable(
            header: ["genes", "run", "NNE, consensus genotype %", "NNE, expected network %", "NNE + SignSGD %", "wall s"],
            rows: summary.results.map { r in
                ["\(r.genes)", "\(r.run)", String(format: "%.2f", 100 * r.consensusAccuracy), String(format: "%.2f", 100 * r.expectedAccuracy),
                 r.signSGDAccuracy.map { String(format: "%.2f", 100 * $0) } ?? "–", String(format: "%.1f", r.wallSeconds)]
            }))
        notebook.code(PythonCells.setup(name: name, reads: [
            ("generations", PythonCells.readCSV("generations.csv")), ("summary", PythonCells.readSummary)]))
        notebook.markdown("## Across generations")
        let accuracyPlot = LinePlot(title: "Test accuracy of the consensus genotype", xLabel: "generation", yLabel: "test accuracy (%)",
                                    series: series(consensus, scale: 100))
        notebook.code("""
            \(PythonCells.newFigure)
            for n, g in generations.groupby("genes"):
                m = g.groupby("generation").consensus_accuracy.mean()
                ax.plot(m.index, 100 * m.values, label=label(f"{n} genes"))
            \(PythonCells.show(accuracyPlot.title, accuracyPlot.xLabel, accuracyPlot.yLabel))
            """, figures: [try NotebookExporter.figure(accuracyPlot, "consensus accuracy per generation, per number of genes")])
        let fixedPlot = LinePlot(title: "Genes within 0.05 of fixation (seed 003, Figure 2)", xLabel: "generation",
                                 yLabel: "fraction of genes", series: series(fixed, scale: 1))
        notebook.code("""
            \(PythonCells.newFigure)
            for n, g in generations.groupby("genes"):
                m = g.groupby("generation").fixed_fraction.mean()
                ax.plot(m.index, m.values, label=label(f"{n} genes"))
            \(PythonCells.show(fixedPlot.title, fixedPlot.xLabel, fixedPlot.yLabel))
            """, figures: [try NotebookExporter.figure(fixedPlot, "fraction of fixed genes per generation")])
        if geneCounts.count > 1 { try addGenes(&notebook, summary) }
        var files = basics.files
        files["generations.csv"] = try NotebookExporter.read(folder, "generations.csv")
        return NotebookExporter.Export(notebook: notebook, dataFiles: files)
    }

    /// Final accuracy against the number of genes, NNE and (when run) NNE + SignSGD.
    private func addGenes(_ notebook: inout Notebook, _ summary: StudySummaries.Evolution) throws {
        var points = [Series(name: "NNE", x: [], y: [], style: .points)]
        let withSignSGD = summary.results.contains { $0.signSGDAccuracy != nil }
        if withSignSGD { points.append(Series(name: "NNE + SignSGD", x: [], y: [], style: .points)) }
        for r in summary.results {
            points[0].x.append(Double(r.genes)); points[0].y.append(100 * r.consensusAccuracy)
            if let s = r.signSGDAccuracy { points[1].x.append(Double(r.genes)); points[1].y.append(100 * s) }
        }
        let plot = LinePlot(title: "Final test accuracy against the number of genes (seed 003, Figure 3)", xLabel: "genes",
                            yLabel: "test accuracy (%)", xScale: .log10, series: points)
        let signSGD = """

            s = r[r.signSGDAccuracy.notna()]
            ax.plot(s.genes, 100 * s.signSGDAccuracy, "o", label="NNE + SignSGD")
            """
        notebook.markdown("## Number of genes")
        notebook.code("""
            r = pd.DataFrame(summary["results"])
            \(PythonCells.newFigure)
            ax.plot(r.genes, 100 * r.consensusAccuracy, "o", label="NNE")\(withSignSGD ? signSGD : "")
            ax.set_xscale("log")
            \(PythonCells.show(plot.title, plot.xLabel, plot.yLabel))
            """, figures: [try NotebookExporter.figure(plot, "final accuracy against number of genes")])
    }
}
