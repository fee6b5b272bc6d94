import Foundation
import Neuromod
import NeuromodLab

/// Command-line options of `neuromod-bench` (parsed by hand: the benchmark has no CLI dependency).
struct Options {
    /// Timed repetitions per measurement (after warm-up).
    var repeats = 50
    /// Untimed calls before timing.
    var warmup = 5
    /// The generator of every random stream (the learners' probes and the noise floor).
    var random: RandomAlgorithm = .mt19937
    /// OpenBLAS threads for the whole benchmark.
    var blasThreads = 1
    /// Where to write machine-readable results (nil: nowhere).
    var jsonPath: String?
    /// The housing CSV (plain or gzip).
    var dataPath = "Models/data/california_housing.csv.gz"
    /// The spec whose hyperparameters the benchmark checks its own against (skipped if missing).
    var specPath = "Models/thesis/california-housing.yaml"
    /// Seed of the split, the initial weights and every stream.
    var seed: UInt64 = 1
    /// Distinct training minibatches the timed updates cycle through.
    var batches = 8
    /// Write the tiny-network reference for Benchmarks/check_numpy_peer.py to this path and exit.
    var referencePath: String?
    /// Time the noise floor of every generator kind (10 repeats each for the others).
    var allFloors = true
    /// Threads that draw the weight probe's noise (PlasticityEngine.noiseThreads) and the noise floor.
    var noiseThreads = 1
    /// Whether `random` was taken from the spec (`--random spec`).
    var randomFromSpec = false
    /// The methods to time (default all six); e.g. for profiling one of them with perf.
    var methods = Method.allCases
    /// The precision of the timed updates (docs/precision.md); float32 needs one OpenBLAS thread.
    var precision: Precision = .float64

    static let usage = """
    usage: neuromod-bench [--repeats N] [--warmup N] [--random mt19937|gfsr4|taus2|ranlxd2|spec]
                          [--blas-threads N] [--noise-threads N] [--json PATH] [--data PATH] [--spec PATH] [--seed S]
                          [--batches K] [--methods BP,WP,3F-WP,3F-NP,WP-rad,3F-WP-rad] [--no-all-floors]
                          [--precision float64|float32] [--dump-reference PATH]
           neuromod-bench traces [options]      (eligibility traces; see neuromod-bench traces --help)
           neuromod-bench nne [--genes N] [--images N] [--hidden N] [--repeats N]   (NNE at seed 003's scale)

    Times one update of BP, WP, 3F-WP and 3F-NP on the housing network (8-128-64-1, batch 256), WP and
    3F-WP with the Rademacher probe (WP-rad, 3F-WP-rad), and the noise floors of weight perturbation
    (256 × 9473 Gaussian draws, and as many signs, from 256 per-instance streams; every generator, and
    GSL's three Gaussian methods).
    --precision float32 times the updates in single precision (the phases and floors stay float64).
    Run from the package root (paths are relative to it). Defaults: --repeats 50 --warmup 5
    --random mt19937 --blas-threads 1 --noise-threads 1 --batches 8 --seed 1 --precision float64. `--random spec` uses the
    generator the spec (--spec) resolves to, i.e. the one `neuromod run` uses for the study.
    """

    static func parse(_ arguments: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value(_ name: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw BenchError("\(name) needs a value") }
            return arguments[i]
        }
        func positive(_ name: String) throws -> Int {
            let text = try value(name)
            guard let n = Int(text), n > 0 else { throw BenchError("\(name) must be a positive integer, got \(text)") }
            return n
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--repeats": o.repeats = try positive(a)
            case "--warmup":
                let text = try value(a)
                guard let n = Int(text), n >= 0 else { throw BenchError("--warmup must be ≥ 0, got \(text)") }
                o.warmup = n
            case "--random":
                let text = try value(a)
                if text == "spec" {
                    o.randomFromSpec = true
                    i += 1
                    continue
                }
                guard let r = RandomAlgorithm(rawValue: text) else {
                    throw BenchError("--random: unknown generator '\(text)' (one of \(RandomAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                o.random = r
            case "--blas-threads": o.blasThreads = try positive(a)
            case "--noise-threads": o.noiseThreads = try positive(a)
            case "--json": o.jsonPath = try value(a)
            case "--data": o.dataPath = try value(a)
            case "--spec": o.specPath = try value(a)
            case "--seed":
                let text = try value(a)
                guard let s = UInt64(text) else { throw BenchError("--seed must be a non-negative integer, got \(text)") }
                o.seed = s
            case "--batches": o.batches = try positive(a)
            case "--dump-reference": o.referencePath = try value(a)
            case "--no-all-floors": o.allFloors = false
            case "--precision":
                let text = try value(a)
                guard let p = Precision(rawValue: text) else {
                    throw BenchError("--precision: unknown precision '\(text)' (one of \(Precision.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                o.precision = p
            case "--methods":
                let text = try value(a)
                o.methods = try text.split(separator: ",").map { name in
                    guard let m = Method(rawValue: String(name)) else {
                        throw BenchError("--methods: unknown method '\(name)' (one of \(Method.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return m
                }
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw BenchError("unknown argument '\(a)'\n\(usage)")
            }
            i += 1
        }
        if o.precision == .float32 && o.blasThreads > 1 {
            throw BenchError("--precision float32 runs its products on one OpenBLAS thread (sgemm's bits depend on the thread count): use --blas-threads 1")
        }
        if o.randomFromSpec {
            do { o.random = try ExperimentSpec.load(path: o.specPath).random } catch {
                throw BenchError("--random spec: could not read \(o.specPath): \(error)")
            }
        }
        return o
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
