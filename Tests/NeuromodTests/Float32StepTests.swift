import XCTest
@testable import Neuromod

/// The float32 mode's minibatch step (docs/precision.md): the generic step in `Double` is the
/// float64 engine bit for bit; in `Float` it stays close to float64 from the same weights, batch and
/// noise, learns as well, does not depend on the noise threads, has a golden value, and refuses
/// what is outside its scope in one line.
final class Float32StepTests: XCTestCase {
    override func setUp() {
        super.setUp()
        blasThreads = BLASThreads.current
        BLASThreads.set(1)  // float32 products run on one OpenBLAS thread
    }

    override func tearDown() {
        BLASThreads.set(blasThreads)
        super.tearDown()
    }

    private var blasThreads = 1

    /// The methods of the float32 scope: name, rule.
    static let rules: [(String, PlasticityRule)] = [
        ("WP", .weightPerturbation(learningRate: 0.02, sigma: 0.05)),
        ("WP-rad", .weightPerturbation(learningRate: 0.02, sigma: 0.05, distribution: .rademacher)),
        ("3F-WP", .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.02, sigma: 0.05)),
        ("3F-WP-rad", .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.02, sigma: 0.05, distribution: .rademacher)),
        ("3F-WP-literal-rad", .threeFactorWeightPerturbation(.literal, learningRate: 0.02, sigma: 0.05, distribution: .rademacher)),
        ("3F-WP-sigmoid-post", .threeFactorWeightPerturbation(.sigmoidPost, learningRate: 0.02, sigma: 0.05)),
        ("3F-NP", .nodePerturbation(learningRate: 0.02, sigma: 0.05)),
        ("post-only-rad", postOnlyRule(.rademacher)),
        ("post-only", postOnlyRule(.gaussian)),
    ]

    /// A declared rule whose term has a postsynaptic factor and no presynaptic one (the fused shape
    /// without x), and a pre-activation node probe.
    static func postOnlyRule(_ distribution: SynapticNoise.Distribution) -> PlasticityRule {
        PlasticityRule(name: "post-only", probe: .synapses(distribution, sigma: 0.05, antithetic: false),
                       local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 1, factors: [.post(.init(.rate)), .synapticNoise])]))],
                       modulator: Modulation(), optimizer: .sgd(learningRate: 0.02))
    }

    /// 8-128-64-1 (the housing shape) or, `wide`, 160-32-3 (the input above one BLAS block) with
    /// `output` units.
    static func makeNetwork(wide: Bool = false, output: Activation = .softmax, seed: UInt64 = 5) throws -> Network {
        let rng = try RandomGenerator(.taus2, seed: seed, stream: 0)
        if wide {
            return try Network(inputSize: 160, populations: [Population(size: 32, activation: .tanh),
                                                             Population(size: 3, activation: output)],
                               initializer: .uniform, rng: rng)
        }
        return try Network(inputSize: 8, populations: [Population(size: 128, activation: .sigmoid),
                                                       Population(size: 64, activation: .sigmoid),
                                                       Population(size: 1, activation: .linear)],
                           initializer: .uniform, rng: rng)
    }

    static func makeBatch(rows: Int = 64, inputs: Int = 8, outputs: Int = 1, seed: UInt64 = 6) throws -> (Matrix, Matrix) {
        let rng = try RandomGenerator(.taus2, seed: seed, stream: 0)
        var input = Matrix(rows: rows, cols: inputs), target = Matrix(rows: rows, cols: outputs)
        rng.fillGaussian(&input.storage)
        if outputs == 1 {
            rng.fillGaussian(&target.storage)
        } else {
            for n in 0..<rows { target[n, Int(rng.uniform() * Double(outputs)) % outputs] = 1 }
        }
        return (input, target)
    }

    static func streams() throws -> InstanceStreams { try InstanceStreams(.taus2, seed: 7, base: 0, count: 64) }

    /// Copies of a network (the same layers and weights).
    static func copy(_ network: Network) throws -> Network {
        try Network(inputSize: network.inputSize, populations: network.populations, parameters: network.parameters,
                    connectivity: network.connectivity)
    }

    // MARK: the generic step in Double is the float64 engine

    func testGenericStepInDoubleIsTheFloat64EngineBitForBit() throws {
        for wide in [false, true] {
            let (input, target) = try Self.makeBatch(inputs: wide ? 160 : 8, outputs: wide ? 3 : 1)
            for (name, rule) in Self.rules {
                let base = try Self.makeNetwork(wide: wide, output: .sigmoid)
                let reference = try PlasticityEngine(rule: rule, network: Self.copy(base), probeStreams: Self.streams())
                let generic = try PlasticityEngine(rule: rule, network: Self.copy(base), probeStreams: Self.streams())
                let step = PrecisionStep<Double>(engine: generic)
                // A smaller batch between two full ones (an epoch's last minibatch): every buffer resizes.
                let small = (input.gatherRows(0..<37), target.gatherRows(0..<37))
                for s in 0..<3 {
                    let (x, t) = s == 1 ? small : (input, target)
                    let expected = try reference.step(input: x, target: t)
                    let got = try step.computeUpdate(engine: generic, input: x, target: t)
                    step.apply(engine: generic)
                    let label = "\(name)\(wide ? " wide" : ""), step \(s)"
                    XCTAssertTrue(sameBits(got, expected), "\(label): loss \(got) vs \(expected)")
                    XCTAssertEqual(generic.instanceLosses, reference.instanceLosses, label)
                    XCTAssertEqual(generic.updates, reference.updates, "\(label): updates")
                    XCTAssertEqual(generic.network.parameters, reference.network.parameters, "\(label): weights")
                }
            }
        }
    }

    func testGenericBackpropInDoubleIsBackpropBitForBit() throws {
        for wide in [false, true] {
            let (input, target) = try Self.makeBatch(inputs: wide ? 160 : 8, outputs: wide ? 3 : 1)
            for loss in wide ? [Loss.crossEntropy, .meanSquaredError] : [.meanSquaredError] {
                let network = try Self.makeNetwork(wide: wide)
                let backprop = Backprop(loss: loss)
                let expectedLoss = try backprop.computeGradients(network: network, input: input, target: target)
                let pass = FeedforwardPass<Double>(network: network)
                pass.forward(input)
                XCTAssertEqual(pass.output.storage, network.output.storage, "\(loss) wide \(wide): output")
                var perInstance: [Double] = []
                XCTAssertTrue(sameBits(loss.evaluate(output: Matrix(rows: pass.output.rows, cols: pass.output.cols, storage: pass.output.storage),
                                                     target: target, perInstance: &perInstance), expectedLoss))
                pass.backpropagate(loss: loss, output: network.output, target: target)
                for l in 0..<network.depth {
                    XCTAssertEqual(pass.gradientWeights[l].storage, backprop.gradients[l].weights.storage, "\(loss) wide \(wide): ∂W\(l)")
                    XCTAssertEqual(pass.gradientBiases[l], backprop.gradients[l].bias, "\(loss) wide \(wide): ∂b\(l)")
                }
            }
        }
    }

    // MARK: float32 against float64

    /// `m` with every entry rounded to float (so both precisions start from the same numbers).
    static func floatExact(_ m: Matrix) -> Matrix { Matrix(rows: m.rows, cols: m.cols, storage: m.storage.map { Double(Float($0)) }) }

    static func floatExactNetwork(wide: Bool = false) throws -> Network {
        let network = try makeNetwork(wide: wide, output: .sigmoid)
        for l in 0..<network.depth {
            network.parameters[l].weights = floatExact(network.parameters[l].weights)
            network.parameters[l].bias = network.parameters[l].bias.map { Double(Float($0)) }
        }
        return network
    }

    /// max |a − b| / max |b| over every update of every projection.
    static func relativeDifference(_ a: [LayerParameters], _ b: [LayerParameters]) -> Double {
        var diff = 0.0, scale = 0.0
        for l in a.indices {
            for (x, y) in zip(a[l].weights.storage + a[l].bias, b[l].weights.storage + b[l].bias) {
                diff = max(diff, abs(x - y))
                scale = max(scale, abs(y))
            }
        }
        return diff / scale
    }

    /// One step of `rule` in each precision from the same float-exact weights, batch and noise;
    /// returns the updates' relative difference and the two losses.
    static func stepDifference(_ rule: PlasticityRule, threads: Int = 1) throws -> (updates: Double, loss64: Double, loss32: Double) {
        let (input, target) = try makeBatch()
        let x = floatExact(input), t = floatExact(target)
        let e64 = try PlasticityEngine(rule: rule, network: floatExactNetwork(), probeStreams: streams())
        let e32 = try PlasticityEngine(rule: rule, network: floatExactNetwork(), probeStreams: streams(), precision: .float32)
        e32.noiseThreads = threads
        let loss64 = try e64.computeUpdate(input: x, target: t), loss32 = try e32.computeUpdate(input: x, target: t)
        return (relativeDifference(e32.updates, e64.updates), loss64, loss32)
    }

    /// Per method, the bound on the relative difference of a float32 step's updates from float64's
    /// (max |ΔU₃₂ − ΔU₆₄| / max |ΔU₆₄|, same float-exact weights, batch and noise; 8-128-64-1, batch 64).
    /// Measured (2026-11-30, this test's setup): WP 1.31e-7, WP-rad 3.34e-7, 3F-WP 2.45e-7, 3F-WP-rad
    /// 3.22e-7, 3F-WP literal (Rademacher) 3.27e-7, 3F-WP sigmoid-post 2.66e-7, 3F-NP 2.98e-7,
    /// post-only (Rademacher) 2.95e-7, post-only 3.68e-7, BP's gradients 2.93e-7; each bound is 5×
    /// its measured value, rounded up. The losses differ by at most 9.2e-9 relative (bound 5e-8).
    static let stepBounds: [String: Double] = [
        "WP": 7e-7, "WP-rad": 1.7e-6, "3F-WP": 1.3e-6, "3F-WP-rad": 1.7e-6, "3F-WP-literal-rad": 1.7e-6,
        "3F-WP-sigmoid-post": 1.4e-6, "3F-NP": 1.5e-6, "post-only-rad": 1.5e-6, "post-only": 1.9e-6, "BP": 1.5e-6,
    ]

    func testFloat32StepIsCloseToFloat64() throws {
        for (name, rule) in Self.rules {
            let d = try Self.stepDifference(rule)
            XCTAssertGreaterThan(d.updates, 0, "\(name): float32 computes in float32")
            XCTAssertLessThanOrEqual(d.updates, Self.stepBounds[name]!, name)
            XCTAssertLessThanOrEqual(abs(d.loss32 - d.loss64) / d.loss64, 5e-8, "\(name): loss")
        }
        let (input, target) = try Self.makeBatch()
        let x = Self.floatExact(input), t = Self.floatExact(target)
        let b64 = Backprop(loss: .meanSquaredError), b32 = Backprop(loss: .meanSquaredError, precision: .float32)
        let l64 = try b64.computeGradients(network: Self.floatExactNetwork(), input: x, target: t)
        let l32 = try b32.computeGradients(network: Self.floatExactNetwork(), input: x, target: t)
        let g = Self.relativeDifference(b32.gradients, b64.gradients)
        XCTAssertGreaterThan(g, 0)
        XCTAssertLessThanOrEqual(g, Self.stepBounds["BP"]!, "BP gradients")
        XCTAssertLessThanOrEqual(abs(l32 - l64) / l64, 5e-8, "BP loss")
    }

    // MARK: training

    /// y = sin(2x) on 128 points of [−2, 2], 1-32-1 (sigmoid, linear), full batch.
    static func sinusoid() -> (Matrix, Matrix) {
        var x = Matrix(rows: 128, cols: 1), y = Matrix(rows: 128, cols: 1)
        for n in 0..<128 {
            x[n, 0] = Double(Float(-2 + 4 * Double(n) / 127))
            y[n, 0] = Double(Float(sin(2 * x[n, 0])))
        }
        return (x, y)
    }

    static func sinusoidNetwork() throws -> Network {
        let network = try Network(inputSize: 1, populations: [Population(size: 32, activation: .sigmoid),
                                                              Population(size: 1, activation: .linear)],
                                  initializer: .uniform, rng: RandomGenerator(.taus2, seed: 11, stream: 0))
        for l in 0..<network.depth {
            network.parameters[l].weights = floatExact(network.parameters[l].weights)
            network.parameters[l].bias = network.parameters[l].bias.map { Double(Float($0)) }
        }
        return network
    }

    /// The clean loss after `steps` steps of `rule` (nil: backprop) in `precision`, and the loss before.
    static func train(_ rule: PlasticityRule?, precision: Precision, steps: Int) throws -> (before: Double, after: Double) {
        let (x, y) = sinusoid(), network = try sinusoidNetwork()
        let before = Loss.meanSquaredError.mean(output: network.forward(x), target: y)
        let learner: any MinibatchLearner
        if let rule {
            learner = try PlasticityEngine(rule: rule, network: network,
                                           probeStreams: InstanceStreams(.taus2, seed: 3, base: 0, count: 128), precision: precision)
        } else {
            learner = BackpropLearner(network: network, backprop: Backprop(loss: .meanSquaredError, precision: precision))
        }
        for _ in 0..<steps { _ = try learner.step(input: x, target: y) }
        return (before, Loss.meanSquaredError.mean(output: network.forward(x), target: y))
    }

    struct BackpropLearner: MinibatchLearner {
        let network: Network, backprop: Backprop
        func step(input: Matrix, target: Matrix) throws -> Double {
            try backprop.sgdStep(network: network, input: input, target: target, learningRate: 0.5)
        }
    }

    /// 400 full-batch steps on the sinusoid: float32's final clean loss is within 7e-7 (relative) of
    /// float64's. Measured (2026-11-30): BP 4.0e-8, WP 1.9e-8, WP-rad 3.4e-8, 3F-WP 7.1e-8, 3F-NP
    /// 6.4e-8; the bound is 10× the largest. Both precisions learn (the loss falls from 0.515).
    func testFloat32TrainingReachesFloat64sLoss() throws {
        for (name, rule) in [("BP", nil), ("WP", PlasticityRule.weightPerturbation(learningRate: 0.05, sigma: 0.01)),
                             ("WP-rad", .weightPerturbation(learningRate: 0.05, sigma: 0.01, distribution: .rademacher)),
                             ("3F-WP", .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.05, sigma: 0.01)),
                             ("3F-NP", .nodePerturbation(learningRate: 0.0005, sigma: 0.01))] as [(String, PlasticityRule?)] {
            let a = try Self.train(rule, precision: .float64, steps: 400), b = try Self.train(rule, precision: .float32, steps: 400)
            XCTAssertLessThan(a.after, 0.9 * a.before, "\(name): float64 learns")
            XCTAssertLessThan(b.after, 0.9 * b.before, "\(name): float32 learns")
            XCTAssertNotEqual(a.after, b.after, "\(name): float32 computes in float32")
            XCTAssertLessThanOrEqual(abs(b.after - a.after) / a.after, 7e-7, name)
        }
    }

    // MARK: threads, golden values, refusals

    /// Float32 numbers do not depend on the noise threads (each instance draws from its own stream).
    func testFloat32StepsDoNotDependOnNoiseThreads() throws {
        let (input, target) = try Self.makeBatch()
        let small = (input.gatherRows(0..<37), target.gatherRows(0..<37))
        for (name, rule) in Self.rules where name != "3F-NP" {
            var results: [[LayerParameters]] = []
            for threads in [1, 2, 3] {
                let engine = try PlasticityEngine(rule: rule, network: Self.makeNetwork(), probeStreams: Self.streams(), precision: .float32)
                engine.noiseThreads = threads
                for (x, t) in [(input, target), small, (input, target)] { try engine.step(input: x, target: t) }
                results.append(engine.network.parameters)
            }
            XCTAssertEqual(results[1], results[0], "\(name): 2 threads")
            XCTAssertEqual(results[2], results[0], "\(name): 3 threads")
        }
    }

    /// A 2-3-1 network (sigmoid, linear), batch 4: the network and batch of the golden tests.
    static func tiny() throws -> (Network, Matrix, Matrix) {
        let network = try Network(inputSize: 2, populations: [Population(size: 3, activation: .sigmoid), Population(size: 1, activation: .linear)],
                                  parameters: [LayerParameters(weights: Matrix([[0.5, -0.25], [0.125, 0.75], [-1, 0.375]]), bias: [0.1, -0.2, 0.3]),
                                               LayerParameters(weights: Matrix([[1, -0.5, 0.25]]), bias: [0.05])])
        return (network, Matrix([[1, 0], [0, 1], [0.5, -0.5], [-1, 2]]), Matrix([[0.5], [-0.25], [1], [0]]))
    }

    /// The float bits of every weight and bias, layer by layer, weights before biases.
    static func floatBits(_ network: Network) -> [UInt32] {
        network.parameters.flatMap { ($0.weights.storage + $0.bias).map { Float($0).bitPattern } }
    }

    /// One float32 step on the tiny network, bit for bit (regression goldens of this code, 2026-11-30):
    /// WP (Gaussian), 3F-WP (output-unit, Rademacher), BP. The weights stay floats, widened exactly.
    func testGoldenFloat32Steps() throws {
        let golden: [(String, PlasticityRule?, Double, [UInt32])] = [
            ("WP", .weightPerturbation(learningRate: 0.1, sigma: 0.1), 0.1586278895114125,
             [0x3f0216fd, 0xbe830d8d, 0x3e0414b0, 0x3f3bcccf, 0xbf7ee4b1, 0x3ebf2eed, 0x3dd217a9, 0xbe5113d2, 0x3e9a4160,
              0x3f7fb1ae, 0xbf00b8fc, 0x3e81de31, 0x3d820a04]),
            ("3F-WP-rad", .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.1, sigma: 0.1, distribution: .rademacher),
             0.15234560380079953,
             [0x3f010b7b, 0xbe7f19ac, 0x3e00e6f3, 0x3f3f6757, 0xbf7f822d, 0x3ec4de84, 0x3dd6f54f, 0xbe479fd4, 0x3e9ce3f3,
              0x3f7e2585, 0xbefc2f04, 0x3e815a93, 0x3d237053]),
            ("BP", nil, 0.1457339807845766,
             [0x3f00fe49, 0xbe8709a4, 0x3dfc5223, 0x3f41a24f, 0xbf7fceb9, 0x3ebe923f, 0x3dc2c14e, 0xbe4a9ed2, 0x3e993400,
              0x3f7eb810, 0xbf04eda3, 0x3e6b35dd, 0x3cf27c58]),
        ]
        for (name, rule, expectedLoss, expectedBits) in golden {
            let (network, x, y) = try Self.tiny()
            let loss: Double
            if let rule {
                let engine = try PlasticityEngine(rule: rule, network: network, probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 4),
                                                  precision: .float32)
                loss = try engine.step(input: x, target: y)
            } else {
                loss = try Backprop(loss: .meanSquaredError, precision: .float32).sgdStep(network: network, input: x, target: y, learningRate: 0.1)
            }
            XCTAssertEqual(loss, expectedLoss, name)
            XCTAssertEqual(Self.floatBits(network), expectedBits, name)
            for p in network.parameters {
                for v in p.weights.storage + p.bias { XCTAssertEqual(Double(Float(v)), v, "\(name): weights are floats") }
            }
        }
    }

    private func assertRefused(_ message: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? NetworkError)?.description, message, file: file, line: line)
        }
    }

    func testEveryRefusal() throws {
        let wp = PlasticityRule.weightPerturbation(learningRate: 0.1, sigma: 0.1)
        func engine(_ rule: PlasticityRule, _ network: Network? = nil) throws -> PlasticityEngine {
            try PlasticityEngine(rule: rule, network: network ?? Self.tiny().0,
                                 probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 4), precision: .float32)
        }
        func network(_ population: Population, probability: Double = 1) throws -> Network {
            try Network(inputSize: 2, populations: [population, Population(size: 1, activation: .linear)], initializer: .uniform,
                        connectionProbability: [probability, 1], rng: RandomGenerator(.taus2, seed: 1, stream: 0))
        }
        assertRefused("backprop needs populations without leak (leak_steps)") {
            try Backprop(loss: .meanSquaredError, precision: .float32).sgdStep(
                network: network(Population(size: 3, activation: .sigmoid, leakSteps: 2)), input: Self.tiny().1, target: Self.tiny().2,
                learningRate: 0.1)
        }
        assertRefused("target: expected 4×1, got 4×2") {
            try Backprop(loss: .meanSquaredError, precision: .float32).sgdStep(
                network: Self.tiny().0, input: Self.tiny().1, target: Matrix(rows: 4, cols: 2), learningRate: 0.1)
        }
        assertRefused("precision float32 needs populations without intrinsic noise") {
            _ = try engine(wp, network(Population(size: 3, activation: .sigmoid, noise: IntrinsicNoise(site: .output, sigma: 0.1))))
        }
        assertRefused("precision float32 needs dense projections (connection_probability 1)") {
            _ = try engine(wp, network(Population(size: 30, activation: .sigmoid), probability: 0.5))
        }
        var rule = wp
        rule.optimizer = .signSGD(rate: 0.1)
        assertRefused("precision float32 needs the sgd optimizer") { _ = try engine(rule) }
        rule = wp
        rule.update = .multiplicative
        assertRefused("precision float32 needs additive updates") { _ = try engine(rule) }
        rule = wp
        rule.trace = .exponential(tau: 2)
        assertRefused("precision float32 needs the immediate trace (no eligibility traces)") { _ = try engine(rule) }
        assertRefused("precision float32 does not run antithetic probes") {
            _ = try engine(.antitheticSPSA(learningRate: 0.1, step: 0.1))
        }
        rule = PlasticityRule(name: "hebbian", probe: .none, local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 0, factors: [
            .pre(.init(.rate)), .post(.init(.rate))])]))], modulator: Modulation(), optimizer: .sgd(learningRate: 0.1))
        assertRefused("precision float32 needs a synaptic or node probe (WP, 3F-WP, 3F-NP)") { _ = try engine(rule) }
        for factors: [LocalTerm.Factor] in [[.pre(.init(.rate)), .post(.init(.derivative)), .synapticNoise],
                                            [.pre(.init(.rate, absolute: true)), .synapticNoise],
                                            [.pre(.init(.rate)), .post(.init(.rate)), .post(.init(.rate)), .synapticNoise]] {
            rule = PlasticityRule(name: "shape", probe: .synapses(.gaussian, sigma: 0.1, antithetic: false),
                                  local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 1, factors: factors)]))],
                                  modulator: Modulation(), optimizer: .sgd(learningRate: 0.1))
            assertRefused("precision float32 runs the WP, 3F-WP and 3F-NP term shapes only") { _ = try engine(rule) }
        }
        rule = wp
        rule.modulator = Modulation(source: .dopaminergic(.graded, .winner, lossThreshold: 0.75), baseline: .none)
        let classifier = try Network(inputSize: 2, populations: [Population(size: 3, activation: .softmax)], initializer: .uniform,
                                     rng: RandomGenerator(.taus2, seed: 1, stream: 0))
        assertRefused("precision float32 needs one modulator per instance (not per output)") { _ = try engine(rule, classifier) }
        rule = PlasticityRule(name: "r", probe: .synapses(.gaussian, sigma: 0.1, antithetic: false),
                              local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 1, factors: [.synapticNoise])]))],
                              trace: .episodeSum, modulator: Modulation(baseline: .none), optimizer: .sgd(learningRate: 0.1))
        assertRefused("precision float32 runs minibatch steps, not environments") {
            _ = try PlasticityEngine(rule: rule, network: Network(inputSize: 2, populations: [Population(size: 2, activation: .softmax)],
                                                                  initializer: .uniform, rng: RandomGenerator(seed: 1)),
                                     probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 1),
                                     environments: EnvironmentBatch(instances: 1, dt: 0.1,
                                                                    policyStreams: InstanceStreams(.taus2, seed: 1, base: 9, count: 1)),
                                     precision: .float32)
        }
        let (net, x, y) = try Self.tiny()
        let ready = try engine(wp, net)
        ready.device = NoisyReads()
        assertRefused("precision float32 needs the ideal device") { try ready.step(input: x, target: y) }
        ready.device = IdealSynapses()
        BLASThreads.set(2)
        if BLASThreads.current == 2 {
            assertRefused("precision float32 needs one OpenBLAS thread (sgemm's bits depend on the thread count), got 2") {
                try ready.step(input: x, target: y)
            }
            assertRefused("precision float32 needs one OpenBLAS thread (sgemm's bits depend on the thread count), got 2") {
                try Backprop(loss: .meanSquaredError, precision: .float32).sgdStep(network: net, input: x, target: y, learningRate: 0.1)
            }
        }
        BLASThreads.set(1)
        assertRefused("precision float32 needs populations without intrinsic noise") {
            try Backprop(loss: .meanSquaredError, precision: .float32).sgdStep(
                network: network(Population(size: 3, activation: .sigmoid, noise: IntrinsicNoise(site: .output, sigma: 0.1))),
                input: x, target: y, learningRate: 0.1)
        }
        XCTAssertEqual(Precision(rawValue: "float32"), .float32)
        XCTAssertNil(Precision(rawValue: "float16"))
    }
}

/// A device that is not the ideal one (the float32 mode refuses it).
private final class NoisyReads: SynapseDevice {
    func prepareRead(_ network: Network) {}
    func write(_ change: LayerParameters, projection: Int, into parameters: inout LayerParameters) {}
}
