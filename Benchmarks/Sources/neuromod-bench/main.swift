// neuromod-bench: times one update of each housing method (and WP, 3F-WP with the Rademacher probe)
// and weight perturbation's noise floors (normals and signs);
// `neuromod-bench traces` times eligibility-trace upkeep instead (Traces.swift), `neuromod-bench nne`
// one genotype of neural net evolution at seed 003's full scale (Evolution.swift).
//
// Not a test: it asserts nothing, it measures. Run it from the package root in a release build:
//   swift build -c release --product neuromod-bench && .build/release/neuromod-bench --json out.json
// Benchmarks/run.sh runs it side by side with Benchmarks/numpy_peer.py and the whole housing study.

import Foundation
import Neuromod
import NeuromodLab
import NeuromodTasks

/// The noise floor's draw of instances block by block; concurrent blocks write disjoint rows and use
/// disjoint streams, hence the unchecked Sendable.
struct FloorJob: @unchecked Sendable {
    let streams: InstanceStreams
    let base: UnsafeMutablePointer<Double>
    let segments: [Int]
    let parameters: Int
    let threads: Int

    /// GSL's Gaussian method of the draws (the learner's: ziggurat).
    var method = RandomGenerator.GaussianMethod.ziggurat

    /// Instances of block `t` (of `threads` contiguous blocks), each from its own stream, layer by
    /// layer, weights before biases: the learner's calls.
    func draw(block t: Int) {
        let batch = housingBatch
        for n in (t * batch / threads)..<((t + 1) * batch / threads) {
            var start = n * parameters
            for width in segments {
                streams[n].fillGaussian(UnsafeMutableBufferPointer(start: base + start, count: width), sigma: 0.1, method: method)
                start += width
            }
        }
    }
}

/// The sign floor: the Rademacher probe's draws as `SynapticNoise` makes them — per instance, layer by
/// layer, the weights' signs as bits (`fillSignBits`) and the biases as ±σ (`fillRademacher`) — without
/// its bookkeeping. Blocks of instances write disjoint rows from disjoint streams.
struct SignFloorJob: @unchecked Sendable {
    let streams: InstanceStreams
    let words: UnsafeMutablePointer<UInt64>
    let biases: UnsafeMutablePointer<Double>
    /// Per layer: (weights, biases) counts.
    let layers: [(weights: Int, biases: Int)]
    let threads: Int

    /// Words of one instance's weight signs and doubles of its biases.
    var wordsPerInstance: Int { layers.reduce(0) { $0 + ($1.weights + 63) / 64 } }
    var biasesPerInstance: Int { layers.reduce(0) { $0 + $1.biases } }

    func draw(block t: Int) {
        let batch = housingBatch
        for n in (t * batch / threads)..<((t + 1) * batch / threads) {
            var w = n * wordsPerInstance, b = n * biasesPerInstance
            for (weights, bias) in layers {
                let count = (weights + 63) / 64
                streams[n].fillSignBits(UnsafeMutableBufferPointer(start: words + w, count: count), count: weights)
                streams[n].fillRademacher(UnsafeMutableBufferPointer(start: biases + b, count: bias), scale: 0.1)
                w += count
                b += bias
            }
        }
    }
}

