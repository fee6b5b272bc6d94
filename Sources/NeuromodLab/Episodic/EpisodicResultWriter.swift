import Foundation

/// An episodic study's files:
///
/// | file | contents |
/// |---|---|
/// | `episodes.csv` | `method,cell,run,episode,return,steps`: every episode of every run |
/// | `grid.csv` | with a grid: `method,delay,trace,mean_score,sd_score,runs` — one row per cell, ready for a heatmap |
/// | `summary.json` | per method (and grid cell): score of each run (mean return over the last episodes), mean, SD, steps, wall time |
extension EpisodicResult: StudyOutcome {
    public func dataFiles() throws -> ResultFiles {
        // A cell names its trace, e.g. riseDecay(rise: 0.1, decay: 0.5): quoted, it may hold commas.
        let episodes = ResultWriter.csv("episodes.csv", header: "method,cell,run,episode,return,steps", self.episodes) { e in
            "\(ResultWriter.csvField(e.method)),\(e.cell.isEmpty ? "" : "\"\(e.cell)\""),\(e.run),\(e.episode),\(e.episodeReturn),\(e.steps)"
        }
        guard spec.grid != nil else { return [episodes] }
        return [episodes, ResultWriter.csv("grid.csv", header: "method,delay,trace,mean_score,sd_score,runs", summaries) { s in
            "\(ResultWriter.csvField(s.method)),\(s.delay.map { "\($0)" } ?? ""),\"\(s.trace)\",\(s.meanScore),\(s.scoreStandardDeviation),\(s.scores.count)"
        }]
    }

    public var summary: EpisodicResultWriter.SummaryFile {
        EpisodicResultWriter.SummaryFile(kind: EpisodicSpec.kind.name, name: spec.name, seed: spec.seed, runs: spec.runs,
                                         environment: spec.environment.kind.rawValue, methods: summaries)
    }
}

/// The namespace of an episodic study's `summary.json`.
public enum EpisodicResultWriter {
    public struct SummaryFile: Codable, Sendable {
        public var kind: String
        public var name: String
        public var seed: UInt64
        public var runs: Int
        public var environment: String
        public var methods: [PolicySummary]
    }
}
