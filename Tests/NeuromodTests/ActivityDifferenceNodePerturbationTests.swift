import Foundation
import Testing
@testable import Neuromod

/// Activity-difference node perturbation (Dalm et al. 2023) computed by hand, sample by sample, on
/// the 2-3-1 sigmoid/linear fixture with the noise the engine drew: ΔW_ji = η/B Σ_n M⁽ⁿ⁾ a_i δz_j / σ²
/// with δz the change of each drive between the clean and the noisy pass. Tolerance 1e-12: only
/// summation order differs.
@Suite struct ActivityDifferenceNodePerturbationTests {
    typealias Fixture = ThreeFactorPresetTests

    @Test func updateCorrelatesTheRewardWithEachDrivesWholeChange() throws {
        let (eta, sigma) = (0.7, 0.2)
        let network = try Fixture.network()
        let engine = try PlasticityEngine(rule: .activityDifferenceNodePerturbation(learningRate: eta, sigma: sigma),
                                          network: network, probeStreams: InstanceStreams(.mt19937, seed: 99, base: 0, count: 4))
        try engine.computeUpdate(input: Matrix(Fixture.x), target: Matrix(Fixture.t.map { [$0] }))
        let noise = network.probeNoise  // σξ on each drive, per layer, of the noisy pass
        var rewards: [Double] = []
        var passes: [(a1: [Double], dz1: [Double], dz2: Double)] = []
        for n in 0..<4 {
            let x = Fixture.x[n]
            func pass(_ xi1: [Double], _ xi2: Double) -> (z1: [Double], h: [Double], z2: Double) {
                let z1 = (0..<3).map { j in Fixture.w1[j][0] * x[0] + Fixture.w1[j][1] * x[1] + Fixture.b1[j] + xi1[j] }
                let h = z1.map(Fixture.sigmoid)
                return (z1, h, (0..<3).reduce(Fixture.b2[0]) { $0 + Fixture.w2[0][$1] * h[$1] } + xi2)
            }
            let clean = pass([0, 0, 0], 0), noisy = pass(noise[0].row(n), noise[1][n, 0])
            rewards.append(-(noisy.z2 - Fixture.t[n]) * (noisy.z2 - Fixture.t[n]))
            passes.append((clean.h, (0..<3).map { noisy.z1[$0] - clean.z1[$0] }, noisy.z2 - clean.z2))
        }
        let mean = rewards.reduce(0, +) / 4
        var dw1 = Array(repeating: Array(repeating: 0.0, count: 2), count: 3), db1 = [0.0, 0, 0]
        var dw2 = [0.0, 0, 0], db2 = 0.0
        for n in 0..<4 {
            let c = eta / 4 * (rewards[n] - mean) / (sigma * sigma)
            for j in 0..<3 {
                for i in 0..<2 { dw1[j][i] += c * Fixture.x[n][i] * passes[n].dz1[j] }
                db1[j] += c * passes[n].dz1[j]
                dw2[j] += c * passes[n].a1[j] * passes[n].dz2
            }
            db2 += c * passes[n].dz2
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
        for j in 0..<3 {
            for i in 0..<2 { #expect(close(engine.updates[0].weights[j, i], dw1[j][i])) }
            #expect(close(engine.updates[0].bias[j], db1[j]))
            #expect(close(engine.updates[1].weights[0, j], dw2[j]))
        }
        #expect(close(engine.updates[1].bias[0], db2))
        // The output drive's change holds more than its own noise: the hidden layer's propagated change.
        #expect(abs(passes[0].dz2 - noise[1][0, 0]) > 1e-3)
    }

    @Test func specsNameItAsAPreset() {
        let rule = RulePresets.named("activity-difference-np")?.make(.init(learningRate: 0.1, sigma: 0.05))
        #expect(rule?.probe == .nodes(sigma: 0.05, site: .preActivation))
        #expect(rule?.forwardPassEquivalents == 1.6)
    }
}