func runBenchmark(_ options: Options) throws {
    let blasAtStart = BLASThreads.current
    BLASThreads.set(options.blasThreads)
    let blasThreads = BLASThreads.current
    let env = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"]
    let cores = ProcessInfo.processInfo.activeProcessorCount

    if let path = options.referencePath {
        try dumpReference(to: path, options: options)
        return
    }

    let blas = BLASKernel.current
    let specCheck = checkAgainstSpec(options.specPath)
    let (batches, trainRows) = try loadHousingBatches(options)
    let probeNetwork = try makeHousingNetwork(options)
    let parameters = probeNetwork.parameterCount
    print("neuromod-bench: housing network \(probeNetwork.layerSizes.map(String.init).joined(separator: "-")), "
          + "batch \(housingBatch), \(parameters) parameters, \(batches.count) minibatches of \(trainRows) training rows")
    print("  \(specCheck)")
    print("  \(blas.line)")
    print("  kernels: \(Kernels.summary)")
    if let warning = blas.warning { print("  \(warning)") }
    print("  generator \(options.random.rawValue)\(options.randomFromSpec ? " (the spec's)" : ""); noise threads \(options.noiseThreads); "
          + "OpenBLAS threads \(blasAtStart) at start → \(blasThreads) "
          + "(OPENBLAS_NUM_THREADS=\(env ?? "unset")); \(cores) cores; "
          + "\(options.warmup) warm-up + \(options.repeats) timed calls per measurement; updates in \(options.precision.rawValue)")

    func timed(_ body: (Int) throws -> Void) rethrows -> Timing {
        try measure(warmup: options.warmup, repeats: options.repeats, body)
    }

    // One update per method; each method trains its own fresh network (same initial weights), cycling
    // through the minibatches.
    var methods: [BenchResults.MethodResult] = []
    print("\n  method   median ms     min ms   (one update, applied)")
    for method in options.methods {
        let network = try makeHousingNetwork(options)
        let update = try makeUpdater(method, network: network, options: options)
        var losses: [Double] = []
        let timing = try timed { i in
            let (x, t) = batches[i % batches.count]
            losses.append(try update(x, t))
        }
        let timedLosses = losses.suffix(options.repeats)
        methods.append(.init(method: method.rawValue, rule: method.ruleName, learningRate: method.learningRate,
                             sigma: method.sigma, update: timing, firstLoss: timedLosses.first!,
                             lastLoss: timedLosses.last!))
        print("  \(method.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(formatMs(timing.medianMs))   "
              + "\(formatMs(timing.minMs))   loss \(String(format: "%.4f", timedLosses.first!)) → \(String(format: "%.4f", timedLosses.last!))")
    }

    // Phases of the updates, timed on their own (public API only).
    var phases: [BenchResults.Phase] = []
    do {
        let network = try makeHousingNetwork(options)
        let streams = try InstanceStreams(options.random, seed: options.seed, base: Streams.probe, count: housingBatch)
        let synaptic = SynapticNoise(sigma: 0.1)
        phases.append(.init(name: "clean forward", timing: timed { i in
            blackHole(network.forward(batches[i % batches.count].0))
        }))
        phases.append(.init(name: "WP: draw 256 × 9473 (SynapticNoise.draw)", timing: timed { _ in
            synaptic.draw(for: network, batch: housingBatch, streams: streams, threads: options.noiseThreads)
        }))
        phases.append(.init(name: "WP: perturbed forward (probe .synapses)", timing: timed { i in
            blackHole(network.forward(batches[i % batches.count].0, probe: .synapses(synaptic)))
        }))
        phases.append(.init(name: "NP: noisy forward (probe .nodes)", timing: timed { i in
            blackHole(network.forward(batches[i % batches.count].0, probe: .nodes(sigma: 0.1, site: .output, streams: streams)))
        }))
        // The transfer function alone: sigmoid over a [256 × 192] block (the hidden and output widths).
        var z = Matrix(rows: housingBatch, cols: 192), phi = z
        try RandomGenerator(options.random, seed: options.seed, stream: 1).fillGaussian(&z.storage)
        phases.append(.init(name: "sigmoid over 256 × 192 (Activation.apply)", timing: timed { _ in
            z.storage.withUnsafeBufferPointer { zs in
                phi.storage.withUnsafeMutableBufferPointer { Activation.sigmoid.apply(zs, width: 192, into: $0) }
            }
            blackHole(phi)
        }))
        let backprop = Backprop(loss: .meanSquaredError)
        phases.append(.init(name: "BP: forward + backward (computeGradients)", timing: try timed { i in
            let (x, t) = batches[i % batches.count]
            try backprop.computeGradients(network: network, input: x, target: t)
        }))
        // After the phases NumPy has too (run.sh's table pairs them in order).
        let signs = SynapticNoise(sigma: 0.1, distribution: .rademacher)
        phases.append(.init(name: "WP-rad: draw 256 × 9473 signs (SynapticNoise.draw)", timing: timed { _ in
            signs.draw(for: network, batch: housingBatch, streams: streams, threads: options.noiseThreads)
        }))
        phases.append(.init(name: "WP-rad: perturbed forward from the bits", timing: timed { i in
            blackHole(network.forward(batches[i % batches.count].0, probe: .synapses(signs)))
        }))
    }
    print("\n  phase                                          median ms     min ms")
    for p in phases {
        print("  \(p.name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(formatMs(p.timing.medianMs))   \(formatMs(p.timing.minMs))")
    }

    // The noise floor: 256 × 9473 normals from the same generator kind, row n from stream n, in the
    // learner's order and call sizes (W1, b1, W2, b2, W3, b3), without the learner's bookkeeping.
    let sizes = probeNetwork.layerSizes
    var segments: [Int] = []
    for l in 0..<(sizes.count - 1) { segments += [sizes[l] * sizes[l + 1], sizes[l + 1]] }
    func floor(_ algorithm: RandomAlgorithm, repeats: Int) throws -> BenchResults.Floor {
        let streams = try InstanceStreams(algorithm, seed: options.seed, base: Streams.probe, count: housingBatch)
        let single = try RandomGenerator(algorithm, seed: options.seed, stream: Streams.probe)
        var buffer = [Double](repeating: 0, count: housingBatch * parameters)
        let perInstance = measure(warmup: min(options.warmup, 2), repeats: repeats) { _ in
            buffer.withUnsafeMutableBufferPointer { b in
                // Instance n from stream n, layer by layer, weights before biases: the learner's calls;
                // with several noise threads, contiguous blocks of instances drawn concurrently.
                let job = FloorJob(streams: streams, base: b.baseAddress!, segments: segments, parameters: parameters,
                                   threads: min(options.noiseThreads, housingBatch))
                if job.threads == 1 { job.draw(block: 0) } else {
                    DispatchQueue.concurrentPerform(iterations: job.threads) { job.draw(block: $0) }
                }
            }
            blackHole(buffer)
        }
        let singleStream = measure(warmup: min(options.warmup, 2), repeats: repeats) { _ in
            single.fillGaussian(&buffer, sigma: 0.1)
            blackHole(buffer)
        }
        return .init(generator: algorithm.rawValue, normals: buffer.count, perInstance: perInstance,
                     singleStream: singleStream, nsPerNormal: perInstance.medianMs * 1e6 / Double(buffer.count))
    }
    let mainFloor = try floor(options.random, repeats: options.repeats)
    var otherFloors: [BenchResults.Floor] = []
    if options.allFloors {
        for algorithm in RandomAlgorithm.allCases where algorithm != options.random {
            otherFloors.append(try floor(algorithm, repeats: min(options.repeats, algorithm == .ranlxd2 ? 3 : 10)))
        }
    }
    // The Gaussian floor with GSL's other exact methods (the spec's generator, 256 streams).
    var gaussianMethods: [BenchResults.GaussianMethodFloor] = []
    if options.allFloors {
        for method in RandomGenerator.GaussianMethod.allCases where method != .ziggurat {
            let streams = try InstanceStreams(options.random, seed: options.seed, base: Streams.probe, count: housingBatch)
            var buffer = [Double](repeating: 0, count: housingBatch * parameters)
            let timing = measure(warmup: min(options.warmup, 2), repeats: min(options.repeats, 10)) { _ in
                buffer.withUnsafeMutableBufferPointer { b in
                    var job = FloorJob(streams: streams, base: b.baseAddress!, segments: segments, parameters: parameters, threads: 1)
                    job.method = method
                    job.draw(block: 0)
                }
                blackHole(buffer)
            }
            gaussianMethods.append(.init(generator: options.random.rawValue, method: method.rawValue, perInstance: timing,
                                         nsPerNormal: timing.medianMs * 1e6 / Double(buffer.count)))
        }
    }
    // The sign floor: 256 × 9473 signs from 256 streams, every generator.
    func signFloor(_ algorithm: RandomAlgorithm, repeats: Int) throws -> BenchResults.SignFloor {
        let streams = try InstanceStreams(algorithm, seed: options.seed, base: Streams.probe, count: housingBatch)
        let layers = (0..<(sizes.count - 1)).map { (weights: sizes[$0] * sizes[$0 + 1], biases: sizes[$0 + 1]) }
        let perInstanceWords = layers.reduce(0) { $0 + ($1.weights + 63) / 64 }
        var words = [UInt64](repeating: 0, count: housingBatch * perInstanceWords)
        var biases = [Double](repeating: 0, count: housingBatch * layers.reduce(0) { $0 + $1.biases })
        let timing = measure(warmup: min(options.warmup, 2), repeats: repeats) { _ in
            words.withUnsafeMutableBufferPointer { w in
                biases.withUnsafeMutableBufferPointer { b in
                    let job = SignFloorJob(streams: streams, words: w.baseAddress!, biases: b.baseAddress!, layers: layers,
                                           threads: min(options.noiseThreads, housingBatch))
                    if job.threads == 1 { job.draw(block: 0) } else {
                        DispatchQueue.concurrentPerform(iterations: job.threads) { job.draw(block: $0) }
                    }
                }
            }
            blackHole(words)
        }
        let count = housingBatch * parameters
        return .init(generator: algorithm.rawValue, signs: count, perInstance: timing, nsPerSign: timing.medianMs * 1e6 / Double(count))
    }
    var signFloors = [try signFloor(options.random, repeats: options.repeats)]
    if options.allFloors {
        for algorithm in RandomAlgorithm.allCases where algorithm != options.random {
            signFloors.append(try signFloor(algorithm, repeats: min(options.repeats, 10)))
        }
    }
    print("\n  noise floor (256 × \(parameters) = \(mainFloor.normals) normals, ziggurat)   median ms     min ms   ns/normal")
    for f in [mainFloor] + otherFloors {
        print("  \(f.generator.padding(toLength: 8, withPad: " ", startingAt: 0)) 256 streams                      "
              + "\(formatMs(f.perInstance.medianMs))   \(formatMs(f.perInstance.minMs))   \(String(format: "%6.2f", f.nsPerNormal))")
        print("  \(f.generator.padding(toLength: 8, withPad: " ", startingAt: 0)) one stream                       "
              + "\(formatMs(f.singleStream.medianMs))   \(formatMs(f.singleStream.minMs))")
    }
    for g in gaussianMethods {
        print("  \(g.generator.padding(toLength: 8, withPad: " ", startingAt: 0)) 256 streams, \(g.method.padding(toLength: 20, withPad: " ", startingAt: 0))"
              + "\(formatMs(g.perInstance.medianMs))   \(formatMs(g.perInstance.minMs))   \(String(format: "%6.2f", g.nsPerNormal))")
    }
    print("\n  sign floor (256 × \(parameters) = \(signFloors[0].signs) signs, from bits)       median ms     min ms   ns/sign")
    for f in signFloors {
        print("  \(f.generator.padding(toLength: 8, withPad: " ", startingAt: 0)) 256 streams                      "
              + "\(formatMs(f.perInstance.medianMs))   \(formatMs(f.perInstance.minMs))   \(String(format: "%6.3f", f.nsPerSign))")
    }
    func median(_ method: Method) -> Double { methods.first { $0.method == method.rawValue }?.update.medianMs ?? .nan }
    let wp = median(.wp), tfwp = median(.threeFactorWP)
    let wpOverFloor = wp / mainFloor.perInstance.medianMs
    let tfwpOverFloor = tfwp / mainFloor.perInstance.medianMs
    let wpOverRademacher = wp / median(.wpRademacher), tfwpOverRademacher = tfwp / median(.threeFactorWPRademacher)
    print(String(format: "\n  WP update / noise floor (%@): %.2f   3F-WP / floor: %.2f", options.random.rawValue, wpOverFloor, tfwpOverFloor))
    if let perCall = gaussianMethods.first(where: { $0.method == RandomGenerator.GaussianMethod.zigguratPerCall.rawValue }) {
        let gslFloor = perCall.perInstance.medianMs
        print(String(format: "  WP update / GSL's per-call floor: %.2f   3F-WP / that floor: %.2f", wp / gslFloor, tfwp / gslFloor))
    }
    print(String(format: "  Gaussian WP / Rademacher WP: %.2f   Gaussian 3F-WP / Rademacher 3F-WP: %.2f   WP-rad / sign floor: %.2f",
                 wpOverRademacher, tfwpOverRademacher, median(.wpRademacher) / signFloors[0].perInstance.medianMs))

    if let path = options.jsonPath {
        let date = ISO8601DateFormatter().string(from: Date())
        let results = BenchResults(
            date: date, host: ProcessInfo.processInfo.hostName, cores: cores, random: options.random.rawValue,
            blasThreadsAtStart: blasAtStart, blasThreads: blasThreads, noiseThreads: options.noiseThreads,
            precision: options.precision.rawValue, openblasEnvironment: env, blasLine: blas.line, blasCore: blas.core, blasWarning: blas.warning,
            kernels: Kernels.summary, layerSizes: probeNetwork.layerSizes, batch: housingBatch, parameters: parameters, specCheck: specCheck,
            methods: methods, phases: phases, floor: mainFloor, otherFloors: otherFloors, signFloors: signFloors,
            gaussianMethods: gaussianMethods, wpOverFloor: wpOverFloor, threeFactorWPOverFloor: tfwpOverFloor,
            wpOverRademacherWP: wpOverRademacher, threeFactorWPOverRademacher: tfwpOverRademacher)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(results).write(to: URL(fileURLWithPath: path))
        print("  wrote \(path)")
    }
}

// Like `neuromod`: re-executes with a newer OpenBLAS kernel when OpenBLAS picked an old one.
BLASKernelSelection.applyAtLaunch(program: "neuromod-bench")
do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "traces" {
        try runTraceBenchmark(try TraceOptions.parse(Array(arguments.dropFirst())))
    } else if arguments.first == "nne" {
        try runEvolutionBenchmark(Array(arguments.dropFirst()))
    } else {
        try runBenchmark(try Options.parse(arguments))
    }
} catch {
    FileHandle.standardError.write(Data("neuromod-bench: error: \(error)\n".utf8))
    exit(1)
}
