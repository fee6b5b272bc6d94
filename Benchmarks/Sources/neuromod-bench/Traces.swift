// neuromod-bench traces: the cost of keeping eligibility traces, event-driven against per-step.
//
// Not a test: it measures. Everything runs on the calling thread (OpenBLAS set to 1 thread).
//   swift build -c release --product neuromod-bench && .build/release/neuromod-bench traces

import Foundation
import Neuromod

/// A directed random graph: synapse i → j (i ≠ j) with probability p, numbered row-major by post
/// (the `[post × pre]` weight layout), with the transposed index for a neuron's outgoing synapses.
struct RecurrentPopulation {
    let neurons: Int
    /// Synapses onto post j are `incomingStart[j] ..< incomingStart[j + 1]`.
    let incomingStart: [Int]
    /// Presynaptic neuron of each synapse.
    let pre: [Int32]
    /// Outgoing synapses of pre i are entries `outgoingStart[i] ..< outgoingStart[i + 1]` of the next two.
    let outgoingStart: [Int]
    let outgoingSynapse: [Int32]
    let outgoingPost: [Int32]

    var synapseCount: Int { pre.count }

    init(neurons: Int, probability: Double, rng: RandomGenerator) {
        self.neurons = neurons
        var incomingStart = [0], pre: [Int32] = [], outCount = [Int](repeating: 0, count: neurons)
        for _ in 0..<neurons {
            let j = incomingStart.count - 1
            for i in 0..<neurons where i != j && rng.uniform() < probability {
                pre.append(Int32(i))
                outCount[i] += 1
            }
            incomingStart.append(pre.count)
        }
        var outgoingStart = [0]
        for i in 0..<neurons { outgoingStart.append(outgoingStart[i] + outCount[i]) }
        var fill = Array(outgoingStart.dropLast())
        var outgoingSynapse = [Int32](repeating: 0, count: pre.count), outgoingPost = outgoingSynapse
        for j in 0..<neurons {
            for s in incomingStart[j]..<incomingStart[j + 1] {
                let i = Int(pre[s])
                outgoingSynapse[fill[i]] = Int32(s)
                outgoingPost[fill[i]] = Int32(j)
                fill[i] += 1
            }
        }
        self.incomingStart = incomingStart
        self.pre = pre
        self.outgoingStart = outgoingStart
        self.outgoingSynapse = outgoingSynapse
        self.outgoingPost = outgoingPost
    }
}

/// Which neurons are active at each step and their new rates, drawn before timing.
struct ActivitySchedule {
    let perStep: Int
    let active: [Int32]      // steps × perStep, distinct within a step
    let rates: [Double]      // steps × perStep, U(0, 1)
    let initialRates: [Double]

    init(neurons: Int, fraction: Double, steps: Int, rng: RandomGenerator) {
        perStep = max(1, Int((fraction * Double(neurons)).rounded()))
        var active: [Int32] = [], rates: [Double] = []
        active.reserveCapacity(steps * perStep)
        var taken = [Bool](repeating: false, count: neurons)
        for _ in 0..<steps {
            var chosen: [Int] = []
            while chosen.count < perStep {
                let n = rng.uniformInt(below: neurons)
                if !taken[n] { taken[n] = true; chosen.append(n) }
            }
            for n in chosen { taken[n] = false; active.append(Int32(n)); rates.append(rng.uniform()) }
        }
        self.active = active
        self.rates = rates
        initialRates = (0..<neurons).map { _ in rng.uniform() }
    }
}

/// The two trace implementations, driven by one loop.
protocol TraceUnderTest: AnyObject {
    func advance()
    func add(instance: Int, synapse: Int, phi: Double)
    func value(instance: Int, synapse: Int) -> Double
}
extension EligibilityTrace: TraceUnderTest {}
extension LazyEligibilityTrace: TraceUnderTest {}

/// Runs the population for `steps`: at each step the trace advances, the active neurons take their
/// new rates, and every synapse onto or out of an active neuron gets φ = r_pre · r_post (a synapse
/// between two active neurons once). Returns the number of φ added.
@inline(never)
func simulateActivity<T: TraceUnderTest>(_ trace: T, _ population: RecurrentPopulation, _ schedule: ActivitySchedule,
                                         steps: Int) -> Int {
    var rate = schedule.initialRates
    var isActive = [Bool](repeating: false, count: population.neurons)
    var touches = 0
    let k = schedule.perStep
    population.incomingStart.withUnsafeBufferPointer { inStart in
    population.pre.withUnsafeBufferPointer { pre in
    population.outgoingStart.withUnsafeBufferPointer { outStart in
    population.outgoingSynapse.withUnsafeBufferPointer { outSynapse in
    population.outgoingPost.withUnsafeBufferPointer { outPost in
    schedule.active.withUnsafeBufferPointer { active in
    schedule.rates.withUnsafeBufferPointer { newRates in
    rate.withUnsafeMutableBufferPointer { r in
    isActive.withUnsafeMutableBufferPointer { flag in
        for t in 0..<steps {
            if t > 0 { trace.advance() }
            let base = t * k
            for a in 0..<k {
                let n = Int(active[base + a])
                flag[n] = true
                r[n] = newRates[base + a]
            }
            for a in 0..<k {
                let j = Int(active[base + a])
                let rj = r[j]
                for s in inStart[j]..<inStart[j + 1] {
                    trace.add(instance: 0, synapse: s, phi: r[Int(pre[s])] * rj)
                }
                touches += inStart[j + 1] - inStart[j]
                for o in outStart[j]..<outStart[j + 1] where !flag[Int(outPost[o])] {
                    trace.add(instance: 0, synapse: Int(outSynapse[o]), phi: rj * r[Int(outPost[o])])
                    touches += 1
                }
            }
            for a in 0..<k { flag[Int(active[base + a])] = false }
        }
    }}}}}}}}}
    return touches
}

