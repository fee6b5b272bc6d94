import Foundation

/// A readout study (`readout:`): test accuracy and training loss per epoch, final accuracies.
struct ReadoutStudyExport {
    let folder: String
    let name: String

    func build() throws -> NotebookExporter.Export {
        let specText = String(decoding: try NotebookExporter.read(folder, "spec.yaml"), as: UTF8.self)
        let (summary, summaryData) = try NotebookExporter.summary(folder, as: StudySummaries.Readout.self)
        let curves = try RunFolderCSV(path: (folder as NSString).appendingPathComponent("curves.csv"))
        let methods = try curves.column("method"), epochs = try curves.numbers("epoch")
        let loss = try curves.numbers("train_loss"), accuracy = try curves.numbers("test_accuracy")
        // Mean over runs per epoch, per method.
        func meanCurve(_ values: [Double], _ method: String) -> (x: [Double], y: [Double]) {
            var byEpoch: [Double: [Double]] = [:]
            for i in methods.indices where methods[i] == method && values[i].isFinite { byEpoch[epochs[i], default: []].append(values[i]) }
            let xs = byEpoch.keys.sorted()
            return (xs, xs.map { NotebookExporter.meanSD(byEpoch[$0]!).mean })
        }
        let order = summary.methods.map(\.method)
        let accuracySeries = order.map { m in
            let c = meanCurve(accuracy, m), picked = NotebookExporter.thinned(c.x.count)
            return Series(name: m, x: picked.map { c.x[$0] }, y: picked.map { 100 * c.y[$0] })
        }
        let lossSeries = order.compactMap { m -> Series? in
            let c = meanCurve(loss, m), picked = NotebookExporter.thinned(c.x.count).filter { c.y[$0] > 0 }
            return picked.isEmpty ? nil : Series(name: m, x: picked.map { c.x[$0] }, y: picked.map { c.y[$0] })
        }
        let (title, description) = NotebookExporter.titleAndDescription(specText: specText, fallback: name)
        var notebook = Notebook()
        notebook.markdown("""
            # \(title)

            \(description)

            Exported by `neuromod export` from a run folder written by `neuromod run` (a readout study: hidden layer \
            \(summary.hidden), \(summary.epochs) epochs, seed \(summary.seed), \(summary.runs) runs). The data behind every \
            figure is in `\(name)/`; the code cells reload it with pandas.
            """)
        notebook.markdown("## Spec\n\n```yaml\n\(specText.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        notebook.markdown("## Summary\n\nTest accuracy after the last epoch.\n\n" + NotebookExporter.markdownTable(
            header: ["method", "test accuracy % (mean)", "per run", "wall s"],
            rows: summary.methods.map { s in
                [s.method, String(format: "%.2f", 100 * s.meanTestAccuracy),
                 s.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "), String(format: "%.1f", s.wallSeconds)]
            }))
        notebook.code("""
            import json
            import pandas as pd
            import matplotlib.pyplot as plt

            curves = pd.read_csv("\(name)/curves.csv")
            summary = json.load(open("\(name)/summary.json"))
            """)
        notebook.markdown("## Learning curves")
        let accuracyPlot = LinePlot(title: "Test accuracy per epoch (mean over runs)", xLabel: "epoch", yLabel: "test accuracy (%)",
                                    series: accuracySeries)
        notebook.code("""
            for method, c in curves.groupby("method", sort=False):
                m = c.groupby("epoch").test_accuracy.mean()
                plt.plot(m.index, 100 * m.values, label=method)
            plt.xlabel("epoch"); plt.ylabel("test accuracy (%)"); plt.legend(); plt.show()
            """, figures: [NotebookExporter.figure(try accuracyPlot.svg(), "test accuracy per epoch, per method")])
        if !lossSeries.isEmpty {
            let lossPlot = LinePlot(title: "Training cross-entropy per epoch (mean over runs)", xLabel: "epoch", yLabel: "loss",
                                    yScale: .log10, series: lossSeries)
            notebook.code("""
                for method, c in curves.groupby("method", sort=False):
                    m = c.groupby("epoch").train_loss.mean()
                    plt.semilogy(m.index, m.values, label=method)
                plt.xlabel("epoch"); plt.ylabel("training loss"); plt.legend(); plt.show()
                """, figures: [NotebookExporter.figure(try lossPlot.svg(), "training loss per epoch, per method")])
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: [
            "summary.json": summaryData, "spec.yaml": Data(specText.utf8), "curves.csv": try NotebookExporter.read(folder, "curves.csv")])
    }
}

/// An evolution study (`evolution:`): accuracy and fixation across generations, accuracy against
/// the number of genes (seed 003's Figure 3).
struct EvolutionStudyExport {
    let folder: String
    let name: String

