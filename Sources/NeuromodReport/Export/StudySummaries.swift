import Foundation

/// What the report reads from a run folder's `summary.json`, one reader per kind of study.
///
/// `neuromod run` writes the file (NeuromodLab's result writers); these readers decode only the
/// fields the notebook shows, so the report depends on the file's format, not on the Lab's types.
/// Numbers JSON cannot hold are written as the strings `"nan"`, `"inf"`, `"-inf"`
/// (see ``NotebookExporter/decoder()``). Unknown fields are ignored.
enum StudySummaries {
    /// A supervised study (`task:`).
    struct Task: Decodable {
        struct Method: Decodable {
            var method: String
            var rule: String
            var runs: Int
            /// Whether each run diverged.
            var diverged: [Bool]
            /// Final clean training loss per run (NaN for a diverged run).
            var finalTrainLoss: [Double]
            /// Final clean test loss per run (empty without a test set).
            var finalTestLoss: [Double]
            /// Updates until the loss first fell below the threshold, per run (nil: never).
            var updatesToThreshold: [Int?]
            var meanVarianceAcrossRuns: Double
            var wallSeconds: Double
        }
        var seed: UInt64
        var runs: Int
        var methods: [Method]
    }

    /// An environment study (`environment:`); a grid study has one entry per method and cell.
    struct Episodic: Decodable {
        struct Method: Decodable {
            var method: String
            /// The grid cell's text (`delay=… trace=…`), empty without a grid.
            var cell: String
            var scores: [Double]
            var meanScore: Double
            var scoreStandardDeviation: Double
            var solvedAtEpisode: [Int?]
            var totalSteps: Int
            var wallSeconds: Double
        }
        var seed: UInt64
        var runs: Int
        var environment: String
        var methods: [Method]
    }

    /// A readout study (`readout:`).
    struct Readout: Decodable {
        struct Method: Decodable {
            var method: String
            /// Final test accuracy (0…1) per run.
            var testAccuracy: [Double]
            var meanTestAccuracy: Double
            var wallSeconds: Double
        }
        var seed: UInt64
        var runs: Int
        var hidden: Int
        var epochs: Int
        var methods: [Method]
    }

    /// An evolution study (`evolution:`).
    struct Evolution: Decodable {
        struct Result: Decodable {
            var genes: Int
            var run: Int
            var consensusAccuracy: Double
            var expectedAccuracy: Double
            /// NNE + SignSGD's accuracy (absent without a `sign_sgd` phase).
            var signSGDAccuracy: Double?
            var wallSeconds: Double
        }
        var seed: UInt64
        var runs: Int
        var hidden: Int
        var population: Int
        var generations: Int
        var geneDensity: Double
        var selection: Double
        var results: [Result]
    }
}