struct TraceBenchResults: Codable {
    struct Recurrent: Codable {
        var activeFraction: Double
        var activePerStep: Int
        var touchesPerStep: Double
        var perStep: Run
        var eventDriven: Run
        /// event-driven steps/s ÷ per-step steps/s (> 1: event-driven is faster).
        var speedup: Double
        /// max |lazy − dense| / max(1, |dense|) over all synapses at the end.
        var maxDeviation: Double
    }
    struct Run: Codable {
        var timing: Timing
        var stepsPerSecond: Double
        /// Synapse state updates per second: every synapse each step plus every φ for the per-step
        /// trace, every φ for the event-driven one.
        var synapseUpdatesPerSecond: Double
    }
    struct Policy: Codable {
        var instances: Int
        var forwardOnly: Timing
        var withTraces: Timing
        var forwardStepsPerSecond: Double
        var stepsPerSecond: Double
    }

    var implementation = "neuromod traces"
    var date: String
    var host: String
    var cores: Int
    var threads: Int
    var blasThreads: Int
    var neurons: Int
    var synapses: Int
    var steps: Int
    var dt: Double
    var tau: Double
    var recurrent: [Recurrent]
    var policyLayers: [Int]
    var policy: [Policy]
}

/// Times `body` `repeats` times after one untimed call (wall and thread CPU, whole call each).
func timeWhole(repeats: Int, _ body: () throws -> Void) rethrows -> Timing {
    try measure(warmup: 1, repeats: repeats) { _ in try body() }
}

func runTraceBenchmark(_ options: TraceOptions) throws {
    BLASThreads.set(1)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let kernel = TraceKernel.exponential(tau: options.tau)
    let rng = try RandomGenerator(.taus2, seed: options.seed, stream: 7)
    let population = RecurrentPopulation(neurons: options.neurons, probability: options.connectionProbability, rng: rng)
    let synapses = population.synapseCount
    print("neuromod-bench traces: exponential τ = \(options.tau) s, dt = \(options.dt) s, \(options.steps) steps "
          + "(\(Double(options.steps) * options.dt) s simulated); 1 thread (OpenBLAS \(BLASThreads.current)), \(cores) cores; "
          + "median of \(options.repeats) after 1 warm-up")
    print("\n(a) recurrent population: \(options.neurons) neurons, p = \(options.connectionProbability), \(synapses) synapses")
    print("  active  φ/step   per-step steps/s  updates/s   event-driven steps/s  updates/s   speedup  max dev")

    var recurrent: [TraceBenchResults.Recurrent] = []
    for fraction in options.activeFractions {
        let schedule = ActivitySchedule(neurons: options.neurons, fraction: fraction, steps: options.steps, rng: rng)
        // Each call starts from fresh traces (made outside the timed loop's steps but inside the call).
        var dense: EligibilityTrace?, lazy: LazyEligibilityTrace?
        var touches = 0
        let denseTiming = try timeWhole(repeats: options.repeats) {
            let trace = try EligibilityTrace(kernel: kernel, dt: options.dt, synapseCount: synapses)
            touches = simulateActivity(trace, population, schedule, steps: options.steps)
            dense = trace
        }
        let lazyTiming = try timeWhole(repeats: options.repeats) {
            let trace = try LazyEligibilityTrace(kernel: kernel, dt: options.dt, synapseCount: synapses)
            touches = simulateActivity(trace, population, schedule, steps: options.steps)
            lazy = trace
        }
        var deviation = 0.0
        for s in 0..<synapses {
            let d = dense!.value(instance: 0, synapse: s)
            deviation = max(deviation, abs(lazy!.value(instance: 0, synapse: s) - d) / max(1, abs(d)))
        }
        func run(_ timing: Timing, updates: Int) -> TraceBenchResults.Run {
            let seconds = timing.medianMs / 1e3
            return .init(timing: timing, stepsPerSecond: Double(options.steps) / seconds,
                         synapseUpdatesPerSecond: Double(updates) / seconds)
        }
        let perStep = run(denseTiming, updates: synapses * options.steps + touches)
        let eventDriven = run(lazyTiming, updates: touches)
        let result = TraceBenchResults.Recurrent(
            activeFraction: fraction, activePerStep: schedule.perStep, touchesPerStep: Double(touches) / Double(options.steps),
            perStep: perStep, eventDriven: eventDriven, speedup: eventDriven.stepsPerSecond / perStep.stepsPerSecond,
            maxDeviation: deviation)
        recurrent.append(result)
        print(String(format: "  %5.1f%%  %6.0f   %16.0f  %9.3g   %20.0f  %9.3g   %6.2fx  %.1e",
                     100 * fraction, result.touchesPerStep, perStep.stepsPerSecond, perStep.synapseUpdatesPerSecond,
                     eventDriven.stepsPerSecond, eventDriven.synapseUpdatesPerSecond, result.speedup, deviation))
    }

    let layers = [4, 128, 2]
    print("\n(b) policy network \(layers.map(String.init).joined(separator: "-")) (tanh, softmax), exponential traces on both "
          + "projections (\(128 * 4 + 2 * 128) synapses per instance), per-step traces + three-factor update every step")
    print("  instances  forward only steps/s  with traces steps/s  trace overhead")
    var policy: [TraceBenchResults.Policy] = []
    for instances in options.policyInstances {
        let result = try policyBenchmark(instances: instances, kernel: kernel, options: options)
        policy.append(result)
        print(String(format: "  %9d  %20.0f  %19.0f  %13.2fx", instances, result.forwardStepsPerSecond, result.stepsPerSecond,
                     result.forwardStepsPerSecond / result.stepsPerSecond))
    }

    if let path = options.jsonPath {
        let results = TraceBenchResults(
            date: ISO8601DateFormatter().string(from: Date()), host: ProcessInfo.processInfo.hostName, cores: cores,
            threads: 1, blasThreads: BLASThreads.current, neurons: options.neurons, synapses: synapses,
            steps: options.steps, dt: options.dt, tau: options.tau, recurrent: recurrent, policyLayers: layers, policy: policy)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(results).write(to: URL(fileURLWithPath: path))
        print("  wrote \(path)")
    }
}