    func build() throws -> NotebookExporter.Export {
        let specText = String(decoding: try NotebookExporter.read(folder, "spec.yaml"), as: UTF8.self)
        let (summary, summaryData) = try NotebookExporter.summary(folder, as: StudySummaries.Evolution.self)
        let table = try RunFolderCSV(path: (folder as NSString).appendingPathComponent("generations.csv"))
        let genes = try table.numbers("genes"), generation = try table.numbers("generation")
        let consensus = try table.numbers("consensus_accuracy"), fixed = try table.numbers("fixed_fraction")
        let geneCounts = Array(Set(genes)).sorted()
        // Mean over runs per generation, per number of genes.
        func series(_ values: [Double], scale: Double) -> [Series] {
            geneCounts.map { n in
                var byGeneration: [Double: [Double]] = [:]
                for i in genes.indices where genes[i] == n { byGeneration[generation[i], default: []].append(values[i]) }
                let xs = byGeneration.keys.sorted()
                return Series(name: "\(Int(n)) genes", x: xs, y: xs.map { scale * NotebookExporter.meanSD(byGeneration[$0]!).mean })
            }
        }
        let (title, description) = NotebookExporter.titleAndDescription(specText: specText, fallback: name)
        var notebook = Notebook()
        notebook.markdown("""
            # \(title)

            \(description)

            Exported by `neuromod export` from a run folder written by `neuromod run` (an evolution study: hidden layer \
            \(summary.hidden), population \(summary.population), \(summary.generations) generations, β = \(summary.geneDensity), \
            ε = \(summary.selection), seed \(summary.seed), \(summary.runs) runs). The data behind every figure is in `\(name)/`.
            """)
        notebook.markdown("## Spec\n\n```yaml\n\(specText.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        notebook.markdown("## Summary\n\nTest accuracy after the last generation.\n\n" + NotebookExporter.markdownTable(
            header: ["genes", "run", "NNE, consensus genotype %", "NNE, expected network %", "NNE + SignSGD %", "wall s"],
            rows: summary.results.map { r in
                ["\(r.genes)", "\(r.run)", String(format: "%.2f", 100 * r.consensusAccuracy), String(format: "%.2f", 100 * r.expectedAccuracy),
                 r.signSGDAccuracy.map { String(format: "%.2f", 100 * $0) } ?? "–", String(format: "%.1f", r.wallSeconds)]
            }))
        notebook.code("""
            import json
            import pandas as pd
            import matplotlib.pyplot as plt

            generations = pd.read_csv("\(name)/generations.csv")
            summary = json.load(open("\(name)/summary.json"))
            """)
        notebook.markdown("## Across generations")
        let accuracyPlot = LinePlot(title: "Test accuracy of the consensus genotype", xLabel: "generation", yLabel: "test accuracy (%)",
                                    series: series(consensus, scale: 100))
        notebook.code("""
            for n, g in generations.groupby("genes"):
                m = g.groupby("generation").consensus_accuracy.mean()
                plt.plot(m.index, 100 * m.values, label=f"{n} genes")
            plt.xlabel("generation"); plt.ylabel("test accuracy (%)"); plt.legend(); plt.show()
            """, figures: [NotebookExporter.figure(try accuracyPlot.svg(), "consensus accuracy per generation, per number of genes")])
        let fixedPlot = LinePlot(title: "Genes within 0.05 of fixation (seed 003, Figure 2)", xLabel: "generation",
                                 yLabel: "fraction of genes", series: series(fixed, scale: 1))
        notebook.code("""
            for n, g in generations.groupby("genes"):
                m = g.groupby("generation").fixed_fraction.mean()
                plt.plot(m.index, m.values, label=f"{n} genes")
            plt.xlabel("generation"); plt.ylabel("fraction of genes fixed"); plt.legend(); plt.show()
            """, figures: [NotebookExporter.figure(try fixedPlot.svg(), "fraction of fixed genes per generation")])
        if geneCounts.count > 1 {
            var points = [Series(name: "NNE", x: [], y: [], style: .points)]
            if summary.results.contains(where: { $0.signSGDAccuracy != nil }) { points.append(Series(name: "NNE + SignSGD", x: [], y: [], style: .points)) }
            for r in summary.results {
                points[0].x.append(Double(r.genes)); points[0].y.append(100 * r.consensusAccuracy)
                if let s = r.signSGDAccuracy { points[1].x.append(Double(r.genes)); points[1].y.append(100 * s) }
            }
            let genesPlot = LinePlot(title: "Final test accuracy against the number of genes (seed 003, Figure 3)", xLabel: "genes",
                                     yLabel: "test accuracy (%)", xScale: .log10, series: points)
            notebook.markdown("## Number of genes")
            notebook.code("""
                r = pd.DataFrame(summary["results"])
                plt.semilogx(r.genes, 100 * r.consensusAccuracy, "o", label="NNE")
                plt.xlabel("genes"); plt.ylabel("test accuracy (%)"); plt.legend(); plt.show()
                """, figures: [NotebookExporter.figure(try genesPlot.svg(), "final accuracy against number of genes")])
        }
        return NotebookExporter.Export(notebook: notebook, dataFiles: [
            "summary.json": summaryData, "spec.yaml": Data(specText.utf8),
            "generations.csv": try NotebookExporter.read(folder, "generations.csv")])
    }
}
