import Foundation

/// Machine-readable results (`--json`), read by Benchmarks/run.sh.
struct BenchResults: Codable {
    struct MethodResult: Codable {
        var method: String
        var rule: String
        var learningRate: Double
        var sigma: Double?
        var update: Timing
        /// Batch loss reported by the first and the last timed update (sanity: it should not blow up).
        var firstLoss: Double
        var lastLoss: Double
    }
    struct Phase: Codable {
        var name: String
        var timing: Timing
    }
    struct Floor: Codable {
        var generator: String
        var normals: Int
        /// 256 streams, row n of the [256 × 9473] buffer from stream n (as the learner draws).
        var perInstance: Timing
        /// One stream filling the whole buffer (no per-stream switching).
        var singleStream: Timing
        var nsPerNormal: Double
    }
    /// The Rademacher probe's draw: 256 × 9473 signs, row n from stream n in the learner's calls
    /// (`fillSignBits` per weight matrix, `fillRademacher` per bias vector).
    struct SignFloor: Codable {
        var generator: String
        var signs: Int
        var perInstance: Timing
        var nsPerSign: Double
    }
    /// The Gaussian floor (256 streams) with another GSL method than Neuromod's inline ziggurat
    /// (GSL's ziggurat called once per draw among them).
    struct GaussianMethodFloor: Codable {
        var generator: String
        var method: String
        var perInstance: Timing
        var nsPerNormal: Double
    }

    var implementation = "neuromod"
    var date: String
    var host: String
    var cores: Int
    var random: String
    var blasThreadsAtStart: Int
    var blasThreads: Int
    /// Threads drawing the weight probe (PlasticityEngine.noiseThreads) and the floor.
    var noiseThreads: Int
    /// The precision of the timed updates (`--precision`): `float64` or `float32`.
    var precision: String
    var openblasEnvironment: String?
    /// `BLAS: OpenBLAS … (core …)` and the old-kernel warning, as `neuromod --version` prints them.
    var blasLine: String
    var blasCore: String
    var blasWarning: String?
    /// Neuromod's elementwise kernel level, as `neuromod --version` prints it after `kernels: `.
    var kernels: String?
    var layerSizes: [Int]
    var batch: Int
    var parameters: Int
    var specCheck: String
    var methods: [MethodResult]
    var phases: [Phase]
    var floor: Floor
    var otherFloors: [Floor]
    /// The sign floor of every generator (the spec's first).
    var signFloors: [SignFloor]
    /// The spec's generator with the polar and ratio methods.
    var gaussianMethods: [GaussianMethodFloor]
    /// median WP update / median per-instance floor (same generator).
    var wpOverFloor: Double
    var threeFactorWPOverFloor: Double
    /// median Gaussian WP / median Rademacher WP, and the same for 3F-WP (nan when not timed).
    var wpOverRademacherWP: Double
    var threeFactorWPOverRademacher: Double
}
