import Neuromod
import NeuromodTasks

extension ExperimentSpec {
    /// Peak memory of `neuromod run` on this spec with `jobs` concurrent jobs (see ``MemoryEstimate``).
    ///
    /// Running holds the train/test split, the per-update metrics of every run and, per concurrent
    /// run (`jobs` runs side by side, whatever the rule), the network (weights, their updates and each
    /// instance's rates) and, for rules that probe every weight, one probe per instance and weight. Loading a table holds its text and three
    /// copies of its cells (table, dataset, split).
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let rows: Int, columns: Int
        switch task {
        case .sinusoid(let sinusoid):
            rows = sinusoid.samples
            columns = 2
            estimate.add("task.samples", rows, "the samples", MemoryLimit.product(rows, columns, Bytes.double, 2), .loading)
        case .table(let table):
            let shape = TableShape(path: table.path)
            rows = shape.rows
            columns = shape.columns
            estimate.add("task.path", table.path, "the table's text and cells",
                         MemoryLimit.sum([shape.textBytes, MemoryLimit.product(rows, columns, Bytes.double, 3)]), .loading)
        }
        estimate.add(task.dataField, task.dataValue, "the train/test split (\(rows) rows)", MemoryLimit.product(rows, columns, Bytes.double))
        let batch = min(training.batchSize, max(rows, 1))
        let updates = MemoryLimit.product(runs, training.epochs, (rows + batch - 1) / batch, methods.count)
        // A StepRecord, its lines in metrics.csv and curves.csv, and the arrays' growth: 520 bytes an
        // update (measured: 70.7 MB for 81 920 updates, 43.3 MB for the whole sinusoid study).
        estimate.add("training.epochs", "\(training.epochs) (× \((rows + batch - 1) / batch) updates)",
                     "the per-update metrics of every run", MemoryLimit.product(updates, 520))
        let probes = methods.contains { $0.rule.probesWeights }
        let concurrentRuns = min(max(jobs, 1), max(runs, 1))
        var fanIn = network.inputSize
        for (l, layer) in network.layers.enumerated() {
            let size = layer.population.size
            let parameters = MemoryLimit.product(MemoryLimit.sum([fanIn, 1]), size)
            // Per concurrent run: weights, bias and their update (×2), plus, for weight-probing rules,
            // each instance's probe (×1 per instance; measured: 95.8 MB for the housing study at 2 epochs, 2 runs side by side).
            let copies = MemoryLimit.product(concurrentRuns, MemoryLimit.sum([2, probes ? batch : 0]))
            // Rates, pre-activations, noise and backpropagated errors of every instance (×6, clean and noisy).
            let activity = MemoryLimit.product(batch, size, 6, concurrentRuns, Bytes.double)
            estimate.add("network.layers[\(l)].size", size, l == 0 ? "its weights, updates and activity" : "layer \(l)'s weights, updates and activity",
                         MemoryLimit.sum([MemoryLimit.product(parameters, copies, Bytes.double), activity]))
            fanIn = size
        }
        return estimate
    }
}

extension TaskSpec {
    /// The field that sets the number of samples, and its value.
    var dataField: String {
        if case .sinusoid = self { return "task.samples" }
        return "task.path"
    }

    var dataValue: String {
        switch self {
        case .sinusoid(let task): return "\(task.samples)"
        case .table(let table): return table.path
        }
    }
}

/// Rows and columns of a CSV table guessed from its first lines and inflated size, without reading it.
struct TableShape {
    var rows: Int
    var columns: Int
    var textBytes: Int

    init(path: String) {
        let head = DataFile.prefix(path: path, count: 1 << 16)
        let lines = head.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: true)
        textBytes = DataFile.contentSize(path: path)
        columns = lines.first.map { $0.filter { $0 == UInt8(ascii: ",") }.count + 1 } ?? 1
        let rowBytes = lines.count > 1 ? lines[1].count + 1 : max(1, textBytes)
        rows = max(1, (textBytes - (lines.first?.count ?? 0)) / rowBytes)
    }
}
