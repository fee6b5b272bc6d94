import Neuromod

/// Inputs with class indices: what seed 002's studies train and test on.
public struct ClassificationSet: Sendable, Equatable {
    /// One example per row.
    public var inputs: Matrix
    /// The class of each row, in 0..<classes.
    public var labels: [Int]
    public var classes: Int

    public init(inputs: Matrix, labels: [Int], classes: Int) {
        precondition(inputs.rows == labels.count && labels.allSatisfy { (0..<classes).contains($0) })
        self.inputs = inputs
        self.labels = labels
        self.classes = classes
    }

    public var count: Int { labels.count }
}

extension ImageClassification {
    /// `count` images of `split` drawn without replacement by `rng` (a permutation's first `count`,
    /// kept in file order), all ten classes, pixels / 255 (seed 002, A.2: "ten thousand random
    /// images out of the sixty thousand"). nil or a count ≥ the file's: every image.
    /// - Throws: ``DataError`` for missing or damaged files, as ``load(folder:split:classes:limit:scaling:)``.
    public static func loadRandomSubset(folder: String, split: Split, count: Int?, rng: RandomGenerator) throws -> ClassificationSet {
        let imagePath = folder + "/\(split.prefix)-images-idx3-ubyte.gz"
        let labelPath = folder + "/\(split.prefix)-labels-idx1-ubyte.gz"
        let images = try IDXFile.read(path: imagePath), labels = try IDXFile.read(path: labelPath)
        guard images.dimensions.count == 3, labels.dimensions.count == 1, images.count == labels.count else {
            throw DataError.invalidIDX(path: labelPath, offset: 0, problem: "expected \(imagePath)'s images and one label each")
        }
        guard labels.values.allSatisfy({ $0 < 10 }) else {
            throw DataError.invalidIDX(path: labelPath, offset: 8, problem: "labels must be 0…9")
        }
        let all = images.count, width = images.itemSize
        let chosen = count.map { $0 < all ? Array(rng.permutation(all).prefix($0)).sorted() : Array(0..<all) } ?? Array(0..<all)
        var inputs = Matrix(rows: chosen.count, cols: width)
        images.values.withUnsafeBufferPointer { pixels in
            inputs.storage.withUnsafeMutableBufferPointer { x in
                for (r, n) in chosen.enumerated() { for i in 0..<width { x[r * width + i] = Double(pixels[n * width + i]) / 255 } }
            }
        }
        return ClassificationSet(inputs: inputs, labels: chosen.map { Int(labels.values[$0]) }, classes: 10)
    }
}
