import Foundation
import NeuromodLab

/// The final table printed on stdout.
enum SummaryTable {
    static func render(_ result: ExperimentResult) -> String {
        let threshold = result.spec.training.threshold
        var header = ["method", "runs", "diverged", "final train loss", "final test loss", "best run (final)"]
        if let threshold { header.append("updates to < \(threshold)") }
        header += ["mean var across runs", "wall s"]
        var rows: [[String]] = []
        for s in result.summaries {
            let stable = s.diverged.indices.filter { !s.diverged[$0] }
            var row = [s.method, "\(s.runs)", "\(s.diverged.filter { $0 }.count)",
                       meanSD(stable.map { s.finalTrainLoss[$0] }),
                       s.finalTestLoss.isEmpty ? "–" : meanSD(stable.map { s.finalTestLoss[$0] }),
                       String(format: "%d (%.4g)", s.bestRun, s.bestRunFinalTrainLoss)]
            if threshold != nil {
                let reached = s.updatesToThreshold.compactMap { $0 }
                row.append(reached.isEmpty ? "never" : "best \(reached.min()!), \(reached.count)/\(s.runs) runs")
            }
            row += [String(format: "%.3g", s.meanVarianceAcrossRuns), String(format: "%.1f", s.wallSeconds)]
            rows.append(row)
        }
        return TextTable.render(title: "\(result.spec.name): \(result.spec.runs) runs, seed \(result.spec.seed)",
                                header: header, rows: rows)
    }

    static func meanSD(_ values: [Double]) -> String {
        if values.isEmpty { return "–" }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count - 1, 1))).squareRoot()
        return String(format: "%.4g ± %.2g", mean, sd)
    }
}
