import Foundation

/// Writes an episodic experiment's outputs into a ``ResultFolder`` (whole or absent).
///
/// | file | contents |
/// |---|---|
/// | `episodes.csv` | `method,cell,run,episode,return,steps`: every episode of every run |
/// | `summary.json` | per method (and grid cell): score of each run (mean return over the last episodes), mean, SD, steps, wall time |
/// | `grid.csv` | with a grid: `method,delay,trace,mean_score,sd_score,runs` — one row per cell, ready for a heatmap |
/// | `spec.yaml` | the spec file as given, headed by a comment with the command-line overrides |
/// | `weights/` | with `--save-weights`: each run's final policy network (see ``WeightFiles``, docs/weights.md) |
/// | `provenance.json` | where the results came from: version, commit, spec hash, command line, machine, libraries (see ``Provenance``; written by ``ResultFolder``) |
public enum EpisodicResultWriter {
    public static func files(for result: EpisodicResult) -> [String] {
        ["episodes.csv", "summary.json"] + (result.spec.grid == nil ? [] : ["grid.csv"]) + ["spec.yaml", Provenance.fileName]
            + (result.finalNetworks.isEmpty ? [] : ["\(WeightFiles.folder)/"])
    }

    public static func write(_ result: EpisodicResult, specText: String, to folder: ResultFolder) throws {
        var episodes = "method,cell,run,episode,return,steps\n"
        episodes.reserveCapacity(result.episodes.count * 32)
        for e in result.episodes {
            // A cell names its trace, e.g. riseDecay(rise: 0.1, decay: 0.5): quoted, it may hold commas.
            episodes += "\(ResultWriter.csvField(e.method)),\(e.cell.isEmpty ? "" : "\"\(e.cell)\""),\(e.run),\(e.episode),\(e.episodeReturn),\(e.steps)\n"
        }
        var grid = "method,delay,trace,mean_score,sd_score,runs\n"
        for s in result.summaries {
            grid += "\(ResultWriter.csvField(s.method)),\(s.delay.map { "\($0)" } ?? ""),\"\(s.trace)\",\(s.meanScore),\(s.scoreStandardDeviation),\(s.scores.count)\n"
        }
        let summary = try ResultWriter.jsonEncoder.encode(SummaryFile(name: result.spec.name, seed: result.spec.seed, runs: result.spec.runs,
                                                     environment: result.spec.environment.kind.rawValue,
                                                     methods: result.summaries))
        try folder.write([("episodes.csv", Data(episodes.utf8)), ("summary.json", summary)]
                                  + (result.spec.grid == nil ? [] : [("grid.csv", Data(grid.utf8))])
                         + [("spec.yaml", Data(specText.utf8))] + WeightFiles.resultFiles(result.finalNetworks))
    }

    struct SummaryFile: Codable {
        var name: String
        var seed: UInt64
        var runs: Int
        var environment: String
        var methods: [PolicySummary]
    }
}
