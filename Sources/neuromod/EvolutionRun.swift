import Foundation
import NeuromodLab

/// `neuromod run` on an evolution study (a spec with an `evolution:` section).
enum EvolutionRun {
    static func run(options: SpecOptions, runs: Int?, out: String?, generations: Int?, quiet: Bool) throws {
        var spec = try EvolutionSpec.load(path: options.spec, dataDirectory: options.dataDirectory)
        Provenance.describeGenerator(spec.random)
        var overrides: [String] = []
        if let seed = options.seed { spec.seed = seed; overrides.append("--seed \(seed)") }
        if let runs { spec.runs = runs; overrides.append("--runs \(runs)") }
        if let out { spec.output = out; overrides.append("--out \(out)") }
        if let generations {
            spec.generations = generations
            spec.evaluateEvery = min(spec.evaluateEvery, generations)
            overrides.append("--generations \(generations)")
        }
        // The command-line overrides (--runs, --episodes, …) change sizes: check them again, with --jobs.
        try spec.memoryEstimate(jobs: options.jobCount).check(file: options.spec)
        let folder = try options.resultFolder(spec.output)
        let started = Date(), total = spec.generations
        let result = try EvolutionRunner(spec: spec).run(jobs: options.jobCount) { c in
            guard !quiet else { return }
            let line = String(format: "genes %d run %d generation %d/%d: mean fitness %.4f, test accuracy %.2f%% (consensus) %.2f%% (expected), %.0f%% of genes fixed (%.0fs)\n",
                              c.genes, c.run + 1, c.generation, total, c.meanFitness, 100 * c.consensusAccuracy,
                              100 * c.expectedAccuracy, 100 * c.fixedFraction, Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data(line.utf8))
        }
        let header = "# neuromod run \(options.spec)\(overrides.isEmpty ? "" : " " + overrides.joined(separator: " "))\n"
        try EvolutionResultWriter.write(result, specText: header + options.text, to: folder)
        let rows = result.summaries.map { s in
            ["\(s.genes)", "\(s.run + 1)", String(format: "%.2f", 100 * s.consensusAccuracy), String(format: "%.2f", 100 * s.expectedAccuracy),
             s.signSGDAccuracy.map { String(format: "%.2f", 100 * $0) } ?? "–", String(format: "%.1f", s.wallSeconds)]
        }
        print(TextTable.render(
            title: "\(spec.name): classes \(spec.data.classes.map(String.init).joined(separator: ",")), hidden \(spec.hidden), population \(spec.population), \(spec.generations) generations, seed \(spec.seed)",
            header: ["genes", "run", "NNE test accuracy % (consensus)", "expected network %", "NNE + SignSGD %", "wall s"], rows: rows))
        print("wrote \(EvolutionResultWriter.files.joined(separator: ", ")) to \(spec.output)")
    }
}
