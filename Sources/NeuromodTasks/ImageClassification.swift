import Neuromod

/// MNIST-format image classification sets (MNIST, Fashion-MNIST) read from their four IDX files.
///
/// A folder holds `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
/// `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (gzip or plain). Inputs are the
/// pixels, one row of rows×cols values per image, scaled by ``PixelScaling``; targets are one-hot
/// over the classes kept (in ascending order), so digits 0–4 give 5 outputs.
public enum ImageClassification {
    public enum Split: String, Sendable, CaseIterable {
        case train
        case test
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// How pixel values 0…255 become inputs.
    public enum PixelScaling: Sendable, Equatable {
        /// x / 255, in [0, 1].
        case unit
        /// (x/255 − mean) / sd, e.g. MNIST's training statistics 0.1307 and 0.3081.
        case standardized(mean: Double, sd: Double)
    }

    /// Loads `split` from `folder`, keeping only `classes` (nil: all) and the first `limit` images
    /// of those (nil: all), in file order.
    /// - Throws: ``DataError`` for missing or damaged files (naming the file and byte offset), images
    ///   and labels that disagree in number, or labels outside the classes the file can hold.
    public static func load(folder: String, split: Split, classes: [Int]? = nil, limit: Int? = nil,
                            scaling: PixelScaling = .unit) throws -> Dataset {
        let imagePath = folder + "/\(split.prefix)-images-idx3-ubyte.gz"
        let labelPath = folder + "/\(split.prefix)-labels-idx1-ubyte.gz"
        let images = try IDXFile.read(path: imagePath), labels = try IDXFile.read(path: labelPath)
        guard images.dimensions.count == 3 else {
            throw DataError.invalidIDX(path: imagePath, offset: 3, problem: "images need 3 dimensions, found \(images.dimensions.count)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.invalidIDX(path: labelPath, offset: 3, problem: "labels need 1 dimension, found \(labels.dimensions.count)")
        }
        guard images.count == labels.count else {
            throw DataError.invalidIDX(path: labelPath, offset: 4,
                                       problem: "\(labels.count) labels for the \(images.count) images of \(imagePath)")
        }
        let kept = (classes ?? Array(0...9)).sorted()
        guard !kept.isEmpty, Set(kept).count == kept.count, kept.allSatisfy({ (0...255).contains($0) }) else {
            throw DataError.invalidIDX(path: labelPath, offset: 0, problem: "classes must be distinct values 0…255, got \(kept)")
        }
        var position = [Int](repeating: -1, count: 256)
        for (k, c) in kept.enumerated() { position[c] = k }
        var chosen: [Int] = []
        for (n, label) in labels.values.enumerated() where position[Int(label)] >= 0 {
            chosen.append(n)
            if let limit, chosen.count == limit { break }
        }
        let width = images.itemSize
        var inputs = Matrix(rows: chosen.count, cols: width)
        var targets = Matrix(rows: chosen.count, cols: kept.count)
        let (offset, scale): (Double, Double)
        switch scaling {
        case .unit: (offset, scale) = (0, 1 / 255)
        case .standardized(let mean, let sd): (offset, scale) = (-mean / sd, 1 / (255 * sd))
        }
        inputs.storage.withUnsafeMutableBufferPointer { x in
            images.values.withUnsafeBufferPointer { pixels in
                for (r, n) in chosen.enumerated() {
                    for i in 0..<width { x[r * width + i] = Double(pixels[n * width + i]) * scale + offset }
                }
            }
        }
        for (r, n) in chosen.enumerated() { targets[r, position[Int(labels.values[n])]] = 1 }
        return Dataset(name: "\(folder.split(separator: "/").last.map(String.init) ?? folder) \(split.rawValue)",
                       inputs: inputs, targets: targets, inputNames: (0..<width).map { "pixel \($0)" },
                       targetNames: kept.map { "class \($0)" })
    }
}
