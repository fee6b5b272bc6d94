import AllocationCounter
import XCTest
@testable import Neuromod

/// A step allocates nothing once its buffers exist (issue 15, "no allocation inside a step"): the
/// engine's minibatch step for each supervised preset and the backprop reference, on the housing
/// network's shape (8-128-64-1, batch 256), counted by the interposed allocator (Linux, glibc).
/// With noise threads (`PlasticityEngine.noiseThreads` > 1) Dispatch's fork-joins allocate a few
/// blocks of their own per draw; Neuromod still allocates nothing.
final class NoAllocationTests: XCTestCase {
    private static let sizes = (input: 8, hidden: [128, 64], output: 1)
    private static let batch = 256

    private func makeNetwork() throws -> Network {
        let rng = try RandomGenerator(.taus2, seed: 5, stream: 0)
        return try Network(inputSize: Self.sizes.input,
                           populations: [Population(size: 128, activation: .sigmoid),
                                         Population(size: 64, activation: .sigmoid),
                                         Population(size: 1, activation: .linear)],
                           initializer: .uniform, rng: rng)
    }

    private func makeBatch() throws -> (Matrix, Matrix) {
        let rng = try RandomGenerator(.taus2, seed: 6, stream: 0)
        var input = Matrix(rows: Self.batch, cols: Self.sizes.input), target = Matrix(rows: Self.batch, cols: 1)
        rng.fillGaussian(&input.storage)
        rng.fillGaussian(&target.storage)
        return (input, target)
    }

    /// Allocation calls made by `body` after `warmup` calls have sized every buffer. OpenBLAS runs on
    /// one thread: its threaded GEMM allocates per call, outside Neuromod.
    private func allocations(warmup: Int = 3, repeats: Int = 5, _ body: () throws -> Void) throws -> Int {
        try XCTSkipUnless(allocation_counter_available() == 1, "the allocator is interposed on Linux with glibc only")
        let blasThreads = BLASThreads.current
        BLASThreads.set(1)
        defer { BLASThreads.set(blasThreads) }
        for _ in 0..<warmup { try body() }
        allocation_counter_start()
        var thrown: Error?
        for _ in 0..<repeats {
            do { try body() } catch { thrown = error; break }
        }
        let count = allocation_counter_stop()
        if let thrown { throw thrown }
        return count
    }

    /// The counter sees what the test process allocates: an array that escapes is counted.
    func testCounterCountsAnAllocation() throws {
        var kept: [[Double]] = []
        let count = try allocations(warmup: 0, repeats: 4) { kept.append(Array(repeating: 1, count: 100)) }
        XCTAssertGreaterThanOrEqual(count, 4)
        XCTAssertEqual(kept.count, 4)
    }

    func testEngineStepsAllocateNothing() throws {
        let (input, target) = try makeBatch()
        for preset in [Preset.weightPerturbation, .threeFactorWeightPerturbation(.outputUnit),
                       .threeFactorNodePerturbation, .antitheticSPSA] {
            let engine = try PlasticityEngine(rule: preset.rule(learningRate: 0.01, sigma: 0.1), network: makeNetwork(),
                                              probeStreams: InstanceStreams(.taus2, seed: 7, base: 0, count: Self.batch))
            let count = try allocations { try engine.step(input: input, target: target) }
            XCTAssertEqual(count, 0, "\(preset): allocations in 5 steps")
        }
        for rule: PlasticityRule in [.weightPerturbation(learningRate: 0.01, sigma: 0.1, distribution: .rademacher),
                                     .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.01, sigma: 0.1,
                                                                    distribution: .rademacher)] {
            let engine = try PlasticityEngine(rule: rule, network: makeNetwork(),
                                              probeStreams: InstanceStreams(.taus2, seed: 7, base: 0, count: Self.batch))
            let count = try allocations { try engine.step(input: input, target: target) }
            XCTAssertEqual(count, 0, "\(rule.name) (Rademacher): allocations in 5 steps")
        }
    }

    func testBackpropStepAllocatesNothing() throws {
        let (input, target) = try makeBatch()
        let network = try makeNetwork()
        let backprop = Backprop(loss: .meanSquaredError)
        let count = try allocations { try backprop.sgdStep(network: network, input: input, target: target, learningRate: 0.02) }
        XCTAssertEqual(count, 0, "BP: allocations in 5 steps")
    }

    /// The float32 mode's steps (docs/precision.md): every method of its scope, and backprop.
    func testFloat32StepsAllocateNothing() throws {
        let (input, target) = try makeBatch()
        let rules: [PlasticityRule] = [
            .weightPerturbation(learningRate: 0.01, sigma: 0.1),
            .weightPerturbation(learningRate: 0.01, sigma: 0.1, distribution: .rademacher),
            .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.01, sigma: 0.1),
            .threeFactorWeightPerturbation(.outputUnit, learningRate: 0.01, sigma: 0.1, distribution: .rademacher),
            .nodePerturbation(learningRate: 0.01, sigma: 0.1),
        ]
        for rule in rules {
            let engine = try PlasticityEngine(rule: rule, network: makeNetwork(),
                                              probeStreams: InstanceStreams(.taus2, seed: 7, base: 0, count: Self.batch),
                                              precision: .float32)
            let count = try allocations { try engine.step(input: input, target: target) }
            XCTAssertEqual(count, 0, "\(rule.name) (float32): allocations in 5 steps")
        }
        let network = try makeNetwork()
        let backprop = Backprop(loss: .meanSquaredError, precision: .float32)
        let count = try allocations { try backprop.sgdStep(network: network, input: input, target: target, learningRate: 0.02) }
        XCTAssertEqual(count, 0, "BP (float32): allocations in 5 steps")
    }
}
