import Foundation
import Neuromod

// `neuromod-bench nne`: the cost of neural net evolution at seed 003's full scale (§3.1): 784 → 1 000
// ReLU (input links with probability 0.1) → 10 softmax, 200 images per digit (2 000), n genes with
// β = 0.0025. Times one genotype's evaluation, piece by piece, against the dense GEMM it contains
// (the floor), and extrapolates to a generation of 1 000 genotypes on every core.

func runEvolutionBenchmark(_ arguments: [String]) throws {
    var genes = 5000, repeats = 5, images = 2000, hidden = 1000
    var i = 0
    while i < arguments.count {
        guard i + 1 < arguments.count, let value = Int(arguments[i + 1]), value > 0 else {
            throw BenchError("usage: neuromod-bench nne [--genes N] [--images N] [--hidden N] [--repeats N]")
        }
        switch arguments[i] {
        case "--genes": genes = value
        case "--images": images = value
        case "--hidden": hidden = value
        case "--repeats": repeats = value
        default: throw BenchError("unknown option \(arguments[i]); usage: neuromod-bench nne [--genes N] [--images N] [--hidden N] [--repeats N]")
        }
        i += 2
    }
    BLASThreads.set(1)
    let rng = try RandomGenerator(.taus2, seed: 1)
    let network = GeneticNetwork(inputs: 784, hidden: hidden, classes: 10, inputDensity: 0.1, genes: genes,
                                 geneDensity: 0.0025, rng: rng)
    var inputs = Matrix(rows: images, cols: 784)
    rng.fillUniform(&inputs.storage, low: 0, high: 1)
    let labels = (0..<images).map { $0 % 10 }
    let genotype = AlleleFrequencies.uniform(genes: genes, rng: rng).sample(rng: rng)
    print("neuromod-bench nne: 784 → \(hidden) ReLU (input density 0.1) → 10, \(images) images, \(genes) genes, "
          + "β = 0.0025, G has \(network.generation.nonzeros) nonzeros over \(network.generation.rows) links; "
          + "one thread, OpenBLAS 1 thread, median thread CPU time of \(repeats) (robust on a busy machine)")

    var weights = network.weights(genotype: genotype)
    let build = measure(warmup: 1, repeats: repeats) { _ in weights = network.weights(genotype: genotype) }
    var h = Matrix(rows: 0, cols: 0)
    let forward = measure(warmup: 1, repeats: repeats) { _ in h = GeneticNetwork.hiddenActivity(inputs, weights: weights.hidden) }
    let loss = measure(warmup: 1, repeats: repeats) { _ in
        blackHole(GeneticNetwork.fitness(losses: GeneticNetwork.evaluate(hidden: h, output: weights.output, labels: labels).losses, classes: 10))
    }
    var floorOut = Matrix(rows: images, cols: hidden)
    let floor = measure(warmup: 1, repeats: repeats) { _ in
        Matrix.gemm(inputs, weights.hidden, transB: .transposed, into: &floorOut)
    }
    let total = build.cpuMedianMs + forward.cpuMedianMs + loss.cpuMedianMs
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let generationSeconds = total / 1000 * 1000 / Double(cores)   // ms → s, × 1 000 genotypes, over the cores
    print("  weights from genes (sparse G·x, scatter)  \(formatMs(build.cpuMedianMs)) ms")
    print("  hidden layer (GEMM + ReLU)                \(formatMs(forward.cpuMedianMs)) ms")
    print("  output, softmax, fitness                  \(formatMs(loss.cpuMedianMs)) ms")
    print("  one genotype                              \(formatMs(total)) ms = \(String(format: "%.2f", total / floor.cpuMedianMs)) × the dense GEMM alone (\(formatMs(floor.cpuMedianMs)) ms)")
    print("  a generation of 1 000 genotypes on \(cores) cores: \(String(format: "%.1f", generationSeconds)) s; "
          + "100 000 generations: \(String(format: "%.1f", generationSeconds * 100_000 / 86_400)) days")
}
