import Foundation
import Testing
@testable import Neuromod

/// Seed 003's readout rules on cases small enough to work out by hand (values in the comments).
/// A softmax readout (hidden → classes, zero weights) learning by a preset through the engine.
final class Readout {
    let engine: PlasticityEngine
    init(pre: Int, post: Int, rule: PlasticityRule) throws {
        let network = try Network(inputSize: pre, populations: [Population(size: post, activation: .softmax)],
                                  parameters: [LayerParameters(pre: pre, post: post)])
        engine = try PlasticityEngine(rule: rule, network: network, probeStreams: InstanceStreams(.taus2, seed: 0, base: 0, count: 0))
    }
    var parameters: LayerParameters { engine.network.parameters[0] }
    @discardableResult
    func learn(hidden: Matrix, labels: [Int]) throws -> Double {
        let classes = engine.network.populations[0].size
        try engine.step(input: hidden, target: Matrix(labels.map { c in (0..<classes).map { $0 == c ? 1.0 : 0 } }))
        return engine.instanceLosses.reduce(0, +) / Double(labels.count)
    }
}

@Suite struct ReadoutRuleTests {
    static func factors(_ rule: DopaminergicRule, z: [Double], label: Int) -> [Double] {
        var out = [Double](repeating: .nan, count: z.count)
        z.withUnsafeBufferPointer { zp in
            out.withUnsafeMutableBufferPointer { rule.dopamineFactors(probabilities: zp, label: label, loss: -log(z[label]), into: $0) }
        }
        return out
    }

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    /// z = (0.7, 0.2, 0.1). Label 0: L = 0.357 ≤ ε0, err² = (0.09, 0.04, 0.01), Σ = 0.14.
    /// Label 1: L = 1.609 > ε0, err² = (0.49, 0.64, 0.01), Σ = 1.14. The winner is output 0.
    @Test func dopamineFactorsOfEachReading() {
        let z = [0.7, 0.2, 0.1]
        func rule(_ reading: DopaminergicReading, _ firing: OutputFiring) -> DopaminergicRule {
            DopaminergicRule(reading: reading, outputFiring: firing)
        }
        #expect(Self.factors(rule(.printed, .every), z: z, label: 0) == [0, 0, 0])   // L ≤ ε0: no update
        #expect(Self.factors(rule(.printed, .every), z: z, label: 1) == [0, 0, 1])   // only err² < 1/4
        #expect(Self.factors(rule(.printed, .winner), z: z, label: 1) == [0, 0, 0])
        #expect(Self.factors(rule(.text, .every), z: z, label: 0) == [1, 1, 1])
        #expect(Self.factors(rule(.text, .winner), z: z, label: 0) == [1, 0, 0])
        #expect(Self.factors(rule(.text, .every), z: z, label: 1) == [0, 0, 0])      // L > ε0
        #expect(Self.close(Self.factors(rule(.graded, .every), z: z, label: 0), [0.11, 0.11, 0.11]))
        #expect(Self.close(Self.factors(rule(.graded, .winner), z: z, label: 1), [-0.89, 0, 0]))
        #expect(Self.close(Self.factors(rule(.gradedPerOutput, .every), z: z, label: 0), [0.16, 0.21, 0.24]))
        #expect(Self.close(Self.factors(rule(.gradedPerOutput, .winner), z: z, label: 1), [-0.24, 0, 0]))
    }

    /// Zero weights give z = (½, ½); the winner (lowest index on a tie) is output 0. With label 0
    /// the example's squared error is ¼ + ¼ = ½, so m_0 = ¼ − ½ = −¼: the links from the neurons
    /// that fired (h_0 = 2 > 0; h_1 = 0 did not) onto output 0 lose ε1·¼, and so does output 0's bias.
    @Test func dopaminergicUpdateChangesOnlyLinksThatFired() throws {
        let readout = try Readout(pre: 2, post: 2, rule: .dopaminergic(reading: .graded, rate: 2))
        let loss = try readout.learn(hidden: Matrix([[2, 0]]), labels: [0])
        #expect(abs(loss - log(2)) < 1e-15)
        #expect(readout.parameters.weights == Matrix([[-0.5, 0], [0, 0]]))
        #expect(readout.parameters.bias == [-0.5, 0])
        // Now output 1 wins (logit 0 > −0.5 − 1 = −1.5) and, with label 1, is rewarded:
        // z = (σ(−1.5), σ(1.5)), err² total = 2(1 − σ(1.5))², m_1 = ¼ − that.
        try readout.learn(hidden: Matrix([[2, 0]]), labels: [1])
        let q = 1 / (1 + exp(1.5)), m = 0.25 - 2 * q * q
        #expect(Self.close(readout.parameters.weights.storage, [-0.5, 0, 2 * m, 0]))
        #expect(Self.close(readout.parameters.bias, [-0.5, 2 * m]))
    }

    /// Gradient of the summed loss at zero weights, h = (2, −1), label 0, z = (½, ½):
    /// row 0 = (½ − 1)·h = (−1, ½), row 1 = ½·h = (1, −½), bias (−½, ½); a zero gradient moves nothing.
    @Test func signSGDStepsAgainstTheGradientSign() throws {
        let readout = try Readout(pre: 3, post: 2, rule: .readoutGradient(.signSGD(rate: 0.1)))
        try readout.learn(hidden: Matrix([[2, -1, 0]]), labels: [0])
        #expect(readout.parameters.weights == Matrix([[0.1, -0.1, 0], [-0.1, 0.1, 0]]))
        #expect(readout.parameters.bias == [0.1, -0.1])
    }

    /// Adam's first step is −rate·g/(|g| + ε) with bias-corrected moments; g is the minibatch mean.
    /// Two samples h = (1, 0) label 0 and h = (0, 3) label 1 at zero weights:
    /// g row 0 = ½[(−½)(1, 0) + (½)(0, 3)] = (−¼, ¾), row 1 = (¼, −¾), bias (0, 0).
    @Test func adamFirstStepFollowsTheMeanGradient() throws {
        let readout = try Readout(pre: 2, post: 2, rule: .readoutGradient(.adam(AdamSettings(rate: 0.01))))
        try readout.learn(hidden: Matrix([[1, 0], [0, 3]]), labels: [0, 1])
        let g = [-0.25, 0.75, 0.25, -0.75]
        #expect(Self.close(readout.parameters.weights.storage, g.map { -0.01 * $0 / (abs($0) + 1e-8) }))
        #expect(readout.parameters.bias == [0, 0])
    }

    /// The fixed layer's cache equals φ(x Wᵀ + b) computed directly, across block boundaries.
    @Test func featureCacheMatchesTheLayer() throws {
        let rng = try RandomGenerator(.taus2, seed: 3)
        var inputs = Matrix(rows: 7, cols: 4)
        rng.fillGaussian(&inputs.storage)
        let layer = WeightInitializer.kaimingUniform.draw(pre: 4, post: 5, rng: rng)
        let cache = FeatureCache(inputs: inputs, layer: layer, activation: .relu, blockRows: 3)
        let rows = cache.gatherRows([6, 0])
        for (r, n) in [6, 0].enumerated() {
            for j in 0..<5 {
                let z = (0..<4).reduce(0.0) { $0 + inputs[n, $1] * layer.weights[j, $1] }
                #expect(abs(rows[r, j] - Double(Float(max(z, 0)))) < 1e-12)
            }
        }
    }
}