/// The policy network for `instances` parallel environments: forward pass alone, then forward pass,
/// both traces advanced, φ = post ⊗ pre added per instance (cblas_dger), and ΔW = η Σ_n M_n e_n
/// applied to the weights (one GEMV per projection) every step. Inputs and modulators are drawn
/// before timing and cycled.
func policyBenchmark(instances: Int, kernel: TraceKernel, options: TraceOptions) throws -> TraceBenchResults.Policy {
    let rng = try RandomGenerator(.taus2, seed: options.seed, stream: 8)
    let network = try Network(inputSize: 4, populations: [Population(size: 128, activation: .tanh),
                                                          Population(size: 2, activation: .softmax)],
                              initializer: .uniform, rng: rng)
    let cycle = 64
    let inputs: [Matrix] = (0..<cycle).map { _ in
        var m = Matrix(rows: instances, cols: 4)
        rng.fillGaussian(&m.storage)
        return m
    }
    let modulation: [[Double]] = (0..<cycle).map { _ in (0..<instances).map { _ in rng.gaussian() } }
    let hidden = try EligibilityTrace(kernel: kernel, dt: options.dt, instances: instances, synapseCount: 128 * 4)
    let output = try EligibilityTrace(kernel: kernel, dt: options.dt, instances: instances, synapseCount: 2 * 128)
    let eta = 1e-5 / Double(instances)
    let steps = options.steps

    let forwardOnly = timeWhole(repeats: options.repeats) {
        for t in 0..<steps { blackHole(network.forward(inputs[t % cycle])) }
    }
    let withTraces = timeWhole(repeats: options.repeats) {
        hidden.reset()
        output.reset()
        for t in 0..<steps {
            let input = inputs[t % cycle]
            network.forward(input)
            if t > 0 {
                hidden.advance()
                output.advance()
            }
            input.storage.withUnsafeBufferPointer { x in
                network.rates[0].storage.withUnsafeBufferPointer { h in
                    network.rates[1].storage.withUnsafeBufferPointer { y in
                        for n in 0..<instances {
                            let xn = UnsafeBufferPointer(rebasing: x[(n * 4)..<((n + 1) * 4)])
                            let hn = UnsafeBufferPointer(rebasing: h[(n * 128)..<((n + 1) * 128)])
                            let yn = UnsafeBufferPointer(rebasing: y[(n * 2)..<((n + 1) * 2)])
                            hidden.addOuter(instance: n, post: hn, pre: xn)
                            output.addOuter(instance: n, post: yn, pre: hn)
                        }
                    }
                }
            }
            modulation[t % cycle].withUnsafeBufferPointer { m in
                network.parameters[0].weights.storage.withUnsafeMutableBufferPointer {
                    hidden.accumulateWeightChange(modulation: m, learningRate: eta, into: $0)
                }
                network.parameters[1].weights.storage.withUnsafeMutableBufferPointer {
                    output.accumulateWeightChange(modulation: m, learningRate: eta, into: $0)
                }
            }
        }
    }
    let seconds = withTraces.medianMs / 1e3, forwardSeconds = forwardOnly.medianMs / 1e3
    return .init(instances: instances, forwardOnly: forwardOnly, withTraces: withTraces,
                 forwardStepsPerSecond: Double(steps) / forwardSeconds, stepsPerSecond: Double(steps) / seconds)
}
