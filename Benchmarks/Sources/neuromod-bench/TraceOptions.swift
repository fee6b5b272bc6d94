import Foundation

/// Options of `neuromod-bench traces` (parsed by hand, like ``Options``).
struct TraceOptions {
    /// Neurons of the recurrent population.
    var neurons = 1000
    /// Probability of each directed synapse i → j (i ≠ j).
    var connectionProbability = 0.1
    /// Fractions of neurons active per step, one measurement each.
    var activeFractions = [0.001, 0.01, 0.02]
    /// Simulated steps per measurement.
    var steps = 10_000
    /// Step length in seconds.
    var dt = 0.001
    /// Exponential trace time constant in seconds.
    var tau = 0.2
    /// Timed repetitions of each measurement (the median is reported).
    var repeats = 3
    /// Instances of the policy network, one measurement each.
    var policyInstances = [1, 32]
    /// Seed of the connectivity, the activity and the policy network.
    var seed: UInt64 = 1
    /// Where to write machine-readable results (nil: nowhere).
    var jsonPath: String?

    static let usage = """
    usage: neuromod-bench traces [--neurons N] [--connection-probability P] [--active F1,F2,...]
                                 [--steps N] [--dt SECONDS] [--tau SECONDS] [--repeats N]
                                 [--policy-instances B1,B2,...] [--seed S] [--json PATH]

    Times eligibility-trace upkeep on one thread: (a) a recurrent population (default 1000 neurons,
    10 % connectivity ≈ 100k synapses) with sparse activity (default 0.1 %, 1 % and 2 % of neurons per step;
    each active neuron's incoming and outgoing synapses get φ = r_pre · r_post), exponential trace
    τ = 0.2 s at dt = 1 ms, 10 000 steps, event-driven (LazyEligibilityTrace) against per-step
    (EligibilityTrace); (b) a 4-128-2 policy network (tanh, softmax) carrying exponential traces on
    both projections, with a three-factor weight update every step. Defaults: --neurons 1000
    --connection-probability 0.1 --active 0.001,0.01,0.02 --steps 10000 --dt 0.001 --tau 0.2 --repeats 3
    --policy-instances 1,32 --seed 1.
    """

    static func parse(_ arguments: [String]) throws -> TraceOptions {
        var o = TraceOptions()
        var i = 0
        func value(_ name: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw BenchError("\(name) needs a value") }
            return arguments[i]
        }
        func positiveInt(_ name: String) throws -> Int {
            let text = try value(name)
            guard let n = Int(text), n > 0 else { throw BenchError("\(name) must be a positive integer, got \(text)") }
            return n
        }
        func positiveDouble(_ name: String, atMost limit: Double = .infinity) throws -> Double {
            let text = try value(name)
            guard let x = Double(text), x > 0, x <= limit, x.isFinite else {
                throw BenchError("\(name) must be a number in (0, \(limit)], got \(text)")
            }
            return x
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--neurons": o.neurons = try positiveInt(a)
            case "--connection-probability": o.connectionProbability = try positiveDouble(a, atMost: 1)
            case "--active":
                let text = try value(a)
                o.activeFractions = try text.split(separator: ",").map {
                    guard let f = Double($0), f > 0, f <= 1 else { throw BenchError("--active: fractions in (0, 1], got \($0)") }
                    return f
                }
            case "--steps": o.steps = try positiveInt(a)
            case "--dt": o.dt = try positiveDouble(a)
            case "--tau": o.tau = try positiveDouble(a)
            case "--repeats": o.repeats = try positiveInt(a)
            case "--policy-instances":
                let text = try value(a)
                o.policyInstances = try text.split(separator: ",").map {
                    guard let b = Int($0), b > 0 else { throw BenchError("--policy-instances: positive integers, got \($0)") }
                    return b
                }
            case "--seed":
                let text = try value(a)
                guard let s = UInt64(text) else { throw BenchError("--seed must be a non-negative integer, got \(text)") }
                o.seed = s
            case "--json": o.jsonPath = try value(a)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw BenchError("unknown argument '\(a)'\n\(usage)")
            }
            i += 1
        }
        return o
    }
}
