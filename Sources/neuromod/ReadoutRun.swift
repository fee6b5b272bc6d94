import Foundation
import NeuromodLab

/// `neuromod run` on a readout study (a spec with a `readout:` section).
enum ReadoutRun {
    static func run(options: SpecOptions, runs: Int?, out: String?, methods: String?, epochs: Int?, quiet: Bool,
                    saveWeights: Bool = false) throws {
        var spec = try ReadoutSpec.load(path: options.spec, dataDirectory: options.dataDirectory)
        Provenance.describeGenerator(spec.random)
        var overrides: [String] = []
        if let seed = options.seed { spec.seed = seed; overrides.append("--seed \(seed)") }
        if let runs { spec.runs = runs; overrides.append("--runs \(runs)") }
        if let out { spec.output = out; overrides.append("--out \(out)") }
        if let epochs { spec.epochs = epochs; overrides.append("--epochs \(epochs)") }
        if let methods {
            // Per run, every method sees the same fixed layer, first weights and image orders, so a
            // method run alone gives the numbers it gives beside the others.
            let wanted = try selectedMethods(methods, known: spec.methods.map(\.name), spec: options.spec)
            spec.methods = spec.methods.filter { wanted.contains($0.name) }
            overrides.append("--methods \(methods)")
        }
        // The command-line overrides (--runs, --episodes, …) change sizes: check them again, with --jobs.
        try spec.memoryEstimate(jobs: options.jobCount).check(file: options.spec)
        let folder = try options.resultFolder(spec.output)
        let started = Date(), lock = NSLock(), totalEpochs = spec.epochs
        var runner = ReadoutRunner(spec: spec)
        runner.keepsFinalNetworks = saveWeights
        let result = try runner.run(jobs: options.jobCount) { e in
            guard !quiet else { return }
            let line = String(format: "%@ run %d epoch %d/%d: train loss %.4f, test accuracy %.2f%% (%.0fs)\n",
                              e.method, e.run + 1, e.epoch, totalEpochs, e.trainLoss, 100 * e.testAccuracy,
                              Date().timeIntervalSince(started))
            lock.lock()
            FileHandle.standardError.write(Data(line.utf8))
            lock.unlock()
        }
        let header = "# neuromod run \(options.spec)\(overrides.isEmpty ? "" : " " + overrides.joined(separator: " "))\n"
        try ReadoutResultWriter.write(result, specText: header + options.text, to: folder)
        let rows = result.summaries.map { s in
            [s.method, String(format: "%.2f", 100 * s.meanTestAccuracy),
             s.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "), String(format: "%.1f", s.wallSeconds)]
        }
        print(TextTable.render(
            title: "\(spec.name): hidden \(spec.hidden), \(spec.epochs) epochs, \(spec.runs) runs, seed \(spec.seed) (hidden layer cached in \(String(format: "%.1f", result.cacheSeconds)) s)",
            header: ["method", "test accuracy %", "per run", "wall s"], rows: rows))
        print("wrote \((ReadoutResultWriter.files + (saveWeights ? ["\(WeightFiles.folder)/"] : [])).joined(separator: ", ")) to \(spec.output)")
    }
}
