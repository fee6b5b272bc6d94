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
                for s in 0..<3 {
                    let expected = try reference.step(input: input, target: target)
                    let got = try step.computeUpdate(engine: generic, input: input, target: target)
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
}
