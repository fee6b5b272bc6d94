import Neuromod
import NeuromodTasks

extension ReadoutSpec {
    /// Peak memory of `neuromod run` on this readout study with `jobs` methods trained at once (see
    /// ``MemoryEstimate``).
    ///
    /// Running holds the train and test inputs (Double), the fixed layer's weights, its cached
    /// activity for every image (Float) and, per method trained at once, the readout with its
    /// optimizer state and the 4 096-row blocks accuracy is computed on.
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let shape = ImageDataShape(data)
        let classes = data.classes.count
        estimate.addImages(shape)
        let images = shape.trainKept + shape.test
        estimate.add("readout.hidden", hidden, "the fixed layer's cached activity",
                     MemoryLimit.product(images, hidden, Bytes.float))
        // Weights, and the 1 024-row Double blocks the cache is computed in (three).
        estimate.add("readout.hidden", hidden, "the fixed layer's weights",
                     MemoryLimit.product(MemoryLimit.sum([shape.width, 1, 3 * 1024]), hidden, Bytes.double))
        let concurrent = min(jobs, methods.count)
        let largestBatch = methods.map(\.batch).max() ?? 1
        // Readout, update and Adam's two moments (×4); gathered rows of a minibatch and of an accuracy block.
        estimate.add("readout.hidden", hidden, "the readouts being trained",
                     MemoryLimit.product(concurrent, hidden, MemoryLimit.sum([4 * classes, largestBatch, 4096]), Bytes.double))
        return estimate
    }
}

extension EvolutionSpec {
    /// Peak memory of `neuromod run` on this evolution study with `jobs` genotypes evaluated at once
    /// (see ``MemoryEstimate``).
    ///
    /// Running holds the inputs, the sparse weight-generation matrix G (links × genes × β nonzeros
    /// of 12 bytes), a generation's genotypes (a byte per gene), and per genotype evaluated at once
    /// its weights and hidden activity on the training images (and on the test images at checkpoints).
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let shape = ImageDataShape(data)
        let classes = data.classes.count
        estimate.addImages(shape)
        let links = Int(Double(hidden) * Double(shape.width) * inputDensity) + hidden * classes
        let largest = genes.max() ?? 1
        let field = "evolution.genes[\(genes.firstIndex(of: largest) ?? 0)]"
        let nonzeros = Int(min(Double(links) * Double(largest) * geneDensity, 1e18))
        estimate.add(field, largest, "the weight-generation matrix", MemoryLimit.product(nonzeros, 12))
        estimate.add(field, largest, "a generation's genotypes and allele frequencies",
                     MemoryLimit.product(largest, MemoryLimit.sum([population, 3 * Bytes.double])))
        let concurrent = min(jobs, population)
        let evaluated = max(shape.trainKept, shape.test)
        estimate.add("evolution.hidden", hidden, "the weights and hidden activity of genotypes evaluated at once",
                     MemoryLimit.product(concurrent, hidden, MemoryLimit.sum([shape.width, evaluated, classes]), Bytes.double))
        return estimate
    }
}

extension MemoryEstimate {
    /// The images of a readout or evolution study: loading them, then the train and test inputs.
    mutating func addImages(_ shape: ImageDataShape) {
        add("data", shape.trainLoaded, "loading the images", shape.loadingBytes, .loading)
        add("data", shape.trainKept + shape.test, "the images as inputs",
            MemoryLimit.product(shape.trainKept + shape.test, shape.width, Bytes.double))
    }
}
