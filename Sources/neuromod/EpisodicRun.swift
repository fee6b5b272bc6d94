import Foundation
import NeuromodLab

/// `neuromod run` on an episodic spec (one with an `environment:` section).
enum EpisodicRun {
    static func run(options: SpecOptions, runs: Int?, out: String?, methods: String?, episodes: Int?,
                    quiet: Bool, saveWeights: Bool = false) throws {
        var spec = try EpisodicSpec.load(path: options.spec)
        Provenance.describeGenerator(spec.random)
        var overrides: [String] = []
        if let seed = options.seed { spec.seed = seed; overrides.append("--seed \(seed)") }
        if let runs { spec.runs = runs; overrides.append("--runs \(runs)") }
        if let out { spec.output = out; overrides.append("--out \(out)") }
        if let episodes {
            spec.training.episodes = episodes
            spec.training.scoreEpisodes = min(spec.training.scoreEpisodes, episodes)
            overrides.append("--episodes \(episodes)")
        }
        if let methods {
            let wanted = try selectedMethods(methods, known: spec.methods.map(\.name), spec: options.spec)
            spec.methods = spec.methods.filter { wanted.contains($0.name) }
            overrides.append("--methods \(methods)")
        }
        // The command-line overrides (--runs, --episodes, …) change sizes: check them again, with --jobs.
        try spec.memoryEstimate(jobs: options.jobCount).check(file: options.spec)
        let folder = try options.resultFolder(spec.output)
        let started = Date()
        let lock = NSLock()
        var runner = EpisodicRunner(spec: spec)
        runner.keepsFinalNetworks = saveWeights
        let result = try runner.run(jobs: options.jobCount) { p in
            guard !quiet else { return }
            let line = String(format: "[%d/%d] %@ run %d/%d episode %d/%d: mean return %.4g (%.0fs)\n",
                              p.configuration + 1, p.configurations, p.label, p.run + 1, p.runs, p.episode,
                              p.episodes, p.recentReturn, Date().timeIntervalSince(started))
            lock.lock()
            FileHandle.standardError.write(Data(line.utf8))
            lock.unlock()
        }
        let header = "# neuromod run \(options.spec)\(overrides.isEmpty ? "" : " " + overrides.joined(separator: " "))\n"
        try EpisodicResultWriter.write(result, specText: header + options.text, to: folder)
        print(render(result))
        print("wrote \(EpisodicResultWriter.files(for: result).joined(separator: ", ")) to \(spec.output)")
    }

    static func render(_ result: EpisodicResult) -> String {
        let grid = result.spec.grid != nil
        let last = result.spec.training.scoreEpisodes
        var header = ["method"]
        if grid { header += ["delay s", "trace"] }
        header += ["runs", "mean return, last \(last) episodes", "per run"]
        let threshold = result.spec.training.solvedAt
        if let threshold { header.append("solved (mean ≥ \(String(format: "%g", threshold))) at episode") }
        header += ["steps", "wall s"]
        let rows = result.summaries.map { s -> [String] in
            var row = [s.method]
            if grid { row += [s.delay.map { String(format: "%g", $0) } ?? "–", s.trace] }
            row += ["\(s.scores.count)", String(format: "%.4g ± %.2g", s.meanScore, s.scoreStandardDeviation),
                    s.scores.map { String(format: "%.4g", $0) }.joined(separator: " ")]
            if threshold != nil { row.append(s.solvedAtEpisode.map { $0.map(String.init) ?? "–" }.joined(separator: " ")) }
            row += ["\(s.totalSteps)", String(format: "%.1f", s.wallSeconds)]
            return row
        }
        return TextTable.render(
            title: "\(result.spec.name): \(result.spec.environment.kind.rawValue), \(result.spec.training.episodes) episodes, \(result.spec.runs) runs, seed \(result.spec.seed)",
            header: header, rows: rows)
    }
}
