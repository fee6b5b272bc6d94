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

    /// A plasticity-rules study (`kcap:`, seed 002).
    struct PlasticityRules: Decodable {
        /// One dataset and method.
        struct Result: Decodable {
            var dataset: String
            var method: String
            /// Final test accuracy (0…1) per run.
            var testAccuracy: [Double]
            /// Final accuracy on the training set (0…1) per run.
            var trainAccuracy: [Double]
            var wallSeconds: Double
        }
        /// One (dataset, method, attack, ε): the robust accuracy (0…1) of each run.
        struct Robust: Decodable {
            var dataset: String
            var method: String
            var attack: String
            var epsilon: Double
            var robustAccuracy: [Double]
        }
        /// The spec's `name`.
        var name: String
        var seed: UInt64
        var runs: Int
        var nodes: Int
        var cap: Int
        var epochs: Int
        var results: [Result]
        /// Empty without `kcap.robustness`.
        var robustness: [Robust]
    }

    /// One rule of a plasticity-rules study's `rules.json` (a `meta-learned` method).
    struct LearnedRule: Decodable {
        var method: String
        /// The dataset the rule was learned on.
        var source: String
        /// r_o: one row per presynaptic history, columns (label, prediction).
        var output: [[Double]]
        /// r, absent when W is fixed.
        var recurrent: [[Double]]?
        /// The mean batch loss of each outer epoch.
        var losses: [Double]
        var seconds: Double
    }
}
