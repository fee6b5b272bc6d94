import Foundation
import Testing
@testable import Neuromod

/// Neural net evolution (seed 003, §2): the sparse generation matrix, the weak-selection update and
/// Theorem 2's linear target.
@Suite struct NeuralNetEvolutionTests {
    /// 2 000 × 500 entries at β = 0.01: 10 000 nonzeros expected, SD ≈ 99.5; accept ±4 SD.
    /// Values lie in [−1, 1] and a genotype product equals the dense sum.
    @Test func generationMatrixIsSparseAndMultipliesGenotypes() throws {
        let rng = try RandomGenerator(.taus2, seed: 11)
        let g = SparseMatrix.random(rows: 2000, cols: 500, density: 0.01, rng: rng) { 2 * $0.uniform() - 1 }
        #expect(abs(g.nonzeros - 10_000) < 400)
        #expect(g.values.allSatisfy { abs($0) <= 1 })
        // Each column is hit about equally often: the skips do not favour the start of a row.
        var firstHalf = 0
        for c in g.columns where c < 250 { firstHalf += 1 }
        #expect(abs(Double(firstHalf) / Double(g.nonzeros) - 0.5) < 0.02)
        let x: [UInt8] = (0..<500).map { _ in rng.uniform() < 0.3 ? 1 : 0 }
        var y = [Double](repeating: 0, count: 2000)
        y.withUnsafeMutableBufferPointer { g.multiply(genotype: x, into: $0) }
        #expect(y == g.multiply(x.map(Double.init)))
        var dense = [Double](repeating: 0, count: 2000)
        for r in 0..<2000 {
            for k in g.rowStart[r]..<g.rowStart[r + 1] where x[Int(g.columns[k])] == 1 { dense[r] += g.values[k] }
        }
        #expect(zip(y, dense).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// Genotypes (1,0), (0,1), (1,1) with fitness 2, 1, 3, p = (½, ½), ε = ½.
    /// Gene 0: f = (2 + 3)/2 = 2.5, f̄ = 1 → p = ½·2.25 / (½·2.25 + ½·1.5) = 0.6.
    /// Gene 1: f = (1 + 3)/2 = 2, f̄ = 2 → unchanged. Gene 2 is 1 in every genotype: f̄ is undefined,
    /// so it keeps its frequency.
    @Test func weakSelectionMatchesEquationThree() {
        var alleles = AlleleFrequencies([0.5, 0.5, 0.9])
        let genotypes: [[UInt8]] = [[1, 0, 1], [0, 1, 1], [1, 1, 1]]
        let (present, absent) = AlleleFrequencies.alleleFitness(genotypes: genotypes, fitness: [2, 1, 3])
        #expect(present == [2.5, 2, 2])
        #expect(absent == [1, 2, nil])
        alleles.weakSelection(genotypes: genotypes, fitness: [2, 1, 3], selection: 0.5)
        #expect(abs(alleles.p[0] - 0.6) < 1e-15)
        #expect(alleles.p[1] == 0.5)
        #expect(alleles.p[2] == 0.9)
    }

    /// Theorem 2: inputs y uniform in the unit ball of ℝ⁵, label aᵀy with ‖a‖ = 0.8, weights
    /// s·(W x) with W_ij = ±√(m/d) with probability d/m (m = 5, d = 1) over n = 200 genes, s = 0.1.
    /// Fitness δ_x = mean max(0, 2 − L) with squared loss, 100 genotypes per generation, ε = 1.
    /// After 200 generations the expected weights W p point along a: cosine > 0.95 (it starts
    /// near 0; a seed-sweep in NumPy reaches 0.998).
    @Test func evolutionLearnsALinearTarget() throws {
        let m = 5, n = 200, population = 100, samples = 100
        let rng = try RandomGenerator(.taus2, seed: 5)
        let magnitude = Double(m).squareRoot()
        let w = SparseMatrix.random(rows: m, cols: n, density: 1 / Double(m), rng: rng) { $0.uniform() < 0.5 ? magnitude : -magnitude }
        var a = (0..<m).map { _ in rng.gaussian() }
        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        a = a.map { 0.8 * $0 / norm }
        let ys: [[Double]] = (0..<samples).map { _ in
            let g = (0..<m).map { _ in rng.gaussian() }
            let radius = pow(rng.uniform(), 1 / Double(m)) / g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return g.map { $0 * radius }
        }
        func cosine(_ v: [Double]) -> Double {
            let dot = zip(v, a).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (v.reduce(0) { $0 + $1 * $1 }.squareRoot() * 0.8)
        }
        var alleles = AlleleFrequencies.uniform(genes: n, rng: rng)
        let start = cosine(w.multiply(alleles.p))
        let streams = try InstanceStreams(.taus2, seed: 5, base: 1 << 20, count: population)
        for _ in 0..<200 {
            let genotypes = (0..<population).map { alleles.sample(rng: streams[$0]) }
            let fitness = genotypes.map { x -> Double in
                let weights = w.multiply(x.map(Double.init)).map { 0.1 * $0 }
                return ys.reduce(0.0) { total, y in
                    let error = zip(weights, y).reduce(0) { $0 + $1.0 * $1.1 } - zip(a, y).reduce(0) { $0 + $1.0 * $1.1 }
                    return total + max(0, 2 - error * error)
                } / Double(samples)
            }
            alleles.weakSelection(genotypes: genotypes, fitness: fitness, selection: 1)
        }
        let end = cosine(w.multiply(alleles.p))
        #expect(abs(start) < 0.9)
        #expect(end > 0.95, "cosine(Wp, a) went from \(start) to \(end)")
    }

    /// Weights s ⊙ (G x): a genotype's input–hidden weights sit only on drawn links and match G's
    /// rows; fitness is mean max(0, ln²C − L).
    @Test func geneticNetworkBuildsWeightsFromGenes() throws {
        let rng = try RandomGenerator(.taus2, seed: 2)
        let net = GeneticNetwork(inputs: 6, hidden: 3, classes: 2, inputDensity: 0.5, genes: 40, geneDensity: 0.2, rng: rng)
        let x: [UInt8] = (0..<40).map { $0 % 3 == 0 ? 1 : 0 }
        let links = net.generation.multiply(x.map(Double.init))
        let (hidden, output) = net.weights(genotype: x)
        var k = 0
        for j in 0..<3 {
            for i in 0..<6 {
                if net.inputLinks[j].contains(Int32(i)) {
                    #expect(hidden[j, i] == net.hiddenScale * links[k])
                    k += 1
                } else {
                    #expect(hidden[j, i] == 0)
                }
            }
        }
        #expect(output.storage == links[k...].map { net.outputScale * $0 })
        #expect(abs(net.hiddenScale - (12 / (6 * 0.5 * 40 * 0.2)).squareRoot()) < 1e-15)
        let alpha2 = log(2.0) * log(2.0)
        #expect(abs(GeneticNetwork.fitness(losses: [0.1, 5], classes: 2) - (alpha2 - 0.1) / 2) < 1e-15)
    }
}
